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

  it('lets devices reach a mapped buffer itself, and the memory again once unmapped', () => {
    const ram = new GuestRam({ base: 0x1000, size: 32 });
    ram.bytes.fill(0xee);
    const buf = Uint8Array.of(1, 2, 3, 4);
    ram.mapBuffer(0x1008, buf);
    expect(Array.from(ram.view(0x1009, 2)!)).toEqual([2, 3]);
    expect(ram.write(0x100a, Uint8Array.of(7, 8))).toBe(true);
    expect(Array.from(buf)).toEqual([1, 2, 7, 8]);
    // An access across the buffer's ends takes each byte from where it is, and is not one view.
    const dst = new Uint8Array(8);
    expect(ram.read(0x1006, dst)).toBe(true);
    expect(Array.from(dst)).toEqual([0xee, 0xee, 1, 2, 7, 8, 0xee, 0xee]);
    expect(ram.view(0x1006, 8)).toBeNull();
    expect(ram.write(0x100b, Uint8Array.of(9, 9))).toBe(true);
    expect([buf[3], ram.bytes[12]]).toEqual([9, 9]);
    expect(ram.unmapBuffer(0x1008)).toBe(true);
    expect(ram.unmapBuffer(0x1008)).toBe(false);
    expect(Array.from(ram.view(0x1008, 4)!)).toEqual([0xee, 0xee, 0xee, 0xee]);
  });

  it('refuses a mapping outside the memory or over another one', () => {
    const ram = new GuestRam({ base: 0x1000, size: 16 });
    expect(() => ram.mapBuffer(0x100e, new Uint8Array(4))).toThrow(/not inside the memory/);
    expect(() => ram.mapBuffer(0x1000, new Uint8Array(0))).toThrow(RangeError);
    ram.mapBuffer(0x1004, new Uint8Array(4));
    expect(() => ram.mapBuffer(0x1007, new Uint8Array(2))).toThrow(/overlap/);
    ram.mapBuffer(0x1008, new Uint8Array(2));
    expect(ram.view(0x1004, 6)).toBeNull();
  });

  it('rejects a bad geometry', () => {
    expect(() => new GuestRam({ base: -1, size: 1 })).toThrow(RangeError);
    expect(() => new GuestRam({ base: 0, size: 0 })).toThrow(/size/);
  });
});
