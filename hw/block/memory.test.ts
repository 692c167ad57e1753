import { describe, expect, it } from 'vitest';
import { MemoryBackend } from './memory.ts';

describe('MemoryBackend', () => {
  it('reads and writes the embedder array in place', () => {
    const bytes = new Uint8Array(4096);
    const m = new MemoryBackend(bytes);
    m.write(1024, new Uint8Array([9, 8, 7]));
    expect(bytes.subarray(1024, 1027)).toEqual(new Uint8Array([9, 8, 7]));
    bytes[2048] = 5;
    const d = new Uint8Array(1);
    m.read(2048, d);
    expect(d[0]).toBe(5);
    expect(() => m.read(4095, new Uint8Array(2))).toThrow(RangeError);
    expect(() => new MemoryBackend(new Uint8Array(100))).toThrow(/multiple of 512/);
  });
});
