// SPDX-License-Identifier: GPL-2.0
// What the partition-table parsers hand a disk driver (linux/blkdev.h, block/partitions/check.h):
// the partitions found, and the lines Linux prints while finding them.
import type { token } from './di.h.ts';

/** linux/blk_types.h: the block layer counts in 512-byte sectors, whatever the device. */
export const SECTOR_SIZE = 512;
/** linux/blkdev.h: partitions a disk can have, the whole disk included as number 0. */
export const DISK_MAX_PARTS = 256;

/** One partition found (struct parsed_partitions' parts[] with its partition_meta_info). */
export interface hd_partition {
  readonly partno: number;
  readonly start_sect: number;
  readonly nr_sects: number;
  /** GPT name as Linux's volname (PARTNAME=); absent when empty, as for MBR. */
  readonly volname?: string;
  /** PARTUUID, lower-case: %pUl of the GPT unique GUID, or "%08x-%02x" of MBR signature and number. */
  readonly uuid?: string;
}

/** Read @count 512-byte sectors at @sector; null on I/O error. Context: may sleep. */
export type read_sectors_fn = (sector: number, count: number) => Promise<Uint8Array | null>;

export interface parsed_partitions {
  /** Partitions in ascending partno order. */
  readonly parts: readonly hd_partition[];
  /**
   * The KERN_INFO line Linux prints, e.g. " mmcblk0: p1 p2 p3" or " mmcblk0: p1 p2 < p5 p6 >",
   * without its newline; '' when Linux prints nothing (no table recognised, no I/O error).
   */
  readonly message: string;
  /** KERN_WARNING lines printed while parsing (the "GPT:..." lines), in order, before @message. */
  readonly warnings: readonly string[];
  /** pr_debug lines (silent unless dynamic debug is on): why a GPT was rejected. */
  readonly debug: readonly string[];
  /**
   * 0, or what check_partition() returns as ERR_PTR when no table was recognised: -1 when a
   * parser hit an I/O error (msdos returns -1, not an errno), -ENOSPC when a read went past the
   * end of the disk. blk_add_partitions() turns either into -EIO.
   */
  readonly err: number;
}

export interface check_partition_options {
  /** The "gpt" kernel parameter: ignore the protective MBR and try the alternate GPT too. */
  readonly force_gpt?: boolean;
  /** block_device_operations.alternative_gpt_sector (mmc: the host's), tried under force_gpt. */
  readonly alternative_gpt_sector?: number;
  /** state->limit: partition numbers stay below it. Default DISK_MAX_PARTS. */
  readonly limit?: number;
}

/** Name of partition @partno of @disk: "mmcblk0p1" after a digit, "sda1" otherwise (bdevname). */
export const disk_partition_name = (disk: string, partno: number): string =>
  /[0-9]$/.test(disk) ? `${disk}p${partno}` : `${disk}${partno}`;

export interface partitions_api {
  /**
   * check_partition() - read the partition table of a disk of @capacity 512-byte sectors,
   * trying GPT then MBR (CONFIG_EFI_PARTITION, CONFIG_MSDOS_PARTITION).
   * Context: may sleep (every read may).
   */
  check_partition(disk_name: string, capacity: number, read: read_sectors_fn, options?: check_partition_options): Promise<parsed_partitions>;
}
// What define_token() does, spelled out so that this header, and the parsers with it, load
// without tsyringe: tools and browsers read partition tables without a DI container.
export const PARTITIONS = Symbol('linux/genhd#partitions_api') as token<partitions_api>;
