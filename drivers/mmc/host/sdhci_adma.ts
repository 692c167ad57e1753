// SPDX-License-Identifier: GPL-2.0
// ADMA2 descriptor tables (drivers/mmc/host/sdhci.c sdhci_adma_table_pre, sdhci_adma_write_desc):
// one "tran, valid" (0x21) descriptor per segment, segments longer than the controller takes
// split into 32 KiB pieces, and a terminating "nop, end, valid" (0x03) entry. Descriptors are
// little endian: attribute (16 bits), length (16 bits, 0 = 65536), address (32, or 64 bits).
import { ADMA2_NOP_END_VALID, ADMA2_TRAN_VALID, SDHCI_ADMA2_32_DESC_SZ, SDHCI_ADMA2_64_DESC_SZ } from '../../../include/hw/sdhci.h.ts';

/** One DMA segment of a request: bus address and length (an entry of the mapped scatterlist). */
export interface sdhci_segment {
  readonly addr: number;
  readonly len: number;
}

/** A mapped buffer as the block layer would hand it over: pieces of at most @max_seg_size. */
export const sdhci_segments = (addr: number, len: number, max_seg_size: number): sdhci_segment[] => {
  const out: sdhci_segment[] = [];
  for (let off = 0; off < len; off += max_seg_size) out.push({ addr: addr + off, len: Math.min(max_seg_size, len - off) });
  return out;
};

/** Descriptor size for 32- or 64-bit ADMA2 (v3 layout: 12 bytes for 64-bit). */
export const sdhci_adma_desc_sz = (use_64bit: boolean): number => (use_64bit ? SDHCI_ADMA2_64_DESC_SZ : SDHCI_ADMA2_32_DESC_SZ);

/** Table size for @segs segments: each may need two descriptors, plus the terminator. */
export const sdhci_adma_table_size = (segs: number, use_64bit: boolean): number => (segs * 2 + 1) * sdhci_adma_desc_sz(use_64bit);

/** sdhci_adma_write_desc(): one descriptor at byte @off of @table; returns the next offset. */
export const sdhci_adma_write_desc = (table: Uint8Array, off: number, use_64bit: boolean, addr: number, len: number, cmd: number): number => {
  const v = new DataView(table.buffer, table.byteOffset + off, sdhci_adma_desc_sz(use_64bit));
  v.setUint16(0, cmd, true);
  v.setUint16(2, len & 0xffff, true);
  v.setUint32(4, addr >>> 0, true);
  if (use_64bit) v.setUint32(8, Math.floor(addr / 2 ** 32) >>> 0, true);
  return off + sdhci_adma_desc_sz(use_64bit);
};

/**
 * sdhci_adma_table_pre(): fill @table for @segs. Buffers are 4-byte aligned here (our mappings
 * are 8-byte aligned), so Linux's align bounce buffer is never needed. Returns the bytes used,
 * or -1 if the table is too small (Linux WARNs: a calculation bug).
 */
export const sdhci_adma_table_pre = (table: Uint8Array, use_64bit: boolean, segs: readonly sdhci_segment[], max_adma = 65536): number => {
  const sz = sdhci_adma_desc_sz(use_64bit);
  let off = 0;
  const room = (): boolean => off + sz <= table.length;
  for (const sg of segs) {
    let { addr, len } = sg;
    while (len > max_adma) {
      const n = 32 * 1024;
      if (!room()) return -1;
      off = sdhci_adma_write_desc(table, off, use_64bit, addr, n, ADMA2_TRAN_VALID);
      addr += n;
      len -= n;
    }
    if (len) {
      if (!room()) return -1;
      off = sdhci_adma_write_desc(table, off, use_64bit, addr, len, ADMA2_TRAN_VALID);
    }
  }
  if (!room()) return -1;
  return sdhci_adma_write_desc(table, off, use_64bit, 0, 0, ADMA2_NOP_END_VALID);
};

/** A descriptor read back (tests, and the ADMA error dump). */
export interface sdhci_adma_desc {
  readonly cmd: number;
  readonly len: number;
  readonly addr: number;
}

export const sdhci_adma_read_desc = (table: Uint8Array, off: number, use_64bit: boolean): sdhci_adma_desc => {
  const v = new DataView(table.buffer, table.byteOffset + off, sdhci_adma_desc_sz(use_64bit));
  const hi = use_64bit ? v.getUint32(8, true) : 0;
  return { cmd: v.getUint16(0, true), len: v.getUint16(2, true), addr: hi * 2 ** 32 + v.getUint32(4, true) };
};
