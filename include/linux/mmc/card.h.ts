// SPDX-License-Identifier: GPL-2.0
// The card as the core decodes it (include/linux/mmc/card.h): CID, CSD, the EXT_CSD fields we
// use, and the card device.
import type { device } from '../device.h.ts';
import type { mmc_host } from './host.h.ts';

export interface mmc_cid {
  manfid: number;
  oemid: number;
  /** Product name, up to 6 characters for eMMC. */
  prod_name: string;
  prv: number;
  serial: number;
  year: number;
  month: number;
  hwrev: number;
  fwrev: number;
}

export interface mmc_csd {
  structure: number;
  mmca_vsn: number;
  cmdclass: number;
  taac_ns: number;
  taac_clks: number;
  r2w_factor: number;
  max_dtr: number;
  erase_size: number;
  read_blkbits: number;
  write_blkbits: number;
  /** Capacity in 512-byte sectors from C_SIZE (superseded by SEC_COUNT above 2 GiB). */
  capacity: number;
  read_partial: boolean;
  write_partial: boolean;
  dsr_imp: boolean;
}

export interface mmc_ext_csd {
  rev: number;
  raw_card_type: number;
  /** Sectors of the user area. */
  sectors: number;
  part_config: number;
  /** Partition switch time, ms (at least 300 when non-zero, as Linux). */
  part_time: number;
  /** CMD6 default busy time, ms. */
  generic_cmd6_time: number;
  power_off_longtime: number;
  /** Sleep/awake timeout, ns. */
  sa_timeout: number;
  hs_max_dtr: number;
  hs200_max_dtr: number;
  boot_ro_lock: number;
  /** Size of each boot partition in bytes (0 = none). */
  boot_size: number;
  rpmb_size: number;
  erase_group_def: number;
  hc_erase_size: number;
  hc_erase_timeout: number;
  partition_setting_completed: boolean;
  rel_sectors: number;
  rel_param: number;
  sec_feature_support: number;
  trim_timeout: number;
  erased_mem_cont: number;
  hpi: boolean;
  hpi_en: boolean;
  hpi_cmd: number;
  out_of_int_time: number;
  cache_size: number;
  cache_ctrl: boolean;
  power_off_notification: number;
  cmdq_support: boolean;
  cmdq_depth: number;
  cmdq_en: boolean;
  data_sector_size: number;
  /** The 512 bytes as read at init, for the bus-width comparison. */
  raw: Uint8Array;
}

/** Linux's card state flags. */
export const MMC_STATE_BLOCKADDR = 1 << 2;
export const MMC_CARD_REMOVED = 1 << 4;
export const MMC_STATE_SUSPENDED = 1 << 5;

export const MMC_TYPE_MMC = 0;

/** Hardware partitions the block driver may switch to (part_curr / part_type). */
export const EXT_CSD_PART_CONFIG_ACC_USER = 0;

export const MMC_BLK_DATA_AREA_MAIN = 1 << 0;
export const MMC_BLK_DATA_AREA_BOOT = 1 << 1;
export const MMC_BLK_DATA_AREA_GP = 1 << 2;
export const MMC_BLK_DATA_AREA_RPMB = 1 << 3;

/** A hardware partition besides the user area (struct mmc_part). */
export interface mmc_part {
  /** Bytes. */
  readonly size: number;
  /** PARTITION_CONFIG access value that selects it. */
  readonly part_cfg: number;
  /** Disk name suffix: "boot0", "boot1", "rpmb". */
  readonly name: string;
  readonly force_ro: boolean;
  readonly area_type: number;
}

export interface mmc_card {
  readonly host: mmc_host;
  /** "mmc<host>:<rca>": dev_name(&card->dev). */
  readonly dev: device;
  rca: number;
  type: number;
  state: number;
  quirks: number;
  ocr: number;
  raw_cid: [number, number, number, number];
  raw_csd: [number, number, number, number];
  cid: mmc_cid;
  csd: mmc_csd;
  ext_csd: mmc_ext_csd;
  /** Hardware partition currently selected (PARTITION_CONFIG access bits). */
  part_curr: number;
  /** Timing modes both card and host support (EXT_CSD_CARD_TYPE_*). */
  mmc_avail_type: number;
  erase_size: number;
  erased_byte: number;
  /** Boot, GP and RPMB partitions the card has and the host can reach. */
  part: mmc_part[];
}

export const mmc_card_blockaddr = (c: mmc_card): boolean => !!(c.state & MMC_STATE_BLOCKADDR);
export const mmc_card_removed = (c: mmc_card | null): boolean => !!c && !!(c.state & MMC_CARD_REMOVED);
export const mmc_card_suspended = (c: mmc_card): boolean => !!(c.state & MMC_STATE_SUSPENDED);
export const mmc_card_id = (c: mmc_card): string => c.dev.name;
export const mmc_card_name = (c: mmc_card): string => c.cid.prod_name;
