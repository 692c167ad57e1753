// SPDX-License-Identifier: GPL-2.0
// CRC32 as GPT uses it (lib/crc32.c crc32_le, and efi_crc32() in block/partitions/efi.c):
// the IEEE 802.3 polynomial, bit-reflected, one table lookup per byte.

const CRC32_POLY_LE = 0xedb88320;

const crc32table_le = ((): Uint32Array => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ CRC32_POLY_LE : c >>> 1;
    t[i] = c;
  }
  return t;
})();

/**
 * crc32_le() - continue a little-endian CRC32 over @p, without the initial or final inversion.
 * Context: any.
 */
export const crc32_le = (crc: number, p: Uint8Array): number => {
  let c = crc >>> 0;
  for (let i = 0; i < p.length; i++) c = crc32table_le[(c ^ p[i]!) & 0xff]! ^ (c >>> 8);
  return c >>> 0;
};

/** efi_crc32() - the CRC32 of the UEFI specification: seed ~0, result inverted. Context: any. */
export const efi_crc32 = (p: Uint8Array): number => (crc32_le(0xffffffff, p) ^ 0xffffffff) >>> 0;
