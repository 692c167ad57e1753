// SPDX-License-Identifier: GPL-2.0
// EXT_CSD (JEDEC §7.4): 512 bytes, a 192-byte "modes" segment (bytes 0..191, where the
// host-writable fields live, next to a few read-only ones) and a 320-byte "properties" segment
// (192..511) that is read-only. Linux re-reads EXT_CSD after each bus-width change and compares
// read-only bytes, so the properties are built once and never change; the writable fields are
// kept as named state and written over a copy when CMD8 asks. QEMU hw/sd/sd.c: emmc_set_ext_csd.
import type { EmmcConfig } from './emmc_options.ts';
import { encodeTaac } from './emmc_regs.ts';

/** Byte offsets of the EXT_CSD fields this card models (JEDEC §7.4, Linux mmc.h EXT_CSD_*). */
export const EXT_CSD = {
  CMDQ_MODE_EN: 15,
  FLUSH_CACHE: 32,
  CACHE_CTRL: 33,
  POWER_OFF_NOTIFICATION: 34,
  DATA_SECTOR_SIZE: 61,
  PARTITION_SETTING_COMPLETED: 155,
  PARTITION_SUPPORT: 160,
  HPI_MGMT: 161,
  RST_N_FUNCTION: 162,
  BKOPS_EN: 163,
  WR_REL_PARAM: 166,
  WR_REL_SET: 167,
  RPMB_SIZE_MULT: 168,
  BOOT_WP: 173,
  BOOT_WP_STATUS: 174,
  ERASE_GROUP_DEF: 175,
  BOOT_BUS_CONDITIONS: 177,
  BOOT_CONFIG_PROT: 178,
  PARTITION_CONFIG: 179,
  ERASED_MEM_CONT: 181,
  BUS_WIDTH: 183,
  STROBE_SUPPORT: 184,
  HS_TIMING: 185,
  POWER_CLASS: 187,
  CMD_SET_REV: 189,
  CMD_SET: 191,
  EXT_CSD_REV: 192,
  CSD_STRUCTURE: 194,
  DEVICE_TYPE: 196,
  DRIVER_STRENGTH: 197,
  OUT_OF_INTERRUPT_TIME: 198,
  PARTITION_SWITCH_TIME: 199,
  SEC_COUNT: 212,
  S_A_TIMEOUT: 217,
  HC_WP_GRP_SIZE: 221,
  REL_WR_SEC_C: 222,
  ERASE_TIMEOUT_MULT: 223,
  HC_ERASE_GRP_SIZE: 224,
  BOOT_SIZE_MULT: 226,
  BOOT_INFO: 228,
  SEC_TRIM_MULT: 229,
  SEC_ERASE_MULT: 230,
  SEC_FEATURE_SUPPORT: 231,
  TRIM_MULT: 232,
  POWER_OFF_LONG_TIME: 247,
  GENERIC_CMD6_TIME: 248,
  CACHE_SIZE: 249,
  FIRMWARE_VERSION: 254,
  PRE_EOL_INFO: 267,
  DEVICE_LIFE_TIME_EST_TYP_A: 268,
  DEVICE_LIFE_TIME_EST_TYP_B: 269,
  CMDQ_DEPTH: 307,
  CMDQ_SUPPORT: 308,
  HPI_FEATURES: 503,
  S_CMD_SET: 504,
} as const;

/** The modes segment ends here; everything from 192 on is read-only. */
export const EXT_CSD_MODES_SIZE = 192;
/** EXT_CSD_REV 8: JEDEC eMMC 5.1. */
export const EXT_CSD_REV = 8;

/** PARTITION_CONFIG [179] fields. */
export const PART_ACCESS_MASK = 0x07;
export const PART_BOOT_MASK = 0x78; // BOOT_ACK (6) and BOOT_PARTITION_ENABLE (5:3): non-volatile

/** SEC_FEATURE_SUPPORT [231]: secure erase/trim (b0), trim and discard via garbage-collect (b4). */
const SEC_ER_EN = 1 << 0;
const SEC_GB_CL_EN = 1 << 4;

