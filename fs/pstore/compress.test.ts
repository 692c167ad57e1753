// SPDX-License-Identifier: GPL-2.0
// Compression profiles: capture sizes, the fallbacks of 6.1 and 6.6, decompression limits.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deflate_raw, inflate_raw } from '#zlib';
import { type compress_profile, pstore_compressor, zbufsize_deflate } from './compress.ts';

const VEC = new URL('../../tools/testdata/pstore/oops2-deflate-1m/', import.meta.url);
const vec = (f: string): Uint8Array => new Uint8Array(readFileSync(new URL(f, VEC)));
const enc = new TextEncoder();
const BUFSIZE = 65484; // a 64 KiB kmsg zone less 12 + 40 bytes of headers

/** @n bytes repeating a 20000-byte pseudo-random block: back-references 20000 bytes long. */
const far_refs = (n: number): Uint8Array => {
  let s = 11;
  const block = new Uint8Array(20000).map(() => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return 97 + ((s >>> 16) % 26);
  });
  return new Uint8Array(n).map((_, i) => block[i % block.length]!);
};
const noise = (n: number): Uint8Array => {
  let s = 5;
  return new Uint8Array(n).map(() => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24);
};

describe('pstore_compressor', () => {
  it('names deflate unless compression is off', () => {
    expect(pstore_compressor('6.1').name).toBe('deflate');
    expect(pstore_compressor('6.6').name).toBe('deflate');
    expect(pstore_compressor('none').name).toBeNull();
    expect(() => pstore_compressor('lzo' as compress_profile)).toThrow(RangeError);
  });

  it('captures bufsize*100/cmpr in 6.1 (zbufsize_deflate), bufsize*100/60 in 6.6, bufsize with none', () => {
    const table: Array<[number, number]> = [
      [999, 1665], [1000, 1785], [2000, 3571], [2001, 3705], [3000, 5555], [3001, 5771],
      [3999, 7690], [4000, 8888], [10000, 22222], [10001, 16668], [BUFSIZE, 109140],
    ];
    for (const [bufsize, want] of table) {
      expect(zbufsize_deflate(bufsize), String(bufsize)).toBe(want);
      expect(pstore_compressor('6.1').capture_size(bufsize)).toBe(want);
    }
    expect(pstore_compressor('6.6').capture_size(4000)).toBe(6666);
    expect(pstore_compressor('6.6').capture_size(BUFSIZE)).toBe(109140);
    expect(pstore_compressor('none').capture_size(BUFSIZE)).toBe(BUFSIZE);
  });

  it('compresses 6.1 with an 11-bit window and 6.6 with a 15-bit one, within bufsize', () => {
    const text = vec('exported/dmesg-pstore_blk-1');
    const z61 = pstore_compressor('6.1').compress(text, BUFSIZE)!;
    expect(z61).toEqual(deflate_raw(text, { windowBits: 11, level: 6, memLevel: 8 }));
    const z66 = pstore_compressor('6.6').compress(text, BUFSIZE)!;
    expect(z66).toEqual(deflate_raw(text, { windowBits: 15, level: 6, memLevel: 8 }));
    expect(z66.length).toBeLessThan(z61.length);
    expect(pstore_compressor('6.1').compress(text, z61.length)).toEqual(z61);
    expect(pstore_compressor('6.1').compress(text, z61.length - 1)).toBeNull();
    expect(pstore_compressor('6.6').compress(noise(4000), 4000)).toBeNull();
    expect(pstore_compressor('none').compress(text, BUFSIZE)).toBeNull();
  });

  it('falls back in 6.1 to the header line and the newest log that fits (copy_kmsg_to_buffer)', () => {
    const header = enc.encode('Oops#1 Part1\n');
    const log = enc.encode(Array.from({ length: 50 }, (_, i) => `<4>[    ${i}.000000] line ${i}\n`).join(''));
    const src = new Uint8Array([...header, ...log]);
    const out = pstore_compressor('6.1').fallback(src, header.length, 200);
    expect(out.length).toBe(200);
    expect(out.subarray(0, header.length)).toEqual(header);
    expect(out.subarray(header.length)).toEqual(log.subarray(log.length - (200 - header.length)));
    expect(pstore_compressor('6.1').fallback(src, header.length, src.length)).toEqual(src);
  });

  it('falls back in 6.6 to the first bufsize bytes, always bufsize of them', () => {
    const src = enc.encode('Oops#1 Part1\n<4>[    0.000000] oldest\n<4>[    9.000000] newest\n');
    expect(pstore_compressor('6.6').fallback(src, 13, 20)).toEqual(src.subarray(0, 20));
    const short = pstore_compressor('6.6').fallback(src, 13, src.length + 4);
    expect(short).toEqual(new Uint8Array([...src, 0, 0, 0, 0]));
    expect(pstore_compressor('none').fallback(src, 13, 20)).toEqual(src.subarray(0, 20));
  });

  it('inflates the stream Linux 6.1 stored, with 6.1 and with 6.6', () => {
    for (const n of [0, 1]) {
      const stored = vec(`exported-raw/dmesg-pstore_blk-${n}.enc.z`);
      const text = vec(`exported/dmesg-pstore_blk-${n}`);
      expect(pstore_compressor('6.1').decompress(stored, BUFSIZE)).toEqual(text);
      expect(pstore_compressor('6.6').decompress(stored, BUFSIZE)).toEqual(text);
      expect(pstore_compressor('none').decompress(stored, BUFSIZE)).toBeNull();
    }
  });

  it('6.1 inflates a 32 KiB-window stream into big_oops_buf_sz: 109140 bytes yes, 109141 no', () => {
    const c = pstore_compressor('6.1');
    const fits = far_refs(109140);
    const fits_z = deflate_raw(fits, { windowBits: 15, level: -1, memLevel: 8 });
    // The stream really needs more than an 11-bit window.
    expect(inflate_raw(fits_z, { windowBits: 11, maxOutputLength: 2048 })).toBeNull();
    expect(c.decompress(fits_z, BUFSIZE)).toEqual(fits);
    expect(c.decompress(deflate_raw(far_refs(109141), { windowBits: 15, level: -1, memLevel: 8 }), BUFSIZE)).toBeNull();
  });

  it('6.6 inflates up to 3*bufsize', () => {
    const c = pstore_compressor('6.6');
    const z = (n: number) => deflate_raw(far_refs(n), { windowBits: 15, level: -1, memLevel: 8 });
    expect(c.decompress(z(3000), 1000)?.length).toBe(3000);
    expect(c.decompress(z(3001), 1000)).toBeNull();
  });

  it('rejects corrupt, truncated and zlib-wrapped streams', () => {
    const stored = vec('exported-raw/dmesg-pstore_blk-0.enc.z');
    for (const p of ['6.1', '6.6'] as const) {
      const c = pstore_compressor(p);
      expect(c.decompress(stored.subarray(0, 5000), BUFSIZE), p).toBeNull();
      expect(c.decompress(new Uint8Array([0x78, 0x9c, ...stored]), BUFSIZE), p).toBeNull();
      expect(c.decompress(noise(3000), BUFSIZE), p).toBeNull();
    }
  });
});
