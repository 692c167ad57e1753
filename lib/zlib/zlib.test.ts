// SPDX-License-Identifier: GPL-2.0
// The '#zlib' seam: node:zlib and pako give the same deflate bytes and read each other's streams.
import { describe, expect, it } from 'vitest';
import * as seam from '#zlib';
import * as node from './node.ts';
import * as pako from './pako.ts';

/** Syslog-like text with some variety, @n bytes. */
const text = (n: number, seed = 1): Uint8Array => {
  const words = ['mmc0:', 'error', '-110', 'whilst', 'initialising', 'SD', 'card', 'Call Trace:', 'RIP:', '0010:', 'pstore'];
  let s = seed;
  let out = '';
  for (let line = 0; out.length < n; line++) {
    out += `<4>[ ${(line / 7).toFixed(6).padStart(11)}] `;
    for (let w = 0; w < 8; w++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      out += `${words[(s >>> 16) % words.length]!} `;
    }
    out += `${s.toString(16)}\n`;
  }
  return new TextEncoder().encode(out.slice(0, n));
};

/** @n bytes repeating a 20000-byte pseudo-random block: back-references 20000 bytes long. */
const far_refs = (n: number): Uint8Array => {
  let s = 7;
  const block = new Uint8Array(20000).map(() => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return 97 + ((s >>> 16) % 26);
  });
  return new Uint8Array(n).map((_, i) => block[i % block.length]!);
};

const impls = { node, pako } as const;

describe('#zlib', () => {
  it('resolves to node:zlib under Node', () => {
    expect(seam.deflate_raw).toBe(node.deflate_raw);
    expect(seam.inflate_raw).toBe(node.inflate_raw);
  });

  it('deflates to identical bytes with node:zlib and pako', () => {
    for (const src of [new Uint8Array(0), text(100), text(10240, 3), text(109140, 5), far_refs(50000)])
      for (const windowBits of [9, 11, 15])
        for (const level of [-1, 1, 9]) {
          const p = { windowBits, level, memLevel: 8 };
          expect(Buffer.from(pako.deflate_raw(src, p)).equals(node.deflate_raw(src, p)), `${src.length} ${windowBits} ${level}`).toBe(true);
        }
  });

  it('inflates each other’s streams', () => {
    const src = text(30000, 9);
    for (const [a, b] of [[node, pako], [pako, node]] as const) {
      const z = a.deflate_raw(src, { windowBits: 15, level: -1, memLevel: 8 });
      expect(b.inflate_raw(z, { windowBits: 15, maxOutputLength: 65536 })).toEqual(src);
    }
  });

  it('inflates in one call: a 32 KiB-window stream with an 11-bit window, up to the limit exactly', () => {
    for (const [name, z] of Object.entries(impls)) {
      const fits = far_refs(109140);
      const stream = z.deflate_raw(fits, { windowBits: 15, level: -1, memLevel: 8 });
      expect(z.inflate_raw(stream, { windowBits: 11, maxOutputLength: 109140 }), name).toEqual(fits);
      expect(z.inflate_raw(stream, { windowBits: 11, maxOutputLength: 109139 }), name).toBeNull();
    }
  });

  it('returns null for corrupt, truncated and wrapped streams, and ignores input after the end', () => {
    const src = text(5000);
    const raw = node.deflate_raw(src, { windowBits: 11, level: -1, memLevel: 8 });
    for (const [name, z] of Object.entries(impls)) {
      const p = { windowBits: 11, maxOutputLength: 8192 };
      expect(z.inflate_raw(raw.subarray(0, raw.length >> 1), p), name).toBeNull();
      expect(z.inflate_raw(new Uint8Array([0x78, 0x9c, ...raw]), p), name).toBeNull(); // zlib header
      expect(z.inflate_raw(new Uint8Array([0xff, 0xff, 0xff, 0xff]), p), name).toBeNull();
      expect(z.inflate_raw(new Uint8Array(0), p), name).toBeNull();
      expect(z.inflate_raw(new Uint8Array([...raw, 1, 2, 3]), p), name).toEqual(src);
    }
  });

  it('throws RangeError on arguments zlib would refuse', () => {
    for (const z of Object.values(impls)) {
      expect(() => z.deflate_raw(text(10), { windowBits: 8, level: -1, memLevel: 8 })).toThrow(RangeError);
      expect(() => z.deflate_raw(text(10), { windowBits: 11, level: 10, memLevel: 8 })).toThrow(RangeError);
      expect(() => z.deflate_raw(text(10), { windowBits: 11, level: 6, memLevel: 0 })).toThrow(RangeError);
      expect(() => z.inflate_raw(text(10), { windowBits: 16, maxOutputLength: 10 })).toThrow(RangeError);
      expect(() => z.inflate_raw(text(10), { windowBits: 11, maxOutputLength: 0 })).toThrow(RangeError);
    }
  });
});
