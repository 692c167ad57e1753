// SPDX-License-Identifier: GPL-2.0
// Decoding the card's registers (drivers/mmc/core/mmc.c mmc_decode_cid, mmc_decode_csd,
// mmc_decode_ext_csd, mmc_select_card_type): the same bit positions, tables and fix-ups as
// Linux, so a card model that Linux accepts is accepted here and vice versa.

import {
  MMC_BLK_DATA_AREA_BOOT,
  MMC_BLK_DATA_AREA_RPMB,
  type mmc_cid,
  type mmc_csd,
  type mmc_ext_csd,
  type mmc_part,
} from '../../../include/linux/mmc/card.h.ts';
import { MMC_CAP2_BOOTPART_NOACC, MMC_CAP2_HS200_1_2V_SDR, MMC_CAP2_HS200_1_8V_SDR, MMC_CAP_1_2V_DDR, MMC_CAP_1_8V_DDR, MMC_CAP_3_3V_DDR, MMC_CAP_CMD23, MMC_CAP_MMC_HIGHSPEED } from '../../../include/linux/mmc/host.h.ts';
import * as X from '../../../include/linux/mmc/mmc.h.ts';

/** UNSTUFF_BITS(): @size bits starting at bit @start of a 128-bit response (resp[0] = [127:96]). */
export const UNSTUFF_BITS = (resp: readonly number[], start: number, size: number): number => {
  const off = 3 - Math.floor(start / 32);
  const shft = start & 31;
  let res = resp[off]! >>> shft;
  if (size + shft > 32) res |= resp[off - 1]! << ((32 - shft) % 32);
  const mask = size < 32 ? (1 << size) - 1 : 0xffffffff;
  return (res & mask) >>> 0;
};

const taac_exp = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000];
const taac_mant = [0, 10, 12, 13, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 70, 80];
const tran_exp = [10000, 100000, 1000000, 10000000, 0, 0, 0, 0];
const tran_mant = [0, 10, 12, 13, 15, 20, 26, 30, 35, 40, 45, 52, 55, 60, 70, 80];

export const MMC_HIGH_26_MAX_DTR = 26_000_000;
export const MMC_HIGH_52_MAX_DTR = 52_000_000;
export const MMC_HIGH_DDR_MAX_DTR = 52_000_000;
export const MMC_HS200_MAX_DTR = 200_000_000;
/** Linux waits at least this long for a partition switch (MMC_MIN_PART_SWITCH_TIME). */
const MMC_MIN_PART_SWITCH_TIME = 300;
/** CMD6 busy default before EXT_CSD 4.5 gives one (DEFAULT_CMD6_TIMEOUT_MS). */
const DEFAULT_CMD6_TIMEOUT_MS = 500;

/** mmc_decode_csd(): an error string (Linux's message) or the CSD. */
export const mmc_decode_csd = (resp: readonly number[]): mmc_csd | string => {
  const structure = UNSTUFF_BITS(resp, 126, 2);
  if (structure === 0) return `unrecognised CSD structure version ${structure}`;
  const e = UNSTUFF_BITS(resp, 47, 3);
  const m = UNSTUFF_BITS(resp, 62, 12);
  const read_blkbits = UNSTUFF_BITS(resp, 80, 4);
  const write_blkbits = UNSTUFF_BITS(resp, 22, 4);
  let erase_size = 0;
  if (write_blkbits >= 9) {
    erase_size = (UNSTUFF_BITS(resp, 42, 5) + 1) * (UNSTUFF_BITS(resp, 37, 5) + 1);
    erase_size *= 2 ** (write_blkbits - 9);
  }
  return {
    structure,
    mmca_vsn: UNSTUFF_BITS(resp, 122, 4),
    taac_ns: Math.floor((taac_exp[UNSTUFF_BITS(resp, 112, 3)]! * taac_mant[UNSTUFF_BITS(resp, 115, 4)]! + 9) / 10),
    taac_clks: UNSTUFF_BITS(resp, 104, 8) * 100,
    max_dtr: tran_exp[UNSTUFF_BITS(resp, 96, 3)]! * tran_mant[UNSTUFF_BITS(resp, 99, 4)]!,
    cmdclass: UNSTUFF_BITS(resp, 84, 12),
    capacity: (1 + m) * 2 ** (e + 2) * 2 ** Math.max(0, read_blkbits - 9),
    read_blkbits,
    read_partial: !!UNSTUFF_BITS(resp, 79, 1),
    dsr_imp: !!UNSTUFF_BITS(resp, 76, 1),
    r2w_factor: UNSTUFF_BITS(resp, 26, 3),
    write_blkbits,
    write_partial: !!UNSTUFF_BITS(resp, 21, 1),
    erase_size,
  };
};

