// ADMA2 descriptor tables: 32- and 64-bit layouts, segment splitting, the terminator.
import { describe, expect, it } from 'vitest';
import { ADMA2_NOP_END_VALID, ADMA2_TRAN_VALID } from '../../../include/hw/sdhci.h.ts';
import { sdhci_adma_read_desc, sdhci_adma_table_pre, sdhci_adma_table_size, sdhci_segments } from './sdhci_adma.ts';

const descs = (table: Uint8Array, used: number, is64: boolean) => {
  const sz = is64 ? 12 : 8;
  return Array.from({ length: used / sz }, (_, i) => sdhci_adma_read_desc(table, i * sz, is64));
};

describe('sdhci_segments', () => {
  it('cuts a mapped buffer into pieces of at most max_seg_size', () => {
    expect(sdhci_segments(0x1000, 512, 65536)).toEqual([{ addr: 0x1000, len: 512 }]);
    expect(sdhci_segments(0x1000, 3 * 65536 + 512, 65536)).toEqual([
      { addr: 0x1000, len: 65536 },
      { addr: 0x11000, len: 65536 },
      { addr: 0x21000, len: 65536 },
      { addr: 0x31000, len: 512 },
    ]);
  });
});

describe('sdhci_adma_table_pre', () => {
  it('32-bit: 8-byte descriptors, 0x21 per segment (64 KiB as length 0) and a 0x03 terminator', () => {
    const table = new Uint8Array(sdhci_adma_table_size(128, false));
    expect(table.length).toBe(257 * 8);
    const used = sdhci_adma_table_pre(table, false, sdhci_segments(0x80001000, 65536 + 4096, 65536));
    expect(used).toBe(24);
    expect(descs(table, used, false)).toEqual([
      { cmd: ADMA2_TRAN_VALID, len: 0, addr: 0x80001000 },
      { cmd: ADMA2_TRAN_VALID, len: 4096, addr: 0x80011000 },
      { cmd: ADMA2_NOP_END_VALID, len: 0, addr: 0 },
    ]);
    expect([...table.subarray(0, 8)]).toEqual([0x21, 0, 0, 0, 0x00, 0x10, 0x00, 0x80]);
  });

  it('64-bit: 12-byte descriptors with the high address word', () => {
    const table = new Uint8Array(sdhci_adma_table_size(128, true));
    expect(table.length).toBe(257 * 12);
    const used = sdhci_adma_table_pre(table, true, [{ addr: 0x1_2345_6000, len: 512 }]);
    expect(used).toBe(24);
    expect(descs(table, used, true)).toEqual([
      { cmd: ADMA2_TRAN_VALID, len: 512, addr: 0x1_2345_6000 },
      { cmd: ADMA2_NOP_END_VALID, len: 0, addr: 0 },
    ]);
    expect([...table.subarray(0, 12)]).toEqual([0x21, 0, 0x00, 0x02, 0x00, 0x60, 0x45, 0x23, 1, 0, 0, 0]);
  });

  it('splits a segment longer than the controller takes into 32 KiB descriptors', () => {
    const table = new Uint8Array(64);
    const used = sdhci_adma_table_pre(table, false, [{ addr: 0x10000, len: 65536 + 1024 }], 65536);
    expect(descs(table, used, false).map((d) => [d.cmd, d.len, d.addr])).toEqual([
      [ADMA2_TRAN_VALID, 32768, 0x10000],
      [ADMA2_TRAN_VALID, 32768 + 1024, 0x18000],
      [ADMA2_NOP_END_VALID, 0, 0],
    ]);
  });

  it('fails instead of overrunning a table that is too small', () => {
    expect(sdhci_adma_table_pre(new Uint8Array(16), false, sdhci_segments(0, 3 * 512, 512))).toBe(-1);
    expect(sdhci_adma_table_pre(new Uint8Array(16), false, sdhci_segments(0, 512, 512))).toBe(16);
  });

  it('a full 512 KiB request in 64 KiB segments fits the table Linux sizes for 128 segments', () => {
    const table = new Uint8Array(sdhci_adma_table_size(128, false));
    const used = sdhci_adma_table_pre(table, false, sdhci_segments(0, 512 * 1024, 65536));
    expect(used).toBe(9 * 8);
  });
});
