// SPDX-License-Identifier: GPL-2.0
// pstore/blk (fs/pstore/blk.c): the module parameters with Linux's size normalisation,
// register_pstore_device() for drivers such as mmcpstore, pstore_blk_get_config(), and
// best_effort mode over a block device of ours (no panic_write: panics stay in RAM).
import { inject, injectable } from 'tsyringe';
import { BLOCK, type block_api, type block_device } from '../../include/linux/blkdev.h.ts';
import { EBUSY, EINVAL, EIO, ENODEV } from '../../include/linux/errno.h.ts';
import { SECTOR_SIZE } from '../../include/linux/genhd.h.ts';
import { PRINTK, type printk_api } from '../../include/linux/printk.h.ts';
import { PSTORE_FLAGS_CONSOLE, PSTORE_FLAGS_DMESG, PSTORE_FLAGS_FTRACE, PSTORE_FLAGS_PMSG } from '../../include/linux/pstore.h.ts';
import type { pstore_blk_api, pstore_blk_config, pstore_device_info } from '../../include/linux/pstore_blk.h.ts';
import { PSTORE_ZONE, type pstore_zone_api, type pstore_zone_info } from '../../include/linux/pstore_zone.h.ts';
import { IRQFLAGS, type irqflags_api } from '../../include/linux/sched.h.ts';
import { PSTORE_BLK_PARAMS, type pstore_blk_params } from './blk_params.ts';

const UINT_MAX = 0xffffffff;

/** check_size(): KiB to bytes, <= 0 is off; misaligned sizes get ALIGN() of the KiB number (Linux's quirk). */
export const check_size = (kib: number, align: number, log?: (msg: string) => void, name = 'size'): number => {
  let bytes = kib <= 0 ? 0 : kib * 1024;
  if (bytes % align) {
    log?.(`${name} must align to ${align}`);
    bytes = Math.ceil(kib / align) * align;
  }
  return bytes;
};

@injectable()
export class PstoreBlk implements pstore_blk_api {
  /** The registered device's zone (pstore_zone_info in blk.c), or null. */
  private registered: pstore_zone_info | null = null;
  private best_effort_dev: pstore_device_info | null = null;

  constructor(
    @inject(PSTORE_BLK_PARAMS) readonly params: pstore_blk_params,
    @inject(PSTORE_ZONE) private readonly zone: pstore_zone_api,
    @inject(BLOCK) private readonly block: block_api,
    @inject(IRQFLAGS) private readonly irq: irqflags_api,
    @inject(PRINTK) private readonly printk: printk_api,
  ) {}

  private pr_err(msg: string): void {
    this.printk.pr_err(`pstore_blk: ${msg}\n`);
  }

  /** verify_size(): normalise one parameter into @dev, or 0 if the device refuses that frontend. */
  private verify_size(name: keyof pstore_blk_params & `${string}_size`, enabled: boolean): number {
    const bytes = enabled ? check_size(this.params[name], 4096, (m) => this.printk.pr_info(`pstore_blk: ${m}\n`), name) : 0;
    this.params[name] = bytes / 1024;
    return bytes;
  }

  async register_pstore_device(dev: pstore_device_info): Promise<number> {
    if (!dev.zone.total_size) return this.refuse('zero sized device');
    if (!dev.zone.read) return this.refuse('no read handler for device');
    if (!dev.zone.write) return this.refuse('no write handler for device');
    if (this.registered) return -EBUSY;
    if (!dev.flags) dev.flags = UINT_MAX;
    dev.zone.kmsg_size = this.verify_size('kmsg_size', !!(dev.flags & PSTORE_FLAGS_DMESG));
    dev.zone.pmsg_size = this.verify_size('pmsg_size', !!(dev.flags & PSTORE_FLAGS_PMSG));
    dev.zone.console_size = this.verify_size('console_size', !!(dev.flags & PSTORE_FLAGS_CONSOLE));
    dev.zone.ftrace_size = this.verify_size('ftrace_size', !!(dev.flags & PSTORE_FLAGS_FTRACE));
    dev.zone.max_reason = this.params.max_reason;
    dev.zone.name = 'pstore_blk';
    dev.zone.owner = 'pstore_blk';
    const ret = await this.zone.register_pstore_zone(dev.zone);
    if (!ret) this.registered = dev.zone;
    return ret;
  }

