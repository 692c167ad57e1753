// SPDX-License-Identifier: GPL-2.0
// The zlib library as pstore uses it (include/linux/zlib.h): raw deflate and raw inflate, each
// one synchronous call, so they also work in panic context. The '#zlib' import resolves to an
// implementation: node:zlib under Node (lib/zlib/node.ts), pako in a browser (lib/zlib/pako.ts).
// Both produce the same bytes.

/** Compression level 6, zlib's default. */
export const Z_DEFAULT_COMPRESSION = -1;
/** The largest window: 2^15 = 32 KiB. */
export const MAX_WBITS = 15;
/** The kernel's zconf.h caps memLevel at 8. */
export const MAX_MEM_LEVEL = 8;
export const DEF_MEM_LEVEL = 8;

export interface zlib_deflate_params {
  /** 9..15: a 2^windowBits-byte window (zlib_deflateInit2 with -windowBits, i.e. raw). */
  windowBits: number;
  /** -1 (Z_DEFAULT_COMPRESSION) or 0..9. */
  level: number;
  /** 1..9. */
  memLevel: number;
}

export interface zlib_inflate_params {
  /** 9..15. */
  windowBits: number;
  /** The output buffer's size in bytes (at least 1). */
  maxOutputLength: number;
}

/**
 * zlib_deflate_raw - compress @src into one raw deflate stream (RFC 1951, no header or
 * trailer), default strategy, flushed with Z_FINISH. Throws RangeError on bad @params (a bug).
 * Context: any; pure.
 */
export type zlib_deflate_raw = (src: Uint8Array, params: zlib_deflate_params) => Uint8Array<ArrayBuffer>;

/**
 * zlib_inflate_raw - inflate a raw deflate stream in one call into an output buffer of
 * params.maxOutputLength bytes, like the kernel's single zlib_inflate() call: back-references
 * may reach anything produced by this call, not only the last 2^windowBits bytes. Returns the
 * output, or null unless the stream ends (Z_STREAM_END) within maxOutputLength bytes. Input
 * after the end of the stream is ignored. Throws RangeError on bad @params (a bug).
 * Context: any; pure.
 */
export type zlib_inflate_raw = (src: Uint8Array, params: zlib_inflate_params) => Uint8Array<ArrayBuffer> | null;

/** What '#zlib' exports. */
export interface zlib_api {
  deflate_raw: zlib_deflate_raw;
  inflate_raw: zlib_inflate_raw;
}
