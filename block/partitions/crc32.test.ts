// SPDX-License-Identifier: GPL-2.0
import { describe, expect, it } from 'vitest';
import { crc32_le, efi_crc32 } from './crc32.ts';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('efi_crc32', () => {
  it('gives the CRC-32/IEEE check values', () => {
    expect(efi_crc32(bytes('123456789'))).toBe(0xcbf43926);
    expect(efi_crc32(bytes('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
    expect(efi_crc32(new Uint8Array(0))).toBe(0);
    expect(efi_crc32(new Uint8Array(32))).toBe(0x190a55ad);
  });

  it('is crc32_le seeded with ~0 and inverted, and crc32_le continues across chunks', () => {
    const all = bytes('123456789');
    const part = crc32_le(crc32_le(0xffffffff, all.subarray(0, 4)), all.subarray(4));
    expect((part ^ 0xffffffff) >>> 0).toBe(0xcbf43926);
    expect(crc32_le(0, new Uint8Array(0))).toBe(0);
  });
});
