// SPDX-License-Identifier: GPL-2.0
// Crash dump compression of fs/pstore/platform.c as a profile: "6.1" is the crypto-API deflate of
// Linux 6.1 (crypto/deflate.c: raw deflate, 11-bit window, zbufsize_deflate capture sizes, header
// + newest tail on failure), "6.6" the zlib library calls of 6.6 and newer (15-bit window, capture
// bufsize*100/60, first bufsize bytes on failure, decompression limit 3*bufsize), "none" is
// pstore.compress=none. The stream is what node:zlib or pako make; the kernel's lib/zlib_deflate
// also ends blocks early (old zlib's block-truncation rule), so its compressed bytes differ while
// inflating to the same text.
import { DEF_MEM_LEVEL, MAX_WBITS, Z_DEFAULT_COMPRESSION } from '../../include/linux/zlib.h.ts';
import { deflate_raw, inflate_raw } from '#zlib';

export type compress_profile = '6.1' | '6.6' | 'none';
export const COMPRESS_PROFILES: readonly compress_profile[] = ['6.1', '6.6', 'none'];

/** The pstore core's view of its compressor. Context: any, including panic; pure. */
export interface pstore_compressor_t {
  readonly profile: compress_profile;
  /** "deflate" for "pstore: Using crash dump compression: deflate", null when off. */
  readonly name: 'deflate' | null;
  /** Bytes of log one dump part captures (big_oops_buf_sz, or bufsize without compression). */
  capture_size(bufsize: number): number;
  /** @src compressed into at most @bufsize bytes, or null if it does not fit (or compression is off). */
  compress(src: Uint8Array, bufsize: number): Uint8Array<ArrayBuffer> | null;
  /** What is stored when compress() failed: at most @bufsize bytes of @src (header line + log). */
  fallback(src: Uint8Array, header_size: number, bufsize: number): Uint8Array<ArrayBuffer>;
  /** A compressed record's text, or null if it does not inflate within the limit (or compression is off). */
  decompress(src: Uint8Array, bufsize: number): Uint8Array<ArrayBuffer> | null;
}

/** 6.1 crypto/deflate.c: DEFLATE_DEF_WINBITS. */
const DEFLATE_DEF_WINBITS_6_1 = 11;

/** zbufsize_deflate() of 6.1: how much log is expected to deflate into @size bytes. */
export function zbufsize_deflate(size: number): number {
  let cmpr: number;
  if (size >= 1000 && size <= 2000) cmpr = 56; // efivars
  else if (size >= 2001 && size <= 3000) cmpr = 54;
  else if (size >= 3001 && size <= 3999) cmpr = 52; // nvram, erst
  else if (size >= 4000 && size <= 10000) cmpr = 45; // ramoops
  else cmpr = 60;
  return Math.floor((size * 100) / cmpr);
}

/** copy_kmsg_to_buffer() of 6.1: the header line, then the newest log bytes that fit. */
function copy_kmsg_to_buffer(src: Uint8Array, hsize: number, bufsize: number): Uint8Array<ArrayBuffer> {
  if (src.length <= bufsize) return new Uint8Array(src);
  const out = new Uint8Array(bufsize);
  out.set(src.subarray(0, hsize));
  out.set(src.subarray(src.length - (bufsize - hsize)), hsize);
  return out;
}

/** The 6.6 fallback: the first bufsize bytes of the capture buffer, always bufsize of them. */
function copy_first(src: Uint8Array, bufsize: number): Uint8Array<ArrayBuffer> {
  // record.size = bufsize whatever was captured; bytes past the capture are the buffer's old
  // content, which is zero in a buffer that has not held a longer dump (kvzalloc).
  const out = new Uint8Array(bufsize);
  out.set(src.subarray(0, bufsize));
  return out;
}

const deflate = (windowBits: number) => (src: Uint8Array, bufsize: number): Uint8Array<ArrayBuffer> | null => {
  const z = deflate_raw(src, { windowBits, level: Z_DEFAULT_COMPRESSION, memLevel: DEF_MEM_LEVEL });
  // zlib_deflate(Z_FINISH) into bufsize bytes ends the stream only if all of it fits.
  return z.length <= bufsize ? z : null;
};

const ZEROSTUFF = new Uint8Array([0]);

const profile_6_1: pstore_compressor_t = {
  profile: '6.1',
  name: 'deflate',
  capture_size: zbufsize_deflate,
  compress: deflate(DEFLATE_DEF_WINBITS_6_1),
  fallback: copy_kmsg_to_buffer,
  decompress(src, bufsize) {
    // crypto/deflate.c inflates in one call into big_oops_buf_sz bytes; if that stops with all
    // input used and room left, it feeds one zero byte (old zlib's "dummy byte") and must then
    // see the stream end. Appending the byte up front is the same: input after the end of the
    // stream is ignored.
    const stuffed = new Uint8Array(src.length + ZEROSTUFF.length);
    stuffed.set(src);
    return inflate_raw(stuffed, { windowBits: DEFLATE_DEF_WINBITS_6_1, maxOutputLength: zbufsize_deflate(bufsize) });
  },
};

const profile_6_6: pstore_compressor_t = {
  profile: '6.6',
  name: 'deflate',
  capture_size: (bufsize) => Math.floor((bufsize * 100) / 60),
  compress: deflate(MAX_WBITS),
  fallback: (src, _header_size, bufsize) => copy_first(src, bufsize),
  decompress: (src, bufsize) => inflate_raw(src, { windowBits: MAX_WBITS, maxOutputLength: 3 * bufsize }),
};

const profile_none: pstore_compressor_t = {
  profile: 'none',
  name: null,
  capture_size: (bufsize) => bufsize,
  compress: () => null,
  fallback: (src, _header_size, bufsize) => new Uint8Array(src.subarray(0, bufsize)),
  // "no decompression method initialized!": the record stays compressed (.enc.z).
  decompress: () => null,
};

const PROFILES: Readonly<Record<compress_profile, pstore_compressor_t>> = { '6.1': profile_6_1, '6.6': profile_6_6, none: profile_none };

/** pstore_compressor() - the compressor of @profile. Throws RangeError on an unknown profile. */
export function pstore_compressor(profile: compress_profile): pstore_compressor_t {
  const c = PROFILES[profile];
  if (!c) throw new RangeError(`pstore: unknown compression profile '${String(profile)}' (one of ${COMPRESS_PROFILES.join(', ')})`);
  return c;
}
