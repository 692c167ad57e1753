import { describe, expect, it } from 'vitest';
import { copyRange, exchangeRange, Replaced } from './exchange.ts';
import { MemoryBackend } from './memory.ts';
import { MonitoredBackend } from './monitor.ts';
import { SparseBackend } from './sparse.ts';

const bytes = (n: number, seed: number): Uint8Array => new Uint8Array(n).map((_, i) => (i * 13 + seed) & 0xff);
const all = (r: Replaced): Uint8Array => {
  const d = new Uint8Array(r.length);
  r.read(0, d);
  return d;
};

describe('exchangeRange', () => {
  it('copies the old bytes out of a store that cannot exchange, then writes', () => {
    const image = bytes(8192, 1);
    const m = new MemoryBackend(image.slice());
    const old = exchangeRange(m, 1024, bytes(2048, 2));
    expect(all(old)).toEqual(image.subarray(1024, 3072));
    expect(m.bytes.subarray(1024, 3072)).toEqual(bytes(2048, 2));
    m.write(1024, bytes(2048, 3)); // the copy is the caller's: later writes leave it alone
    expect(all(old)).toEqual(image.subarray(1024, 3072));
    expect(all(copyRange(m, 0, 512))).toEqual(image.subarray(0, 512));
  });

  it('goes through a MonitoredBackend: the write is reported and the store underneath exchanges', () => {
    const seen: Array<[number, number]> = [];
    const sparse = new SparseBackend({ size: 1 << 20 });
    sparse.write(0, bytes(64 * 1024, 4));
    const b = new MonitoredBackend(sparse, (o, n) => seen.push([o, n]));
    const old = exchangeRange(b, 0, bytes(64 * 1024, 5));
    expect(seen).toEqual([[0, 64 * 1024]]);
    expect(all(old)).toEqual(bytes(64 * 1024, 4));
    old.release();
    expect(sparse.freeBytes).toBe(64 * 1024); // the chunk buffer was handed over, not copied
    // Over a store that cannot exchange it still works, by copying.
    const m = new MemoryBackend(bytes(4096, 6));
    expect(all(exchangeRange(new MonitoredBackend(m, () => {}), 512, bytes(512, 7)))).toEqual(bytes(4096, 6).subarray(512, 1024));
    expect(m.bytes.subarray(512, 1024)).toEqual(bytes(512, 7));
  });
});

describe('Replaced', () => {
  it('reads any range across byte and fill pieces, and refuses one past its end', () => {
    const r = new Replaced([
      { length: 3, bytes: new Uint8Array([1, 2, 3]) },
      { length: 4, value: 9 },
      { length: 2, bytes: new Uint8Array([7, 8]) },
    ]);
    expect(r.length).toBe(9);
    expect([...all(r)]).toEqual([1, 2, 3, 9, 9, 9, 9, 7, 8]);
    const mid = new Uint8Array(5);
    r.read(2, mid);
    expect([...mid]).toEqual([3, 9, 9, 9, 9]);
    expect(() => r.read(5, new Uint8Array(5))).toThrow(RangeError);
  });

  it('gives back only the buffers the store handed over, once', () => {
    const handed = new Uint8Array(4);
    const back: Uint8Array[] = [];
    const r = new Replaced([{ length: 4, bytes: handed }, { length: 4, bytes: new Uint8Array(4) }], [handed], (buf) => back.push(buf));
    r.release();
    r.release();
    expect(back).toEqual([handed]);
    expect(back[0]).toBe(handed);
  });
});
