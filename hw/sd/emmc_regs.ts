// SPDX-License-Identifier: GPL-2.0
// The eMMC's identification and specific-data registers: OCR (JEDEC §7.1), CID (§7.2) and CSD
// (§7.3), built once from the card's options. QEMU hw/sd/sd.c builds the same in
// emmc_set_cid()/emmc_set_csd(). Bit positions are as in the JEDEC tables, which is also how
// Linux's mmc_decode_cid()/mmc_decode_csd() unstuff them from resp[0..3].
import { csdCapacity, type EmmcConfig } from './emmc_options.ts';

/** OCR voltage window: 2.7–3.6 V (bits 23:15) and 1.70–1.95 V (bit 7). */
export const OCR_VOLTAGES = 0x00ff_8080;
/** Bits the host's CMD1 window is compared against (bit 7 and 23:8). */
export const OCR_VOLTAGE_MASK = 0x00ff_ff80;
/** Access mode 10b: sector (block) addressing, for cards above 2 GiB. */
export const OCR_SECTOR_MODE = 1 << 30;
/** Power-up done ("not busy"). */
export const OCR_READY = 0x8000_0000;

/** Write @value into bits [@hi:@lo] of a big-endian 128-bit register (bit 127 = MSB of byte 0). */
export function setBits(reg: Uint8Array, hi: number, lo: number, value: number): void {
  for (let bit = lo; bit <= hi; bit++) {
    const v = Math.floor(value / 2 ** (bit - lo)) % 2;
    const byte = 15 - (bit >> 3);
    const mask = 1 << (bit & 7);
    reg[byte] = v ? reg[byte]! | mask : reg[byte]! & ~mask;
  }
}

/** Read bits [@hi:@lo] of a big-endian 128-bit register. */
export function getBits(reg: Uint8Array, hi: number, lo: number): number {
  let v = 0;
  for (let bit = hi; bit >= lo; bit--) v = v * 2 + ((reg[15 - (bit >> 3)]! >> (bit & 7)) & 1);
  return v;
}

/** CRC7 (x^7 + x^3 + 1) over @bytes, as the card appends to CID and CSD. */
export function crc7(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes)
    for (let i = 7; i >= 0; i--) {
      const fb = ((crc >> 6) ^ (b >> i)) & 1;
      crc = (crc << 1) & 0x7f;
      if (fb) crc ^= 0x09;
    }
  return crc;
}

/** Close a 16-byte register: CRC7 in bits 7:1, bit 0 always 1. */
const seal = (reg: Uint8Array): Uint8Array => {
  reg[15] = (crc7(reg.subarray(0, 15)) << 1) | 1;
  return reg;
};

/** The R2 words of a register, bits [127:96] first (Linux's resp[0..3]). */
export function r2Words(reg: Uint8Array): [number, number, number, number] {
  const w = (i: number): number => ((reg[i]! << 24) | (reg[i + 1]! << 16) | (reg[i + 2]! << 8) | reg[i + 3]!) >>> 0;
  return [w(0), w(4), w(8), w(12)];
}

/** The CID (JEDEC §7.2): identity from the options; a BGA part (CBX = 1). */
export function buildCid(c: EmmcConfig): Uint8Array {
  const reg = new Uint8Array(16);
  setBits(reg, 127, 120, c.manufacturerId);
  setBits(reg, 113, 112, 1); // CBX: BGA (discrete embedded)
  setBits(reg, 111, 104, c.oemId);
  for (let i = 0; i < 6; i++) setBits(reg, 103 - 8 * i, 96 - 8 * i, c.productName.charCodeAt(i));
  setBits(reg, 55, 48, c.revision);
  setBits(reg, 47, 16, c.serial);
  setBits(reg, 15, 12, c.manufactured.month);
  // EXT_CSD_REV > 4: year codes 0..15 mean 2013..2028 (JEDEC §7.2.7).
  setBits(reg, 11, 8, c.manufactured.year - 2013);
  return seal(reg);
}

/** TAAC time units (ns) and multipliers (tenths), JEDEC §7.3.5. */
const TAAC_UNIT_NS = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000];
const TAAC_MULT = [0, 10, 12, 13, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 70, 80];

/** The smallest TAAC code whose time is at least @ns, and that time (Linux's taac_ns). */
export function encodeTaac(ns: number): { code: number; ns: number } {
  for (let u = 0; u < 8; u++)
    for (let m = 1; m < 16; m++) {
      const t = (TAAC_UNIT_NS[u]! * TAAC_MULT[m]!) / 10;
      if (t >= ns) return { code: (m << 3) | u, ns: t };
    }
  return { code: (15 << 3) | 7, ns: 80_000_000 };
}

/** Fields of the CSD that the card's behaviour depends on. */
export interface CsdInputs {
  taacCode: number;
  nsacClocks: number;
  r2wFactor: number;
  /** Supported command classes (CCC bit n = class n). */
  ccc: number;
}

/**
 * The CSD (JEDEC §7.3): CSD_STRUCTURE 3 ("version in EXT_CSD"), SPEC_VERS 4 (Linux reads
 * EXT_CSD only then), 26 MHz legacy clock, 512-byte blocks, erase group 512 KiB. Above 2 GiB the
 * size fields hold the "magic" maximum and SEC_COUNT has the real size.
 */
export function buildCsd(c: EmmcConfig, i: CsdInputs): Uint8Array {
  const reg = new Uint8Array(16);
  setBits(reg, 127, 126, 3);
  setBits(reg, 125, 122, 4);
  setBits(reg, 119, 112, i.taacCode);
  setBits(reg, 111, 104, i.nsacClocks / 100);
  setBits(reg, 103, 96, 0x32); // TRAN_SPEED: 26 MHz
  setBits(reg, 95, 84, i.ccc);
  const cap = c.sectorMode ? { cSize: 0xfff, cSizeMult: 7, readBlLen: 9 } : csdCapacity(c.parts[0].size)!;
  setBits(reg, 83, 80, cap.readBlLen);
  setBits(reg, 73, 62, cap.cSize);
  setBits(reg, 49, 47, cap.cSizeMult);
  setBits(reg, 46, 42, 31); // ERASE_GRP_SIZE
  setBits(reg, 41, 37, 31); // ERASE_GRP_MULT: (31+1)·(31+1) blocks = 512 KiB
  setBits(reg, 28, 26, i.r2wFactor);
  setBits(reg, 25, 22, 9); // WRITE_BL_LEN 512
  return seal(reg);
}
