import { describe, expect, it } from 'vitest';
import { MonitoredBackend } from './monitor.ts';
import { SparseBackend } from './sparse.ts';

describe('MonitoredBackend', () => {
  it('reports each write with its offset and length, and stores it', () => {
    const seen: Array<[number, number]> = [];
    const b = new MonitoredBackend(new SparseBackend({ size: 1 << 20 }), (o, n) => seen.push([o, n]));
    b.write(4096, new Uint8Array([1, 2, 3]));
    b.write(0, new Uint8Array(512));
    const back = new Uint8Array(3);
    b.read(4096, back);
    expect(seen).toEqual([[4096, 3], [0, 512]]);
    expect([...back]).toEqual([1, 2, 3]);
    expect(b.size).toBe(1 << 20);
  });
});
