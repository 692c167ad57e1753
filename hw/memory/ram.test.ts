import { describe, expect, it } from 'vitest';
import { GuestRam } from './ram.ts';

describe('GuestRam', () => {
  it('reads and writes inside its range, at its bus address', () => {
    const ram = new GuestRam({ base: 0x8000_0000, size: 4096 });
    expect(ram.base).toBe(0x8000_0000);
    expect(ram.bytes.length).toBe(4096);
    expect(ram.write(0x8000_0ffc, Uint8Array.of(1, 2, 3, 4))).toBe(true);
    expect(Array.from(ram.bytes.subarray(4092))).toEqual([1, 2, 3, 4]);
    const dst = new Uint8Array(4);
    expect(ram.read(0x8000_0ffc, dst)).toBe(true);
    expect(Array.from(dst)).toEqual([1, 2, 3, 4]);
  });

  it('answers false, moving nothing, when any byte is outside', () => {
    const ram = new GuestRam({ base: 0x1000, size: 16 });
    const dst = Uint8Array.of(9, 9);
    expect(ram.read(0xfff, dst)).toBe(false);
    expect(ram.read(0x100f, dst)).toBe(false);
    expect(Array.from(dst)).toEqual([9, 9]);
    expect(ram.write(0x100f, Uint8Array.of(1, 1))).toBe(false);
    expect(ram.bytes[15]).toBe(0);
    expect(ram.read(0x1000 + 0.5, new Uint8Array(1))).toBe(false);
    expect(ram.read(0x1010, new Uint8Array(0))).toBe(true);
  });

  it('rejects a bad geometry', () => {
    expect(() => new GuestRam({ base: -1, size: 1 })).toThrow(RangeError);
    expect(() => new GuestRam({ base: 0, size: 0 })).toThrow(/size/);
  });
});
