// SPDX-License-Identifier: GPL-2.0
// mmcpstore (drivers/mmc/core/mmcpstore.c of the 2026 series): a pstore/blk device on an eMMC
// partition. Built in, mmc_blk_probe() hands it every card and it takes the one pstore_blk.blkdev
// names; as a module, module_init looks the card up with mmc_blk_get_card_by_name(). Normal reads
// and writes go through the claimed host; the panic write is the patch variant's.
import { inject, injectable, type DependencyContainer } from 'tsyringe';
import { BLOCK, type block_api, type gendisk } from '../../../include/linux/blkdev.h.ts';
import { EBUSY, EINVAL, EIO, ENODEV, ENOMSG, ENOSPC, ETIMEDOUT } from '../../../include/linux/errno.h.ts';
import { mmc_card_id, type mmc_card } from '../../../include/linux/mmc/card.h.ts';
import { MMC_CAP_NONREMOVABLE } from '../../../include/linux/mmc/host.h.ts';
import * as X from '../../../include/linux/mmc/mmc.h.ts';
import { MMC_PANIC_VARIANT, type mmcpstore_panic_target } from '../../../include/linux/mmc/panic.h.ts';
import { MACHINE_CONTAINER } from '../../../include/linux/module.h.ts';
import { CLOCK, type clock_api } from '../../../include/linux/ktime.h.ts';
import { MUTEX, type mutex_api } from '../../../include/linux/mutex.h.ts';
import { NOTIFY_DONE, NOTIFY_OK } from '../../../include/linux/notifier.h.ts';
import { PM_RUNTIME, type pm_runtime_api } from '../../../include/linux/pm_runtime.h.ts';
import { PRINTK, type printk_api } from '../../../include/linux/printk.h.ts';
import { PSTORE_FLAGS_CONSOLE, PSTORE_FLAGS_DMESG, PSTORE_FLAGS_FTRACE, PSTORE_FLAGS_PMSG } from '../../../include/linux/pstore.h.ts';
import { PSTORE_BLK, type pstore_blk_api, type pstore_blk_config, type pstore_device_info } from '../../../include/linux/pstore_blk.h.ts';
import { REBOOT, SYS_HALT, SYS_POWER_OFF, SYS_RESTART, type reboot_api } from '../../../include/linux/reboot.h.ts';
import { IRQFLAGS, type irqflags_api } from '../../../include/linux/sched.h.ts';
import { PM_POST_SUSPEND, PM_SUSPEND_PREPARE, SUSPEND, type suspend_api } from '../../../include/linux/suspend.h.ts';
import { MmcBlock } from './block.ts';
import { MmcCore } from './core.ts';
import { MmcAttach } from './mmc.ts';
import { MmcOps } from './mmc_ops.ts';
import { MMCPSTORE_PARAMS, type mmcpstore_params } from './mmcpstore_params.ts';
import { mmcpstore_do_request, mmcpstore_mrq, mmcpstore_mrq_error } from './mmcpstore_req.ts';

export type mmcpstore_state = 'UNINITIALIZED' | 'INITIALIZING' | 'READY' | 'SUSPENDED' | 'SHUTDOWN' | 'ERROR';

/** The series' 256 KiB bounce buffer for unaligned pieces. */
const BOUNCE_BYTES = 256 * 1024;
/** Room pstore/zone needs beyond the records (the series' "metadata"). */
const METADATA_BYTES = 1024;

/** A panic write as the driver saw it: where, how much, what came back. */
export interface mmcpstore_panic_log {
  readonly off: number;
  readonly size: number;
  readonly ret: number;
  /** Virtual time the write started and ended, ns. */
  readonly start: number;
  readonly end: number;
}