/** mmc_decode_cid() for MMCA versions 2-4 (every eMMC); older layouts are not modelled. */
export const mmc_decode_cid = (resp: readonly number[], mmca_vsn: number): mmc_cid | string => {
  if (mmca_vsn < 2 || mmca_vsn > 4) return `card has unknown MMCA version ${mmca_vsn}`;
  let name = '';
  for (let bit = 96; bit >= 56; bit -= 8) {
    const ch = UNSTUFF_BITS(resp, bit, 8);
    if (ch) name += String.fromCharCode(ch);
  }
  return {
    manfid: UNSTUFF_BITS(resp, 120, 8),
    oemid: UNSTUFF_BITS(resp, 104, 16),
    prod_name: name,
    prv: UNSTUFF_BITS(resp, 48, 8),
    hwrev: 0,
    fwrev: 0,
    serial: UNSTUFF_BITS(resp, 16, 32),
    month: UNSTUFF_BITS(resp, 12, 4),
    year: UNSTUFF_BITS(resp, 8, 4) + 1997,
  };
};

/**
 * The card-type bits Linux considers, in its order, each with the host capability it needs and
 * the clock it allows (the later entry of a kind wins, as in mmc_select_card_type()).
 */
const CARD_TYPES: ReadonlyArray<[bit: number, host_can: (caps: number, caps2: number) => boolean, kind: 'hs' | 'hs200', dtr: number]> = [
  [X.EXT_CSD_CARD_TYPE_HS_26, (c) => !!(c & MMC_CAP_MMC_HIGHSPEED), 'hs', MMC_HIGH_26_MAX_DTR],
  [X.EXT_CSD_CARD_TYPE_HS_52, (c) => !!(c & MMC_CAP_MMC_HIGHSPEED), 'hs', MMC_HIGH_52_MAX_DTR],
  [X.EXT_CSD_CARD_TYPE_DDR_1_8V, (c) => !!(c & (MMC_CAP_1_8V_DDR | MMC_CAP_3_3V_DDR)), 'hs', MMC_HIGH_DDR_MAX_DTR],
  [X.EXT_CSD_CARD_TYPE_DDR_1_2V, (c) => !!(c & MMC_CAP_1_2V_DDR), 'hs', MMC_HIGH_DDR_MAX_DTR],
  [X.EXT_CSD_CARD_TYPE_HS200_1_8V, (_, c2) => !!(c2 & MMC_CAP2_HS200_1_8V_SDR), 'hs200', MMC_HS200_MAX_DTR],
  [X.EXT_CSD_CARD_TYPE_HS200_1_2V, (_, c2) => !!(c2 & MMC_CAP2_HS200_1_2V_SDR), 'hs200', MMC_HS200_MAX_DTR],
];

/** mmc_select_card_type(): timing modes card and host share, and the clocks they allow. */
export const mmc_select_card_type = (card_type: number, caps: number, caps2: number) => {
  const r = { hs_max_dtr: 0, hs200_max_dtr: 0, avail: 0 };
  for (const [bit, host_can, kind, dtr] of CARD_TYPES) {
    if (!(card_type & bit) || !host_can(caps, caps2)) continue;
    r.avail |= bit;
    if (kind === 'hs') r.hs_max_dtr = dtr;
    else r.hs200_max_dtr = dtr;
  }
  return r;
};

