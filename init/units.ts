// SPDX-License-Identifier: GPL-2.0
// Sizes in board files: a number of bytes, or a string such as "8GiB", "4 MiB", "512KiB", "2048s"
// (sectors). Powers of two only, as disk tools mean them.
const UNITS: Record<string, number> = { '': 1, B: 1, s: 512, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };

/** Bytes, or null when @v is not a size. */
export const parse_size = (v: unknown): number | null => {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : null;
  if (typeof v !== 'string') return null;
  const m = /^\s*(\d+)\s*(B|s|KiB|MiB|GiB|TiB)?\s*$/.exec(v);
  if (!m) return null;
  const bytes = Number(m[1]) * UNITS[m[2] ?? '']!;
  return Number.isSafeInteger(bytes) ? bytes : null;
};

/** JSON Schema of a size field. */
export const SIZE_SCHEMA = {
  anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^\\s*\\d+\\s*(B|s|KiB|MiB|GiB|TiB)?\\s*$' }],
} as const;