/** The host-writable fields, as named state (CMD0 and power loss reset them; see resetModes). */
export interface ExtCsdModes {
  cmdqModeEn: number;
  cacheCtrl: number;
  powerOffNotification: number;
  hpiMgmt: number;
  eraseGroupDef: number;
  /** Non-volatile (R/W/E): survives CMD0 and power cycles. */
  bootBusConditions: number;
  /** Bits 6:3 non-volatile, access bits 2:0 volatile (R/W/E_P). */
  partitionConfig: number;
  busWidth: number;
  hsTiming: number;
  powerClass: number;
}

/**
 * The writable fields after power-on, CMD0 or a hardware reset: the R/W/E_P and W/E_P fields
 * take their defaults, the R/W/E fields keep what was last written (@prev).
 */
export function resetModes(prev: ExtCsdModes | null): ExtCsdModes {
  return {
    cmdqModeEn: 0,
    cacheCtrl: 0,
    powerOffNotification: 0,
    hpiMgmt: 0,
    eraseGroupDef: 0,
    bootBusConditions: prev?.bootBusConditions ?? 0,
    partitionConfig: (prev?.partitionConfig ?? 0) & PART_BOOT_MASK,
    busWidth: 0,
    hsTiming: 0,
    powerClass: 0,
  };
}

/** Worst-case limits the card advertises, derived from its timing so a host never times out. */
export interface DeviceLimits {
  taacCode: number;
  /** The access time TAAC advertises (ns), at least timing.taacNs. */
  taacNs: number;
  r2wFactor: number;
  /** Busy of flushing a full cache (0 without one). */
  fullFlushNs: number;
  genericCmd6Time: number;
  powerOffLongTime: number;
  partitionSwitchTime: number;
  outOfInterruptTime: number;
  eraseTimeoutMult: number;
  trimMult: number;
  sATimeout: number;
}

const MS = 1_000_000;
const units10ms = (ns: number): number => Math.max(1, Math.ceil(ns / (10 * MS)));

/** Throws RangeError if a timing cannot be advertised in its EXT_CSD byte. */
export function deriveLimits(c: EmmcConfig): DeviceLimits {
  const t = c.timing;
  const programFor = (bytes: number): number => Math.ceil(bytes / t.programUnitBytes) * t.programNs;
  const fullFlushNs = c.cacheKiB ? t.flushNs + programFor(c.cacheKiB * 1024) : 0;
  const taac = encodeTaac(t.taacNs);
  // Linux's eMMC write timeout is 10 × TAAC × 2^R2W_FACTOR, and the SDHCI data timeout counts
  // busy after the last block, so cover programming one maximal (512 KiB) request twice over.
  let r2wFactor = 0;
  while (r2wFactor < 7 && 10 * taac.ns * 2 ** r2wFactor < 2 * programFor(512 * 1024)) r2wFactor++;
  let sATimeout = 1;
  while (sATimeout <= 0x17 && 100 * 2 ** sATimeout < t.sleepAwakeNs + fullFlushNs) sATimeout++;
  const byte = (what: string, v: number): number => {
    if (v > 255) throw new RangeError(`EmmcCard timing: ${what} would be ${v}, more than an EXT_CSD byte holds`);
    return v;
  };
  if (sATimeout > 0x17) throw new RangeError('EmmcCard timing.sleepAwakeNs (plus a full cache flush) exceeds S_A_TIMEOUT 0x17 (838 ms)');
  const cmd6 = byte('GENERIC_CMD6_TIME', units10ms(t.switchNs + fullFlushNs));
  return {
    taacCode: taac.code,
    taacNs: taac.ns,
    r2wFactor,
    fullFlushNs,
    genericCmd6Time: cmd6,
    powerOffLongTime: cmd6,
    partitionSwitchTime: byte('PARTITION_SWITCH_TIME', units10ms(t.partitionSwitchNs)),
    outOfInterruptTime: byte('OUT_OF_INTERRUPT_TIME', units10ms(t.hpiNs)),
    eraseTimeoutMult: byte('ERASE_TIMEOUT_MULT', Math.max(1, Math.ceil(t.eraseNsPerGroup / (300 * MS)))),
    trimMult: byte('TRIM_MULT', Math.max(1, Math.ceil(t.trimNsPerGroup / (300 * MS)))),
    sATimeout,
  };
}

