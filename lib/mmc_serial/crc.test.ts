import { describe, expect, it } from 'vitest';
import { crc32, crc32_update } from './crc.ts';

const ascii = (s: string) => new TextEncoder().encode(s);

describe('crc32 (CRC-32/ISO-HDLC)', () => {
  it('has the catalogue check value for "123456789"', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
  });

  it('gives the known values for empty input and single bytes', () => {
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(new Uint8Array([0]))).toBe(0xd202ef8d);
    expect(crc32(ascii('a'))).toBe(0xe8b7be43);
    expect(crc32(ascii('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });

  it('is unsigned, honours start/end and can be computed in pieces', () => {
    const data = ascii('xx123456789yy');
    expect(crc32(data, 2, 11)).toBe(0xcbf43926);
    const whole = crc32(ascii('123456789'));
    expect(crc32_update(crc32(ascii('1234')), ascii('56789'))).toBe(whole);
    expect(crc32(new Uint8Array(4).fill(0xff))).toBe(0xffffffff);
    expect(crc32(new Uint8Array(4).fill(0xff))).toBeGreaterThan(0);
  });
});