  private refuse(msg: string): number {
    this.pr_err(msg);
    return -EINVAL;
  }

  async unregister_pstore_device(dev: pstore_device_info): Promise<void> {
    if (this.registered !== dev.zone) return;
    await this.zone.unregister_pstore_zone(dev.zone);
    this.registered = null;
  }

  pstore_blk_get_config(info: pstore_blk_config): number {
    const p = this.params;
    info.device = p.blkdev;
    info.max_reason = p.max_reason;
    info.kmsg_size = check_size(p.kmsg_size, 4096);
    info.pmsg_size = check_size(p.pmsg_size, 4096);
    info.ftrace_size = check_size(p.ftrace_size, 4096);
    info.console_size = check_size(p.console_size, 4096);
    return 0;
  }

  /** pstore_blk_init() (late_initcall): best_effort on a plain block device, if asked for. */
  async pstore_blk_init(): Promise<number> {
    if (this.registered || !this.params.best_effort || !this.params.blkdev) return 0;
    return this.__best_effort_init(this.params.blkdev);
  }

  async pstore_blk_exit(): Promise<void> {
    if (this.best_effort_dev) await this.unregister_pstore_device(this.best_effort_dev);
    this.best_effort_dev = null;
  }

  private async __best_effort_init(blkdev: string): Promise<number> {
    const bdev = this.block.lookup_bdev(blkdev);
    if (!bdev) {
      this.pr_err(`failed to open '${blkdev}': ${-ENODEV}!`);
      return -ENODEV;
    }
    const dev: pstore_device_info = {
      flags: 0,
      zone: {
        owner: null,
        name: '',
        total_size: bdev.nr_sects * SECTOR_SIZE,
        kmsg_size: 0,
        pmsg_size: 0,
        console_size: 0,
        ftrace_size: 0,
        max_reason: 0,
        read: (buf, off) => this.psblk_generic_blk_read(bdev, buf, off),
        write: (buf, off) => this.psblk_generic_blk_write(bdev, buf, off),
      },
    };
    const ret = await this.register_pstore_device(dev);
    if (ret) return ret;
    this.best_effort_dev = dev;
    this.printk.pr_info(`pstore_blk: attached ${blkdev} (${dev.zone.total_size}) (no dedicated panic_write!)\n`);
    return 0;
  }

  private async psblk_generic_blk_read(bdev: block_device, buf: Uint8Array, off: number): Promise<number> {
    if (!buf.length) return 0;
    const { first, sectors } = span(off, buf.length);
    const tmp = new Uint8Array(sectors * SECTOR_SIZE);
    if (await this.block.bdev_read(bdev, first, tmp)) return -EIO;
    buf.set(tmp.subarray(off - first * SECTOR_SIZE, off - first * SECTOR_SIZE + buf.length));
    return buf.length;
  }

  /** kernel_write() on the device; console and ftrace writes come with interrupts off: not now. */
  private async psblk_generic_blk_write(bdev: block_device, buf: Uint8Array, off: number): Promise<number> {
    if (this.irq.in_interrupt() || this.irq.irqs_disabled()) return -EBUSY;
    if (!buf.length) return 0;
    const { first, sectors } = span(off, buf.length);
    const tmp = new Uint8Array(sectors * SECTOR_SIZE);
    const aligned = off % SECTOR_SIZE === 0 && buf.length % SECTOR_SIZE === 0;
    if (!aligned && (await this.block.bdev_read(bdev, first, tmp))) return -EIO;
    tmp.set(buf, off - first * SECTOR_SIZE);
    if (await this.block.bdev_write(bdev, first, tmp)) return -EIO;
    return buf.length;
  }
}

/** The sectors covering [off, off + len). */
const span = (off: number, len: number) => {
  const first = Math.floor(off / SECTOR_SIZE);
  const last = Math.floor((off + len - 1) / SECTOR_SIZE);
  return { first, sectors: last - first + 1 };
};