/** The read-only content of all 512 bytes; the writable fields are zero here. */
export function buildExtCsdProperties(c: EmmcConfig, l: DeviceLimits): Uint8Array {
  const x = new Uint8Array(512);
  const le32 = (at: number, v: number): void => {
    for (let i = 0; i < 4; i++) x[at + i] = Math.floor(v / 2 ** (8 * i)) & 0xff;
  };
  // Modes segment, read-only fields.
  x[EXT_CSD.PARTITION_SUPPORT] = 0; // no GP/enhanced partitioning
  x[EXT_CSD.WR_REL_PARAM] = 0x05; // HS_CTRL_REL | EN_REL_WR: reliable writes of any size
  x[EXT_CSD.RPMB_SIZE_MULT] = c.rpmbBytes / (128 * 1024);
  x[EXT_CSD.ERASED_MEM_CONT] = c.erasedByte === 0xff ? 1 : 0;
  // Properties segment.
  x[EXT_CSD.EXT_CSD_REV] = EXT_CSD_REV;
  x[EXT_CSD.CSD_STRUCTURE] = 2;
  x[EXT_CSD.DEVICE_TYPE] = c.deviceType;
  x[EXT_CSD.DRIVER_STRENGTH] = 0x01; // type 0 only
  x[EXT_CSD.OUT_OF_INTERRUPT_TIME] = l.outOfInterruptTime;
  x[EXT_CSD.PARTITION_SWITCH_TIME] = l.partitionSwitchTime;
  le32(EXT_CSD.SEC_COUNT, c.parts[0].size / 512);
  x[EXT_CSD.S_A_TIMEOUT] = l.sATimeout;
  x[EXT_CSD.HC_WP_GRP_SIZE] = 1;
  x[EXT_CSD.REL_WR_SEC_C] = 1;
  x[EXT_CSD.ERASE_TIMEOUT_MULT] = l.eraseTimeoutMult;
  x[EXT_CSD.HC_ERASE_GRP_SIZE] = 1; // 512 KiB, the same as the CSD's legacy erase group
  x[EXT_CSD.BOOT_SIZE_MULT] = c.bootPartitionBytes / (128 * 1024);
  x[EXT_CSD.SEC_TRIM_MULT] = 1;
  x[EXT_CSD.SEC_ERASE_MULT] = 1;
  x[EXT_CSD.SEC_FEATURE_SUPPORT] = SEC_ER_EN | SEC_GB_CL_EN;
  x[EXT_CSD.TRIM_MULT] = l.trimMult;
  x[EXT_CSD.POWER_OFF_LONG_TIME] = l.powerOffLongTime;
  x[EXT_CSD.GENERIC_CMD6_TIME] = l.genericCmd6Time;
  le32(EXT_CSD.CACHE_SIZE, c.cacheKiB);
  x[EXT_CSD.FIRMWARE_VERSION] = c.revision;
  x[EXT_CSD.PRE_EOL_INFO] = 1; // normal
  x[EXT_CSD.DEVICE_LIFE_TIME_EST_TYP_A] = 1; // 0-10 % used
  x[EXT_CSD.DEVICE_LIFE_TIME_EST_TYP_B] = 1;
  if (c.cmdqDepth) {
    x[EXT_CSD.CMDQ_DEPTH] = c.cmdqDepth - 1;
    x[EXT_CSD.CMDQ_SUPPORT] = 1;
  }
  x[EXT_CSD.HPI_FEATURES] = 0x03; // HPI supported, implemented with CMD12
  x[EXT_CSD.S_CMD_SET] = 1; // standard MMC command set
  return x;
}

/** The 512 bytes CMD8 returns: the properties with the current writable fields over them. */
export function composeExtCsd(properties: Uint8Array, m: ExtCsdModes): Uint8Array {
  const x = properties.slice();
  x[EXT_CSD.CMDQ_MODE_EN] = m.cmdqModeEn;
  x[EXT_CSD.CACHE_CTRL] = m.cacheCtrl;
  x[EXT_CSD.POWER_OFF_NOTIFICATION] = m.powerOffNotification;
  x[EXT_CSD.HPI_MGMT] = m.hpiMgmt;
  x[EXT_CSD.ERASE_GROUP_DEF] = m.eraseGroupDef;
  x[EXT_CSD.BOOT_BUS_CONDITIONS] = m.bootBusConditions;
  x[EXT_CSD.PARTITION_CONFIG] = m.partitionConfig;
  x[EXT_CSD.BUS_WIDTH] = m.busWidth;
  x[EXT_CSD.HS_TIMING] = m.hsTiming;
  x[EXT_CSD.POWER_CLASS] = m.powerClass;
  return x;
}
