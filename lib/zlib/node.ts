// SPDX-License-Identifier: GPL-2.0
// '#zlib' under Node: lib/zlib_deflate and lib/zlib_inflate on node:zlib's synchronous calls.
// The only file outside tools/ that may import a Node built-in (checked by the layering test).
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { zlib_deflate_raw, zlib_inflate_raw } from '../../include/linux/zlib.h.ts';
import { zlib_check_deflate, zlib_check_inflate } from './check.ts';

// zlib's results are never in shared memory.
const view = (b: Buffer): Uint8Array<ArrayBuffer> => new Uint8Array(b.buffer as ArrayBuffer, b.byteOffset, b.length);

export const deflate_raw: zlib_deflate_raw = (src, p) => {
  zlib_check_deflate(p);
  return view(deflateRawSync(src, { windowBits: p.windowBits, level: p.level, memLevel: p.memLevel, strategy: constants.Z_DEFAULT_STRATEGY }));
};

export const inflate_raw: zlib_inflate_raw = (src, p) => {
  zlib_check_inflate(p);
  try {
    // One output chunk as large as the limit makes this one inflate() call: references reach
    // back over everything produced, as in the kernel's single call. More output than the
    // limit throws ERR_BUFFER_TOO_LARGE; a corrupt or unfinished stream throws too.
    const chunkSize = Math.max(p.maxOutputLength, constants.Z_MIN_CHUNK);
    return view(inflateRawSync(src, { windowBits: p.windowBits, chunkSize, maxOutputLength: p.maxOutputLength, finishFlush: constants.Z_FINISH }));
  } catch {
    return null;
  }
};