@injectable()
export class Mmcpstore {
  state: mmcpstore_state = 'UNINITIALIZED';
  /** The window: card, first card sector, bytes, bounce buffer. */
  target: mmcpstore_panic_target | null = null;
  readonly panic_log: mmcpstore_panic_log[] = [];
  /**
   * What pstore/zone handed each panic write, copied as the call began: the window's content
   * had every panic write completed (what a power cut during one is held against).
   */
  readonly panic_buffers: { readonly off: number; readonly data: Uint8Array }[] = [];
  private dev: pstore_device_info | null = null;
  private readonly lock;
  private readonly pm_nb = { priority: 0x7fffffff, notifier_call: (_nb: unknown, action: number) => this.pm_notifier(action) };
  private readonly reboot_nb = { notifier_call: (_nb: unknown, action: number) => this.reboot_notifier(action) };

  constructor(
    @inject(MMCPSTORE_PARAMS) private readonly params: mmcpstore_params,
    @inject(PSTORE_BLK) private readonly pblk: pstore_blk_api,
    @inject(MmcBlock) private readonly mmcblk: MmcBlock,
    @inject(MmcCore) private readonly core: MmcCore,
    @inject(MmcOps) private readonly ops: MmcOps,
    @inject(MmcAttach) private readonly attach: MmcAttach,
    @inject(BLOCK) private readonly block: block_api,
    @inject(MUTEX) private readonly mx: mutex_api,
    @inject(IRQFLAGS) private readonly irq: irqflags_api,
    @inject(PM_RUNTIME) private readonly rpm: pm_runtime_api,
    @inject(SUSPEND) private readonly suspend: suspend_api,
    @inject(REBOOT) private readonly reboot: reboot_api,
    @inject(PRINTK) private readonly printk: printk_api,
    @inject(MACHINE_CONTAINER) private readonly c: DependencyContainer,
    @inject(CLOCK) private readonly clock: clock_api,
  ) {
    this.lock = mx.mutex_init('mmcpstore->lock');
  }

  private pr(level: 'err' | 'info' | 'warn', msg: string): void {
    this.printk[level === 'err' ? 'pr_err' : level === 'warn' ? 'pr_warn' : 'pr_info'](`mmcpstore: ${msg}\n`);
  }

  private config(): pstore_blk_config {
    const conf: pstore_blk_config = { device: '', max_reason: 0, kmsg_size: 0, pmsg_size: 0, console_size: 0, ftrace_size: 0 };
    this.pblk.pstore_blk_get_config(conf);
    return conf;
  }

