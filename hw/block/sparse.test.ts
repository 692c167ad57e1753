import { describe, expect, it } from 'vitest';
import { fillRange } from './fill.ts';
import { SPARSE_FREE_BYTES, SparseBackend } from './sparse.ts';

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

  describe('exchange', () => {
    const C = 4096;
    const bytes = (n: number, seed: number): Uint8Array => new Uint8Array(n).map((_, i) => (i * 31 + seed) & 0xff);
    const readOf = (s: SparseBackend, offset: number, n: number): Uint8Array => {
      const d = new Uint8Array(n);
      s.read(offset, d);
      return d;
    };
    const oldOf = (old: { length: number; read(pos: number, dst: Uint8Array): void }): Uint8Array => {
      const d = new Uint8Array(old.length);
      old.read(0, d);
      return d;
    };

    it('writes like write() and returns the true old bytes of whole, partial, uniform and never-written chunks', () => {
      const s = new SparseBackend({ size: 16 * C, chunkBytes: C, fill: 0xff });
      s.write(0, bytes(C, 1)); // chunk 0: a buffer, covered whole below
      s.fill(C, C, 0x11); // chunk 1: uniform
      s.write(3 * C, bytes(C, 2)); // chunk 3: a buffer, covered in part
      const before = readOf(s, 0, 4 * C);
      const src = bytes(3 * C + 1000, 3); // chunks 0-2 whole (2 never written), 1000 bytes of 3
      const old = s.exchange(0, src);
      expect(old.length).toBe(src.length);
      expect(oldOf(old)).toEqual(before.subarray(0, src.length));
      const after = readOf(s, 0, 4 * C);
      expect(after.subarray(0, src.length)).toEqual(src);
      expect(after.subarray(src.length)).toEqual(before.subarray(src.length));
      // Four buffers now: chunk 0's new one, 1 and 2 materialized, 3 as it was.
      expect(s.allocatedBytes).toBe(4 * C);
      // A piece of the old bytes that straddles pieces: the end of chunk 0 and the start of 1.
      const mid = new Uint8Array(200);
      old.read(C - 100, mid);
      expect(mid).toEqual(before.subarray(C - 100, C + 100));
      // Only chunk 0's buffer was handed over (the partial end was copied): one goes back.
      old.release();
      expect(s.freeBytes).toBe(C);
      old.release(); // twice is harmless
      expect(s.freeBytes).toBe(C);
    });

    it('allocates nothing for what a chunk already reads as', () => {
      const s = new SparseBackend({ size: 16 * C, chunkBytes: C, fill: 0xff });
      const old = s.exchange(C, new Uint8Array(2 * C).fill(0xff));
      expect(s.allocatedBytes).toBe(0);
      expect(oldOf(old).every((b) => b === 0xff)).toBe(true);
    });

    it('never lets a later write change old bytes it handed over, even when it reuses a released buffer', () => {
      const s = new SparseBackend({ size: 16 * C, chunkBytes: C });
      s.write(0, bytes(2 * C, 1)); // chunks 0 and 1: buffers
      const first = s.exchange(0, bytes(C, 2)); // chunk 0: 1 -> 2
      const second = s.exchange(0, bytes(C, 3)); // chunk 0: 2 -> 3
      s.write(100, bytes(50, 9)); // in place, into chunk 0's current buffer
      expect(oldOf(first)).toEqual(bytes(C, 1));
      first.release();
      expect(s.freeBytes).toBe(C);
      // Chunk 1 covered whole: its new bytes go to the buffer first gave back.
      const third = s.exchange(C, bytes(C, 4));
      expect(s.freeBytes).toBe(0);
      expect(oldOf(second)).toEqual(bytes(C, 2));
      expect(oldOf(third)).toEqual(bytes(2 * C, 1).subarray(C));
      expect(readOf(s, C, C)).toEqual(bytes(C, 4));
      expect(s.allocatedBytes).toBe(2 * C);
    });

    it('fills a reused buffer before a partial write: no stale bytes show', () => {
      const s = new SparseBackend({ size: 16 * C, chunkBytes: C }); // zeros: a fresh buffer needs no fill
      s.write(0, bytes(C, 1));
      s.exchange(0, bytes(C, 2)).release(); // a buffer of stale bytes on the free list
      expect(s.freeBytes).toBe(C);
      s.write(5 * C + 10, new Uint8Array([1, 2, 3])); // a never-written chunk, in part
      expect(s.freeBytes).toBe(0);
      const back = readOf(s, 5 * C, C);
      expect([...back.subarray(10, 13)]).toEqual([1, 2, 3]);
      expect(back.subarray(0, 10).every((b) => b === 0) && back.subarray(13).every((b) => b === 0)).toBe(true);
    });

    it('keeps at most SPARSE_FREE_BYTES of released buffers, and none of a short last chunk', () => {
      const chunk = 64 * 1024;
      const n = SPARSE_FREE_BYTES / chunk + 8;
      const s = new SparseBackend({ size: n * chunk + 4096 });
      s.write(0, new Uint8Array(n * chunk + 4096).fill(1));
      const olds = Array.from({ length: n }, (_, i) => s.exchange(i * chunk, new Uint8Array(chunk).fill(2)));
      for (const o of olds) o.release();
      expect(s.freeBytes).toBe(SPARSE_FREE_BYTES);
      const last = s.exchange(n * chunk, new Uint8Array(4096).fill(3)); // the 4 KiB last chunk, whole
      expect(oldOf(last).every((b) => b === 1)).toBe(true);
      last.release();
      expect(s.freeBytes).toBe(SPARSE_FREE_BYTES);
      expect(s.allocatedBytes).toBe(n * chunk + 4096);
    });
  });
});
