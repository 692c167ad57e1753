// SPDX-License-Identifier: GPL-2.0
// The block layer's disk registry and I/O entry (block/genhd.c, block/bdev.c, blk-core bounds
// checks): partitions scanned on add_disk, block devices by name, reads and writes bounded by
// the device and refused on read-only disks.
import { inject, injectable } from 'tsyringe';
import type { block_api, block_device, block_device_operations, gendisk, req_op } from '../include/linux/blkdev.h.ts';
import { EINVAL, EROFS } from '../include/linux/errno.h.ts';
import { SECTOR_SIZE, disk_partition_name } from '../include/linux/genhd.h.ts';
import { KERN_INFO, KERN_WARNING, PRINTK, type printk_api } from '../include/linux/printk.h.ts';
import { check_partition } from './partitions/check.ts';

@injectable()
export class Genhd implements block_api {
  private readonly list: gendisk[] = [];
  private readonly bdevs = new Map<string, block_device>();

  constructor(@inject(PRINTK) private readonly printk: printk_api) {}

  get disks(): readonly gendisk[] {
    return this.list;
  }

  alloc_disk(name: string, capacity: number, fops: block_device_operations, options: { no_part?: boolean; read_only?: boolean } = {}): gendisk {
    return { disk_name: name, capacity, fops, private_data: null, no_part: options.no_part ?? false, parts: [], read_only: options.read_only ?? false };
  }

  async add_disk(disk: gendisk): Promise<number> {
    this.list.push(disk);
    this.bdevs.set(disk.disk_name, { name: disk.disk_name, disk, partno: 0, start_sect: 0, nr_sects: disk.capacity });
    if (disk.no_part) return 0;
    const read = async (sector: number, count: number): Promise<Uint8Array | null> => {
      const buf = new Uint8Array(count * SECTOR_SIZE);
      return (await disk.fops.submit(disk, 'read', sector, buf)) ? null : buf;
    };
    const found = await check_partition(disk.disk_name, disk.capacity, read);
    for (const w of found.warnings) this.printk.printk(KERN_WARNING + w + '\n');
    if (found.message) this.printk.printk(KERN_INFO + found.message + '\n');
    disk.parts = found.parts;
    for (const p of found.parts) {
      const name = disk_partition_name(disk.disk_name, p.partno);
      this.bdevs.set(name, { name, disk, partno: p.partno, start_sect: p.start_sect, nr_sects: p.nr_sects });
    }
    return 0;
  }

  del_gendisk(disk: gendisk): void {
    for (const [name, b] of [...this.bdevs]) if (b.disk === disk) this.bdevs.delete(name);
    this.list.splice(this.list.indexOf(disk), 1);
  }

  lookup_bdev(name: string): block_device | null {
    return this.bdevs.get(name.replace(/^\/dev\//, '')) ?? null;
  }

  bdev_read(bdev: block_device, sector: number, buf: Uint8Array): Promise<number> {
    return this.submit(bdev, 'read', sector, buf);
  }

  bdev_write(bdev: block_device, sector: number, buf: Uint8Array): Promise<number> {
    if (bdev.disk.read_only) return Promise.resolve(-EROFS);
    return this.submit(bdev, 'write', sector, buf);
  }

  set_disk_ro(disk: gendisk, read_only: boolean): void {
    disk.read_only = read_only;
  }

  /** Not async: the driver's promise is the caller's, without another hop per request. */
  private submit(bdev: block_device, op: req_op, sector: number, buf: Uint8Array): Promise<number> {
    const sectors = buf.length / SECTOR_SIZE;
    if (!Number.isInteger(sectors) || !Number.isInteger(sector) || sector < 0 || sector + sectors > bdev.nr_sects) return Promise.resolve(-EINVAL);
    if (!sectors) return Promise.resolve(0);
    return bdev.disk.fops.submit(bdev.disk, op, bdev.start_sect + sector, buf);
  }
}
