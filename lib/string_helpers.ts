// SPDX-License-Identifier: GPL-2.0
// string_get_size() (lib/string_helpers.c): a size with three significant figures and a unit,
// "7.28 GiB", "4.00 MiB", "512 KiB", as the block drivers print capacities.

export const STRING_UNITS_10 = 0;
export const STRING_UNITS_2 = 1;

const UNITS = [
  ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'],
  ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'],
];
const DIVISOR = [1000n, 1024n];
const ROUNDING = [500n, 50n, 5n];

/**
 * string_get_size() - @size blocks of @blk_size bytes as text. Same arithmetic as Linux (Napier's
 * reduction, a truncated then rounded remainder), so the digits match the kernel's.
 */
export const string_get_size = (size: number, blk_size: number, units: number): string => {
  const div = DIVISOR[units]!;
  let s = BigInt(blk_size === 0 ? 0 : size);
  let b = BigInt(blk_size);
  let i = 0;
  let remainder = 0n;
  let tail = '';
  if (s !== 0n) {
    while (b >> 32n) {
      b /= div;
      i++;
    }
    while (s >> 32n) {
      s /= div;
      i++;
    }
    s *= b;
    while (s >= div) {
      remainder = s % div;
      s /= div;
      i++;
    }
    let j = 0;
    for (let sf = s; sf * 10n < 1000n; j++) sf *= 10n;
    if (units === STRING_UNITS_2) remainder = (remainder * 1000n) >> 10n;
    remainder += ROUNDING[j]!;
    if (remainder >= 1000n) {
      remainder -= 1000n;
      s += 1n;
    }
    if (j) tail = '.' + String(remainder).padStart(3, '0').slice(0, j);
  }
  const unit = UNITS[units]![i] ?? 'UNK';
  return `${s}${tail} ${unit}`;
};