const le32 = (b: Uint8Array, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

export interface decoded_ext_csd {
  ext_csd: mmc_ext_csd;
  /** Above 2 GiB the card is sector addressed. */
  blockaddr: boolean;
  erased_byte: number;
  part: mmc_part[];
  /** Timing modes card and host share (mmc_avail_type). */
  avail_type: number;
  /** EXT_CSD_REV >= 5 moves a pre-2010 CID year forward by 16 (JESD84-B451). */
  year_fixup: boolean;
}

/** mmc_decode_ext_csd(): the fields we use, with Linux's revision gates and unit conversions. */
export const mmc_decode_ext_csd = (raw: Uint8Array, csd_structure: number, caps: number, caps2: number): decoded_ext_csd | string => {
  const structure = raw[X.EXT_CSD_STRUCTURE]!;
  if (csd_structure === 3 && structure > 2) return `unrecognised EXT_CSD structure version ${structure}`;
  const rev = raw[X.EXT_CSD_REV]!;
  const sectors = rev >= 2 ? le32(raw, X.EXT_CSD_SEC_CNT) : 0;
  const type = mmc_select_card_type(raw[X.EXT_CSD_CARD_TYPE]!, caps, caps2);
  const part: mmc_part[] = [];
  const sa = raw[X.EXT_CSD_S_A_TIMEOUT]!;
  let part_time = rev >= 3 ? 10 * raw[X.EXT_CSD_PART_SWITCH_TIME]! : 0;
  if (part_time && part_time < MMC_MIN_PART_SWITCH_TIME) part_time = MMC_MIN_PART_SWITCH_TIME;
  if (rev >= 3 && raw[X.EXT_CSD_BOOT_MULT] && !(caps2 & MMC_CAP2_BOOTPART_NOACC)) {
    for (let idx = 0; idx < 2; idx++)
      part.push({ size: raw[X.EXT_CSD_BOOT_MULT]! << 17, part_cfg: X.EXT_CSD_PART_CONFIG_ACC_BOOT0 + idx, name: `boot${idx}`, force_ro: true, area_type: MMC_BLK_DATA_AREA_BOOT });
  }
  if (rev >= 4 && raw[X.EXT_CSD_RPMB_MULT] && caps & MMC_CAP_CMD23)
    part.push({ size: raw[X.EXT_CSD_RPMB_MULT]! << 17, part_cfg: X.EXT_CSD_PART_CONFIG_ACC_RPMB, name: 'rpmb', force_ro: false, area_type: MMC_BLK_DATA_AREA_RPMB });
  const hpi = rev >= 5 && !!(raw[X.EXT_CSD_HPI_FEATURES]! & 0x1);
  let cmdq_support = rev >= 8 && !!(raw[X.EXT_CSD_CMDQ_SUPPORT]! & 0x1);
  let cmdq_depth = rev >= 8 ? (raw[X.EXT_CSD_CMDQ_DEPTH]! & 0x1f) + 1 : 0;
  if (cmdq_depth <= 2) {
    cmdq_support = false;
    cmdq_depth = 0;
  }
  const ext_csd: mmc_ext_csd = {
    rev,
    raw_card_type: raw[X.EXT_CSD_CARD_TYPE]!,
    sectors,
    part_config: rev >= 3 ? raw[X.EXT_CSD_PART_CONFIG]! : 0,
    part_time,
    generic_cmd6_time: rev >= 6 ? 10 * raw[X.EXT_CSD_GENERIC_CMD6_TIME]! : DEFAULT_CMD6_TIMEOUT_MS,
    power_off_longtime: rev >= 6 ? 10 * raw[X.EXT_CSD_POWER_OFF_LONG_TIME]! : 0,
    sa_timeout: rev >= 3 && sa > 0 && sa <= 0x17 ? 2 ** sa : 0,
    hs_max_dtr: type.hs_max_dtr,
    hs200_max_dtr: type.hs200_max_dtr,
    boot_ro_lock: 0,
    boot_size: rev >= 3 ? raw[X.EXT_CSD_BOOT_MULT]! << 17 : 0,
    rpmb_size: rev >= 4 ? raw[X.EXT_CSD_RPMB_MULT]! << 17 : 0,
    erase_group_def: rev >= 3 ? raw[X.EXT_CSD_ERASE_GROUP_DEF]! : 0,
    hc_erase_size: rev >= 3 ? raw[X.EXT_CSD_HC_ERASE_GRP_SIZE]! << 10 : 0,
    hc_erase_timeout: rev >= 3 ? 300 * raw[X.EXT_CSD_ERASE_TIMEOUT_MULT]! : 0,
    partition_setting_completed: !!(raw[X.EXT_CSD_PARTITION_SETTING_COMPLETED]! & 0x1),
    rel_sectors: rev >= 3 ? raw[X.EXT_CSD_REL_WR_SEC_C]! : 0,
    rel_param: rev >= 5 ? raw[X.EXT_CSD_WR_REL_PARAM]! : 0,
    sec_feature_support: rev >= 4 ? raw[X.EXT_CSD_SEC_FEATURE_SUPPORT]! : 0,
    trim_timeout: rev >= 4 ? 300 * raw[X.EXT_CSD_TRIM_MULT]! : 0,
    erased_mem_cont: raw[X.EXT_CSD_ERASED_MEM_CONT]!,
    hpi,
    hpi_en: false,
    hpi_cmd: hpi ? (raw[X.EXT_CSD_HPI_FEATURES]! & 0x2 ? X.MMC_STOP_TRANSMISSION : X.MMC_SEND_STATUS) : 0,
    out_of_int_time: hpi ? raw[X.EXT_CSD_OUT_OF_INTERRUPT_TIME]! * 10 : 0,
    cache_size: rev >= 6 ? le32(raw, X.EXT_CSD_CACHE_SIZE) : 0,
    cache_ctrl: false,
    power_off_notification: 0,
    cmdq_support,
    cmdq_depth,
    cmdq_en: false,
    data_sector_size: rev >= 6 && raw[X.EXT_CSD_DATA_SECTOR_SIZE] === 1 ? 4096 : 512,
    raw: raw.slice(),
  };
  return {
    ext_csd,
    blockaddr: rev >= 2 && sectors > (2 * 1024 * 1024 * 1024) / 512,
    erased_byte: raw[X.EXT_CSD_ERASED_MEM_CONT] ? 0xff : 0x00,
    part,
    avail_type: type.avail,
    year_fixup: rev >= 5,
  };
};

/** Read-only EXT_CSD bytes Linux compares after a bus-width change (mmc_compare_ext_csds). */
export const EXT_CSD_COMPARED = [
  X.EXT_CSD_PARTITION_SUPPORT, X.EXT_CSD_ERASED_MEM_CONT, X.EXT_CSD_REV, X.EXT_CSD_STRUCTURE, X.EXT_CSD_CARD_TYPE,
  X.EXT_CSD_S_A_TIMEOUT, X.EXT_CSD_HC_WP_GRP_SIZE, X.EXT_CSD_ERASE_TIMEOUT_MULT, X.EXT_CSD_HC_ERASE_GRP_SIZE,
  X.EXT_CSD_SEC_TRIM_MULT, X.EXT_CSD_SEC_ERASE_MULT, X.EXT_CSD_SEC_FEATURE_SUPPORT, X.EXT_CSD_TRIM_MULT,
  X.EXT_CSD_SEC_CNT, X.EXT_CSD_SEC_CNT + 1, X.EXT_CSD_SEC_CNT + 2, X.EXT_CSD_SEC_CNT + 3,
];
