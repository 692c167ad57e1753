import { describe, expect, it } from 'vitest';
import { fillRange } from './fill.ts';
import { SparseBackend } from './sparse.ts';

const GiB = 1024 ** 3;

describe('SparseBackend', () => {
  it('holds a 256 GiB store in memory proportional to what was written', () => {
    const s = new SparseBackend({ size: 256 * GiB });
    expect(s.size).toBe(256 * GiB);
    expect(s.allocatedBytes).toBe(0);
    // 16 scattered 64 KiB writes = 1 MiB of data, each at a chunk boundary.
    const data = new Uint8Array(64 * 1024);
    for (let i = 0; i < 16; i++) {
      data.fill(i + 1);
      s.write(i * 16 * GiB, data);
    }
    expect(s.allocatedBytes).toBe(1024 * 1024);
    const back = new Uint8Array(64 * 1024);
    s.read(7 * 16 * GiB, back);
    expect(back.every((b) => b === 8)).toBe(true);
    // The last sector of the device is addressable and unwritten.
    const tail = new Uint8Array(512).fill(0xaa);
    s.read(256 * GiB - 512, tail);
    expect(tail.every((b) => b === 0)).toBe(true);
  });

  it('reads unwritten bytes as the fill byte and a straddling write back exactly', () => {
    const s = new SparseBackend({ size: 1024 * 1024, chunkBytes: 4096, fill: 0xff });
    const src = new Uint8Array(6000).map((_, i) => i & 0xff);
    s.write(4096 - 100, src); // spans three chunks
    expect(s.allocatedBytes).toBe(3 * 4096);
    const dst = new Uint8Array(6200);
    s.read(4096 - 200, dst);
    expect(dst.subarray(0, 100).every((b) => b === 0xff)).toBe(true);
    expect(dst.subarray(100, 6100)).toEqual(src);
    expect(dst.subarray(6100).every((b) => b === 0xff)).toBe(true);
  });

  it('does not allocate for writes of what a chunk already reads as', () => {
    const s = new SparseBackend({ size: 1024 * 1024 });
    s.write(0, new Uint8Array(8192));
    expect(s.allocatedBytes).toBe(0);
  });

  it('fills without allocating: a whole 256 GiB discard back to the fill byte, 1 GiB to another value', () => {
    const s = new SparseBackend({ size: 256 * GiB, fill: 0xff });
    s.write(100 * GiB, new Uint8Array(512).fill(7));
    s.write(200 * GiB + 512, new Uint8Array(512).fill(7));
    expect(s.allocatedBytes).toBe(2 * 64 * 1024);
    const t0 = performance.now();
    fillRange(s, 0, 256 * GiB, 0xff);
    expect(performance.now() - t0).toBeLessThan(100); // visits the 2 chunks, not 4 M
    expect(s.allocatedBytes).toBe(0);
    const b = new Uint8Array(512);
    s.read(100 * GiB, b);
    expect(b.every((x) => x === 0xff)).toBe(true);
    fillRange(s, GiB, GiB, 0);
    expect(s.allocatedBytes).toBe(0);
    s.read(GiB + 512 * 1000, b);
    expect(b.every((x) => x === 0)).toBe(true);
    // A partial fill of a uniform chunk keeps the rest of it.
    s.fill(GiB - 24, 48, 0x11);
    const c = new Uint8Array(1024);
    s.read(GiB - 512, c);
    expect(c[487]).toBe(0xff);
    expect(c.subarray(488, 512).every((x) => x === 0x11)).toBe(true);
    expect(c.subarray(512, 536).every((x) => x === 0x11)).toBe(true);
    expect(c[536]).toBe(0);
    expect(s.allocatedBytes).toBe(2 * 64 * 1024); // the fill straddles two chunks
  });

  it('rejects accesses past the end and bad options', () => {
    const s = new SparseBackend({ size: 4096 });
    expect(() => s.read(4000, new Uint8Array(512))).toThrow(RangeError);
    expect(() => s.write(-512, new Uint8Array(512))).toThrow(RangeError);
    expect(() => new SparseBackend({ size: 1000 })).toThrow(/size/);
    expect(() => new SparseBackend({ size: 4096, fill: 256 })).toThrow(/fill/);
    expect(() => new SparseBackend({ size: 4096, chunkBytes: 0 })).toThrow(/chunkBytes/);
  });

  it('lists the chunks a sparse copy must write, in offset order, and nothing for fresh or rewritten-as-fill ranges', () => {
    const b = new SparseBackend({ size: 1 << 20, chunkBytes: 4096 });
    b.write(9000, new Uint8Array([1]));
    b.write(100, new Uint8Array([2]));
    b.write(50_000, new Uint8Array(16)); // zeros on a fresh store: nothing allocated
    expect([...b.extents()]).toEqual([
      { offset: 0, length: 4096 },
      { offset: 8192, length: 4096 },
    ]);
  });
});
