// SPDX-License-Identifier: GPL-2.0
// '#zlib' in a browser: lib/zlib_deflate and lib/zlib_inflate on pako 3, a port of zlib whose
// output is byte-identical to node:zlib. Inflate uses pako's zlib-shaped low-level calls so
// that it is one inflate() into one output buffer, as in the kernel.
import { deflateRaw, ZStream, Z_FINISH, Z_OK, Z_STREAM_END, zlibInflate, zlibInflateEnd, zlibInflateInit2 } from 'pako';
import type { zlib_deflate_raw, zlib_inflate_raw } from '../../include/linux/zlib.h.ts';
import { zlib_check_deflate, zlib_check_inflate } from './check.ts';

export const deflate_raw: zlib_deflate_raw = (src, p) => {
  zlib_check_deflate(p);
  return deflateRaw(src, { windowBits: p.windowBits, level: p.level, memLevel: p.memLevel });
};

export const inflate_raw: zlib_inflate_raw = (src, p) => {
  zlib_check_inflate(p);
  const strm = new ZStream();
  if (zlibInflateInit2(strm, -p.windowBits) !== Z_OK) return null;
  strm.input = src;
  strm.next_in = 0;
  strm.avail_in = src.length;
  strm.output = new Uint8Array(p.maxOutputLength);
  strm.next_out = 0;
  strm.avail_out = p.maxOutputLength;
  const ret = zlibInflate(strm, Z_FINISH);
  zlibInflateEnd(strm);
  return ret === Z_STREAM_END ? strm.output.subarray(0, strm.next_out) : null;
};
