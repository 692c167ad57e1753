// SPDX-License-Identifier: GPL-2.0
// The host lifecycle (drivers/mmc/core/host.c): mmc_alloc_host defaults, mmc_add_host with
// capability validation and the first detection, removal; the core functions host drivers
// call (MMC_HOST_API).
import { inject, injectable } from 'tsyringe';
import { DEVICE, type device, type device_api } from '../../../include/linux/device.h.ts';
import { EINVAL } from '../../../include/linux/errno.h.ts';
import {
  MMC_CAP2_CQE,
  MMC_CAP2_HS400,
  MMC_CAP2_NO_MMC,
  MMC_CAP_8_BIT_DATA,
  MMC_POWER_UNDEFINED,
  type mmc_host,
  type mmc_host_api,
} from '../../../include/linux/mmc/host.h.ts';
import type { mmc_request } from '../../../include/linux/mmc/core.h.ts';
import { SPINLOCK, type spinlock_api } from '../../../include/linux/spinlock.h.ts';
import { WAIT, type wait_api } from '../../../include/linux/wait.h.ts';
import { WORKQUEUE, type workqueue_api } from '../../../include/linux/workqueue.h.ts';
import { MmcCore } from './core.ts';
import { mmc_hostname } from './core.h.ts';
import { MmcRescan } from './rescan.ts';

/** PAGE_SIZE: Linux's default segment and request limits. */
const PAGE_SIZE = 4096;

@injectable()
export class MmcHostCore implements mmc_host_api {
  /** mmc_host_ida: the next free index. */
  private readonly used = new Set<number>();

  constructor(
    @inject(MmcCore) private readonly core: MmcCore,
    @inject(MmcRescan) private readonly rescan: MmcRescan,
    @inject(DEVICE) private readonly dev: device_api,
    @inject(SPINLOCK) private readonly sl: spinlock_api,
    @inject(WAIT) private readonly wait: wait_api,
    @inject(WORKQUEUE) private readonly wq: workqueue_api,
  ) {}

  mmc_alloc_host(parent: device, priv: unknown): mmc_host {
    let index = 0;
    while (this.used.has(index)) index++;
    this.used.add(index);
    const class_dev = this.dev.device_initialize(`mmc${index}`, parent);
    const host: mmc_host = {
      index,
      parent,
      class_dev,
      ops: null!,
      caps: 0,
      caps2: 0,
      f_min: 400_000,
      f_max: 0,
      ocr_avail: 0,
      ocr: 0,
      max_seg_size: PAGE_SIZE,
      max_segs: 1,
      max_req_size: PAGE_SIZE,
      max_blk_size: 512,
      max_blk_count: PAGE_SIZE / 512,
      max_busy_timeout: 0,
      ios: { clock: 0, vdd: 0, power_mode: MMC_POWER_UNDEFINED, bus_mode: 0, bus_width: 0, timing: 0, signal_voltage: 0 },
      lock: this.sl.spin_lock_init(`mmc${index}->lock`),
      claimed: false,
      claimer: null,
      claim_cnt: 0,
      default_ctx: { task: null },
      wq: this.wait.init_waitqueue_head(`mmc${index}->wq`),
      card: null,
      ongoing_mrq: null,
      can_retune: false,
      doing_retune: false,
      retune_now: false,
      need_retune: false,
      hold_retune: 0,
      retune_paused: false,
      retune_period: 0,
      cqe_ops: null,
      cqe_enabled: false,
      cqe_on: false,
      rescan_disable: true,
      rescan_entered: false,
      detect: this.wq.INIT_DELAYED_WORK(() => this.rescan.mmc_rescan(host)),
      removed: false,
      bus_ops: null,
      f_init: 400_000,
      private: priv,
    };
    class_dev.driver_string = 'mmc_host';
    class_dev.driver_data = host;
    return host;
  }

  /** mmc_validate_host_caps(): refuse impossible combinations, drop unusable ones. */
  private validate_caps(host: mmc_host): number {
    if (host.caps2 & MMC_CAP2_CQE && !host.cqe_ops) {
      this.dev.dev_warn(host.parent, 'missing ->cqe_ops');
      return -EINVAL;
    }
    if (host.caps2 & MMC_CAP2_HS400 && !(host.caps & MMC_CAP_8_BIT_DATA) && !(host.caps2 & MMC_CAP2_NO_MMC)) {
      this.dev.dev_warn(host.parent, 'drop HS400 support since no 8-bit bus');
      host.caps2 &= ~MMC_CAP2_HS400;
    }
    return 0;
  }

  async mmc_add_host(host: mmc_host): Promise<number> {
    const err = this.validate_caps(host);
    if (err) return err;
    this.dev.device_add(host.class_dev);
    await this.rescan.mmc_start_host(host, () => this.mmc_detect_change(host, 0));
    return 0;
  }

  async mmc_remove_host(host: mmc_host): Promise<void> {
    await this.rescan.mmc_stop_host(host);
    await this.wq.cancel_delayed_work_sync(host.detect);
    host.removed = true;
    this.dev.device_del(host.class_dev);
  }

  mmc_free_host(host: mmc_host): void {
    this.used.delete(host.index);
  }

  mmc_request_done(host: mmc_host, mrq: mmc_request): void {
    this.core.mmc_request_done(host, mrq);
  }

  mmc_detect_change(host: mmc_host, delay_jiffies: number): void {
    this.wq.mod_delayed_work(this.wq.system_wq, host.detect, delay_jiffies);
  }

  mmc_retune_needed(host: mmc_host): void {
    this.core.retune.mmc_retune_needed(host);
  }

  mmc_hostname(host: mmc_host): string {
    return mmc_hostname(host);
  }
}
