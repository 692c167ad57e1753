import { describe, expect, it } from 'vitest';
import type { BlockBackend } from '../../include/hw/block.h.ts';
import { fillRange } from './fill.ts';

describe('fillRange', () => {
  it('writes a store without fill() in bounded pieces', () => {
    const bytes = new Uint8Array(3 * 1024 * 1024);
    const writes: number[] = [];
    const plain: BlockBackend = {
      size: bytes.length,
      read: (o, d) => d.set(bytes.subarray(o, o + d.length)),
      write: (o, s) => {
        writes.push(s.length);
        bytes.set(s, o);
      },
      flush: () => {},
    };
    fillRange(plain, 512, bytes.length - 1024, 0xff);
    expect(Math.max(...writes)).toBe(1024 * 1024);
    expect(writes.reduce((a, b) => a + b)).toBe(bytes.length - 1024);
    expect(bytes[511]).toBe(0);
    expect(bytes[512]).toBe(0xff);
    expect(bytes[bytes.length - 513]).toBe(0xff);
    expect(bytes[bytes.length - 512]).toBe(0);
    expect(() => fillRange(plain, bytes.length - 512, 1024, 0)).toThrow(RangeError);
  });
});
