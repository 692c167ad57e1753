// SPDX-License-Identifier: GPL-2.0
// Disks and block devices (linux/blkdev.h, linux/genhd.h): a disk driver provides
// submit(); the block layer scans partitions, names block devices ("mmcblk0p3",
// "mmcblk0boot0") and checks bounds and read-only flags. Sectors are 512 bytes.
import { define_token } from './di.h.ts';
import type { hd_partition } from './genhd.h.ts';

export type req_op = 'read' | 'write';

/** What a disk driver does with one transfer (the queue_rq of our single-queue world). */
export interface block_device_operations {
  /** Transfer @buf at disk sector @sector. Returns 0 or -errno (-EIO for a failed request). Context: may sleep. */
  submit(disk: gendisk, op: req_op, sector: number, buf: Uint8Array): Promise<number>;
}

export interface gendisk {
  readonly disk_name: string;
  /** Capacity in 512-byte sectors. */
  capacity: number;
  readonly fops: block_device_operations;
  /** The driver's data (struct mmc_blk_data for mmcblk). */
  private_data: unknown;
  /** Do not scan for partitions (GENHD_FL_NO_PART, e.g. eMMC boot partitions). */
  readonly no_part: boolean;
  /** Partitions found when the disk was added; index 0 is not used. */
  parts: readonly hd_partition[];
  read_only: boolean;
}

/** The whole disk (partno 0) or one partition of it. */
export interface block_device {
  readonly name: string;
  readonly disk: gendisk;
  readonly partno: number;
  /** First sector on the disk (bd_start_sect). */
  readonly start_sect: number;
  readonly nr_sects: number;
}

export interface block_api {
  alloc_disk(name: string, capacity: number, fops: block_device_operations, options?: { no_part?: boolean; read_only?: boolean }): gendisk;
  /** device_add_disk(): scan partitions (unless no_part) and make the names resolvable. Context: may sleep. */
  add_disk(disk: gendisk): Promise<number>;
  del_gendisk(disk: gendisk): void;
  /** "mmcblk0p3" or "/dev/mmcblk0p3"; null when no such device. */
  lookup_bdev(name: string): block_device | null;
  /** Read @buf.length bytes at sector @sector of @bdev (partition-relative). 0 or -errno. */
  bdev_read(bdev: block_device, sector: number, buf: Uint8Array): Promise<number>;
  /** Write; -EROFS on a read-only disk, -EINVAL past the end or misaligned. */
  bdev_write(bdev: block_device, sector: number, buf: Uint8Array): Promise<number>;
  set_disk_ro(disk: gendisk, read_only: boolean): void;
  readonly disks: readonly gendisk[];
}
export const BLOCK = define_token<block_api>('linux/blkdev#block_api');
