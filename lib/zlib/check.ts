// SPDX-License-Identifier: GPL-2.0
// Argument checks shared by the '#zlib' implementations (the ranges zlib_deflateInit2 and
// zlib_inflateInit2 accept for raw streams). Bad arguments are bugs in the caller: RangeError.
import type { zlib_deflate_params, zlib_inflate_params } from '../../include/linux/zlib.h.ts';

const int_in = (name: string, v: number, lo: number, hi: number): void => {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`zlib: ${name} must be an integer in ${lo}..${hi} (got ${String(v)})`);
};

export function zlib_check_deflate(p: zlib_deflate_params): void {
  int_in('windowBits', p.windowBits, 9, 15);
  int_in('level', p.level, -1, 9);
  int_in('memLevel', p.memLevel, 1, 9);
}

export function zlib_check_inflate(p: zlib_inflate_params): void {
  int_in('windowBits', p.windowBits, 9, 15);
  int_in('maxOutputLength', p.maxOutputLength, 1, 0x7fffffff);
}