  /** "/dev/mmcblk0p3" → "mmcblk0": the disk the configured device is on. */
  private static base_name(device: string): string {
    return device.replace(/^\/dev\//, '').replace(/p\d+$/, '');
  }

  // ---- discovery --------------------------------------------------------------------------

  /** mmcpstore_card_add() - the builtin hook in mmc_blk_probe(): take @card if it is the configured one. */
  async mmcpstore_card_add(card: mmc_card, disk: gendisk): Promise<void> {
    const conf = this.config();
    if (!conf.device || this.target) return;
    if (Mmcpstore.base_name(conf.device) !== disk.disk_name) return;
    if (!(card.host.caps & MMC_CAP_NONREMOVABLE)) return;
    await this.register_for_card(card, conf);
  }

  /** mmcpstore_card_remove() - mmc_blk_remove() calls this first: unregister before the card goes. */
  async mmcpstore_card_remove(card: mmc_card): Promise<void> {
    if (this.target?.card === card) await this.unregister();
  }

  /** The module path: find the card by name. */
  async mmcpstore_init_module(): Promise<number> {
    const conf = this.config();
    if (!conf.device) {
      this.pr('err', 'no device: set pstore_blk.blkdev');
      return -EINVAL;
    }
    const base = Mmcpstore.base_name(conf.device);
    const card = this.mmcblk.mmc_blk_get_card_by_name(base);
    if (!card) {
      this.pr('err', `card ${base} not found`);
      return -ENODEV;
    }
    if (!(card.host.caps & MMC_CAP_NONREMOVABLE)) {
      this.pr('err', `${mmc_card_id(card)} is removable; only non-removable cards are supported`);
      return -EINVAL;
    }
    return this.register_for_card(card, conf);
  }

  /** mmcpstore_register_for_card(): the window, the size checks, registration with pstore/blk. */
  private async register_for_card(card: mmc_card, conf: pstore_blk_config): Promise<number> {
    const bdev = this.block.lookup_bdev(conf.device);
    if (!bdev) {
      this.pr('err', `cannot open ${conf.device}`);
      return -ENODEV;
    }
    let start_sect = bdev.start_sect;
    let size = bdev.nr_sects * 512;
    const { sector_offset, sector_count } = this.params;
    if (sector_offset || sector_count) {
      if (!sector_count || sector_offset + sector_count > bdev.nr_sects) {
        this.pr('err', `sector window ${sector_offset}+${sector_count} does not fit in ${conf.device} (${bdev.nr_sects} sectors)`);
        return -EINVAL;
      }
      start_sect += sector_offset;
      size = sector_count * 512;
    }
    const needed = conf.pmsg_size + conf.console_size + conf.ftrace_size + conf.kmsg_size + METADATA_BYTES;
    if (!conf.kmsg_size || size < needed) {
      this.pr('err', `${conf.device} is too small: ${size} bytes, need at least ${needed}`);
      return -ENOSPC;
    }
    this.state = 'INITIALIZING';
    const self = this;
    this.target = {
      card,
      start_sect,
      size,
      bounce: new Uint8Array(BOUNCE_BYTES),
      get state() {
        return self.state;
      },
    };
    const flags =
      (conf.kmsg_size ? PSTORE_FLAGS_DMESG : 0) |
      (conf.pmsg_size ? PSTORE_FLAGS_PMSG : 0) |
      (conf.console_size ? PSTORE_FLAGS_CONSOLE : 0) |
      (conf.ftrace_size ? PSTORE_FLAGS_FTRACE : 0);
    const dev: pstore_device_info = {
      flags,
      zone: {
        owner: 'mmcpstore',
        name: 'mmcpstore',
        total_size: size,
        kmsg_size: conf.kmsg_size,
        pmsg_size: conf.pmsg_size,
        console_size: conf.console_size,
        ftrace_size: conf.ftrace_size,
        max_reason: conf.max_reason,
        read: (buf, off) => this.mmcpstore_read_zone(buf, off),
        write: (buf, off) => this.mmcpstore_write(buf, off),
        panic_write: (buf, off) => this.mmcpstore_panic_write(buf, off),
      },
    };
    // READY first: pstore/zone reads the zones back while registering.
    this.state = 'READY';
    const ret = await this.pblk.register_pstore_device(dev);
    if (ret) {
      this.pr('err', `register_pstore_device failed: ${ret}`);
      this.state = 'ERROR';
      this.target = null;
      return ret;
    }
    this.dev = dev;
    this.suspend.register_pm_notifier(this.pm_nb);
    this.reboot.register_reboot_notifier(this.reboot_nb);
    this.pr('info', `${conf.device} (${size} bytes at sector ${start_sect}) registered`);
    return 0;
  }

  async unregister(): Promise<void> {
    if (!this.dev) return;
    this.suspend.unregister_pm_notifier(this.pm_nb);
    this.reboot.unregister_reboot_notifier(this.reboot_nb);
    await this.pblk.unregister_pstore_device(this.dev);
    this.dev = null;
    this.target = null;
    this.state = 'UNINITIALIZED';
  }

  // ---- normal I/O ---------------------------------------------------------------------------

  /** Read errors a broken zone would give become -ENOMSG ("empty, try the next"). */
  private async mmcpstore_read_zone(buf: Uint8Array, off: number): Promise<number> {
    const ret = await this.normal_io(false, buf, off);
    return ret === -EIO || ret === -ETIMEDOUT ? -ENOMSG : ret;
  }

  /** Writes sleep: from atomic context the answer is "not now" and pstore/zone flushes later. */
  private async mmcpstore_write(buf: Uint8Array, off: number): Promise<number> {
    if (!this.irq.preemptible()) return -EBUSY;
    return this.normal_io(true, buf, off);
  }

  /**
   * The normal path: our mutex, then the host claim; CMDQ off and the user area selected for the
   * duration (only card->ext_csd.part_config is updated, not mmcblk's part_curr, as in the series).
   */
  private async normal_io(write: boolean, buf: Uint8Array, off: number): Promise<number> {
    const t = this.target;
    if (this.state !== 'READY' || !t) return -ENODEV;
    if (off < 0 || off + buf.length > t.size) return -EINVAL;
    const card = t.card;
    const host = card.host;
    const variant = this.c.resolve(MMC_PANIC_VARIANT);
    await this.mx.mutex_lock(this.lock);
    if (variant.normal_gets_card) await this.core.mmc_get_card(card, null);
    else await this.core.mmc_claim_host(host);
    try {
      const reenable_cmdq = card.ext_csd.cmdq_en;
      if (reenable_cmdq) await this.attach.mmc_cmdq_switch(card, false);
      if (variant.normal_to_user) {
        const err = await variant.normal_to_user(card);
        if (err) return err;
      } else if (card.ext_csd.part_config & X.EXT_CSD_PART_CONFIG_ACC_MASK) {
        const part_config = card.ext_csd.part_config & ~X.EXT_CSD_PART_CONFIG_ACC_MASK;
        const err = await this.ops.mmc_switch(card, X.EXT_CSD_CMD_SET_NORMAL, X.EXT_CSD_PART_CONFIG, part_config, card.ext_csd.part_time);
        if (err) return err;
        card.ext_csd.part_config = part_config;
      }
      await this.ops.mmc_send_status(card);
      const ret = await mmcpstore_do_request(t, async (w, sector, chunk) => {
        const built = mmcpstore_mrq(card, w, sector, chunk);
        const mrq = variant.normal_mrq?.(built) ?? built;
        await this.core.mmc_wait_for_req(host, mrq);
        return mmcpstore_mrq_error(mrq);
      }, write, buf, off);
      if (reenable_cmdq) await this.attach.mmc_cmdq_switch(card, true);
      return ret;
    } finally {
      if (variant.normal_gets_card) await this.core.mmc_put_card(card, null);
      else await this.core.mmc_release_host(host);
      this.mx.mutex_unlock(this.lock);
    }
  }

  /** The registered pstore/blk device (zone sizes as pstore_blk settled them), or null. */
  get device(): pstore_device_info | null {
    return this.dev;
  }

  // ---- panic ------------------------------------------------------------------------------

  /** The panic write: in bounds, then the variant's strategy (which checks the state). Context: panic. */
  private async mmcpstore_panic_write(buf: Uint8Array, off: number): Promise<number> {
    const t = this.target;
    const start = this.clock.now;
    let ret: number;
    if (!t) ret = -ENODEV;
    else if (off < 0 || off + buf.length > t.size) ret = -EINVAL;
    else {
      this.panic_buffers.push({ off, data: buf.slice() });
      ret = await this.c.resolve(MMC_PANIC_VARIANT).panic_write(t, buf, off);
    }
    this.panic_log.push({ off, size: buf.length, ret, start, end: this.clock.now });
    return ret;
  }

  // ---- notifiers ----------------------------------------------------------------------------

  /** PM_SUSPEND_PREPARE: refuse everything; PM_POST_SUSPEND: resume the card, then READY. */
  private async pm_notifier(action: number): Promise<number> {
    if (action === PM_SUSPEND_PREPARE && this.state === 'READY') {
      this.state = 'SUSPENDED';
      return NOTIFY_OK;
    }
    if (action === PM_POST_SUSPEND && this.state === 'SUSPENDED' && this.target) {
      const dev = this.target.card.dev;
      await this.rpm.pm_runtime_get_sync(dev);
      this.rpm.pm_runtime_mark_last_busy(dev);
      this.rpm.pm_runtime_put_autosuspend(dev);
      this.state = 'READY';
      return NOTIFY_OK;
    }
    return NOTIFY_DONE;
  }

  /** Unregister on restart, halt and power-off, so a shutdown dump cannot hang on the card. */
  private async reboot_notifier(action: number): Promise<number> {
    if (action !== SYS_RESTART && action !== SYS_HALT && action !== SYS_POWER_OFF) return NOTIFY_DONE;
    this.state = 'SHUTDOWN';
    await this.unregister();
    this.state = 'SHUTDOWN';
    return NOTIFY_OK;
  }
}

