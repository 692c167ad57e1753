// The COMMAND register's low byte from mmc_command flags (research table §2) and the R2 shift.
import { describe, expect, it } from 'vitest';
import * as R from '../../../include/hw/sdhci.h.ts';
import { MMC_RSP_NONE, MMC_RSP_R1, MMC_RSP_R1B, MMC_RSP_R2, MMC_RSP_R3 } from '../../../include/linux/mmc/core.h.ts';
import { sdhci_command_flags, sdhci_rsp_136_shift } from './sdhci_cmd.ts';

describe('sdhci_command_flags', () => {
  it('encodes the response type, CRC and index checks, and data present', () => {
    expect(sdhci_command_flags(MMC_RSP_NONE, false)).toBe(0x00);
    expect(sdhci_command_flags(MMC_RSP_R1, false)).toBe(0x1a);
    expect(sdhci_command_flags(MMC_RSP_R1, true)).toBe(0x3a);
    expect(sdhci_command_flags(MMC_RSP_R1B, false)).toBe(0x1b);
    expect(sdhci_command_flags(MMC_RSP_R2, false)).toBe(0x09);
    expect(sdhci_command_flags(MMC_RSP_R3, false)).toBe(0x02);
  });

  it('sets data present for the tuning commands even without data', () => {
    expect(sdhci_command_flags(MMC_RSP_R1, false, 21)).toBe(0x3a);
    expect(sdhci_command_flags(MMC_RSP_R1, false, 19)).toBe(0x3a);
  });

  it('makes the register with the opcode in the high byte', () => {
    expect(R.SDHCI_MAKE_CMD(25, sdhci_command_flags(MMC_RSP_R1, true))).toBe(0x193a);
    expect(R.SDHCI_MAKE_CMD(2, sdhci_command_flags(MMC_RSP_R2, false))).toBe(0x0209);
  });
});

describe('sdhci_rsp_136_shift', () => {
  it('rebuilds CID[127:0] with the CRC byte zero from the right-aligned CID[127:8]', () => {
    // CID bytes 0..14 = 0x11..0x1f; byte 15 (CRC7 and end bit) is dropped by the controller.
    const cid = Array.from({ length: 15 }, (_, i) => 0x11 + i);
    const be = (bytes: number[]): number => bytes.reduce((v, b) => ((v << 8) | b) >>> 0, 0);
    // 0x1C holds CID[127:104] in its low 24 bits, 0x18 CID[103:72], 0x14 CID[71:40], 0x10 CID[39:8].
    const regs: [number, number, number, number] = [be(cid.slice(0, 3)), be(cid.slice(3, 7)), be(cid.slice(7, 11)), be(cid.slice(11, 15))];
    expect(sdhci_rsp_136_shift(regs)).toEqual([0x11121314, 0x15161718, 0x191a1b1c, 0x1d1e1f00]);
  });

  it('moves the top byte of each next word down', () => {
    expect(sdhci_rsp_136_shift([0x00aabbcc, 0xddeeff00, 0x11223344, 0x55667788])).toEqual([0xaabbccdd, 0xeeff0011, 0x22334455, 0x66778800]);
  });
});
