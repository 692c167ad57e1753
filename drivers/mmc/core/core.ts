// SPDX-License-Identifier: GPL-2.0
// The request engine and host claiming (drivers/mmc/core/core.c): claim with nesting and
// runtime PM of the controller, request start and completion with retries, bus settings,
// power sequencing, data timeouts.
import { inject, injectable } from 'tsyringe';
import { BUG, type bug_api } from '../../../include/linux/bug.h.ts';
import { COMPLETION, type completion_api } from '../../../include/linux/completion.h.ts';
import { DELAY, type delay_api } from '../../../include/linux/delay.h.ts';
import { EILSEQ, EINVAL, ENOMEDIUM } from '../../../include/linux/errno.h.ts';
import { mmc_card_removed, type mmc_card } from '../../../include/linux/mmc/card.h.ts';
import { MMC_DATA_WRITE, type mmc_command, type mmc_data, type mmc_request, mmc_request_init } from '../../../include/linux/mmc/core.h.ts';
import {
  MMC_BUSMODE_OPENDRAIN,
  MMC_BUS_WIDTH_1,
  MMC_CAP_SYNC_RUNTIME_PM,
  MMC_POWER_OFF,
  MMC_POWER_ON,
  MMC_POWER_UP,
  MMC_SIGNAL_VOLTAGE_330,
  MMC_TIMING_LEGACY,
  type mmc_ctx,
  type mmc_host,
} from '../../../include/linux/mmc/host.h.ts';
import { PM_RUNTIME, type pm_runtime_api } from '../../../include/linux/pm_runtime.h.ts';
import { PRINTK, type printk_api } from '../../../include/linux/printk.h.ts';
import { SCHED, type sched_api, type task_struct } from '../../../include/linux/sched.h.ts';
import { SPINLOCK, type spinlock_api } from '../../../include/linux/spinlock.h.ts';
import { TRACE, type trace_api } from '../../../include/linux/trace.h.ts';
import { WAIT, type wait_api } from '../../../include/linux/wait.h.ts';
import { mmc_hostname } from './core.h.ts';
import { Retune } from './retune.ts';

/** How long to let the supply settle after power-up (ios.power_delay_ms default). */
const POWER_DELAY_MS = 10;

/** A CRC error in a command or data phase (mmc_request_done() asks for re-tuning on one). */
const crc_err = (c: mmc_command | mmc_data | null): boolean => c?.error === -EILSEQ;

@injectable()
export class MmcCore {
  constructor(
    @inject(SCHED) private readonly sched: sched_api,
    @inject(SPINLOCK) private readonly sl: spinlock_api,
    @inject(WAIT) private readonly wait: wait_api,
    @inject(COMPLETION) private readonly comp: completion_api,
    @inject(PM_RUNTIME) private readonly rpm: pm_runtime_api,
    @inject(DELAY) private readonly delay: delay_api,
    @inject(PRINTK) private readonly printk: printk_api,
    @inject(BUG) private readonly bug: bug_api,
    @inject(Retune) readonly retune: Retune,
    @inject(TRACE) private readonly trace: trace_api,
  ) {}

  // ---- claiming -------------------------------------------------------------------------

  private ctx_matches(host: mmc_host, ctx: mmc_ctx | null, task: task_struct | null): boolean {
    return host.claimer === ctx || (!ctx && !!task && host.claimer?.task === task);
  }

  /**
   * __mmc_claim_host() - wait until the host is free or already ours, then claim it; the first
   * claim resumes the controller. Returns true if @abort stopped the wait.
   * Context: may sleep.
   */
  async __mmc_claim_host(host: mmc_host, ctx: mmc_ctx | null, abort: { value: boolean } | null = null): Promise<boolean> {
    const task = ctx ? null : this.sched.current;
    this.sched.might_sleep();
    let flags = await this.sl.spin_lock_irqsave(host.lock);
    let stop = false;
    for (;;) {
      stop = abort?.value ?? false;
      if (stop || !host.claimed || this.ctx_matches(host, ctx, task)) break;
      this.sl.spin_unlock_irqrestore(host.lock, flags);
      await this.wait.wait_event(host.wq, () => !!abort?.value || !host.claimed || this.ctx_matches(host, ctx, task));
      flags = await this.sl.spin_lock_irqsave(host.lock);
    }
    let pm = false;
    if (!stop) {
      host.claimed = true;
      if (!host.claimer) host.claimer = ctx ?? host.default_ctx;
      if (task) host.claimer.task = task;
      if (++host.claim_cnt === 1) pm = true;
    } else this.wait.wake_up(host.wq);
    this.sl.spin_unlock_irqrestore(host.lock, flags);
    if (pm) await this.rpm.pm_runtime_get_sync(host.parent);
    return stop;
  }

  mmc_claim_host(host: mmc_host): Promise<boolean> {
    return this.__mmc_claim_host(host, null, null);
  }

  /** mmc_release_host() - drop one claim; the last one lets the controller autosuspend. */
  async mmc_release_host(host: mmc_host): Promise<void> {
    this.bug.WARN_ON(!host.claimed, 'mmc_release_host: host not claimed');
    const flags = await this.sl.spin_lock_irqsave(host.lock);
    if (--host.claim_cnt) {
      this.sl.spin_unlock_irqrestore(host.lock, flags);
      return;
    }
    host.claimed = false;
    if (host.claimer) host.claimer.task = null;
    host.claimer = null;
    this.sl.spin_unlock_irqrestore(host.lock, flags);
    this.wait.wake_up(host.wq);
    this.rpm.pm_runtime_mark_last_busy(host.parent);
    if (host.caps & MMC_CAP_SYNC_RUNTIME_PM) await this.rpm.pm_runtime_put_sync(host.parent);
    else this.rpm.pm_runtime_put_autosuspend(host.parent);
  }

  /** mmc_get_card() - resume the card and claim its host. Context: may sleep. */
  async mmc_get_card(card: mmc_card, ctx: mmc_ctx | null): Promise<void> {
    await this.rpm.pm_runtime_get_sync(card.dev);
    await this.__mmc_claim_host(card.host, ctx, null);
  }

  async mmc_put_card(card: mmc_card, ctx: mmc_ctx | null): Promise<void> {
    const host = card.host;
    this.bug.WARN_ON(!!ctx && host.claimer !== ctx, 'mmc_put_card: not the claimer');
    await this.mmc_release_host(host);
    this.rpm.pm_runtime_mark_last_busy(card.dev);
    this.rpm.pm_runtime_put_autosuspend(card.dev);
  }

  // ---- requests -------------------------------------------------------------------------

  private mmc_mrq_prep(host: mmc_host, mrq: mmc_request): number {
    mrq.cmd.error = 0;
    mrq.cmd.mrq = mrq;
    mrq.cmd.data = mrq.data;
    if (mrq.sbc) {
      mrq.sbc.error = 0;
      mrq.sbc.mrq = mrq;
    }
    const d = mrq.data;
    if (d) {
      if (d.blksz > host.max_blk_size || d.blocks > host.max_blk_count || d.blocks * d.blksz > host.max_req_size) return -EINVAL;
      if (d.buf.length !== d.blocks * d.blksz) return -EINVAL;
      d.error = 0;
      d.mrq = mrq;
      if (mrq.stop) {
        d.stop = mrq.stop;
        mrq.stop.error = 0;
        mrq.stop.mrq = mrq;
      }
    }
    return 0;
  }

  /**
   * mmc_start_request() - hold re-tuning and hand @mrq to the driver; completion comes through
   * mmc_request_done(). Returns -ENOMEDIUM or -EINVAL without starting. Context: may sleep
   * (re-tuning), unless the caller ensured no re-tune is due.
   */
  async mmc_start_request(host: mmc_host, mrq: mmc_request): Promise<number> {
    // Only a cap_cmd_during_tfr caller waits for the command phase: no completion otherwise.
    mrq.cmd_completion = mrq.cap_cmd_during_tfr ? this.comp.init_completion() : null;
    this.retune.mmc_retune_hold(host);
    if (mmc_card_removed(host.card) || host.removed) return -ENOMEDIUM;
    this.bug.WARN_ON(!host.claimed, 'mmc_start_request: host not claimed');
    const err = this.mmc_mrq_prep(host, mrq);
    if (err) return err;
    await this.__mmc_start_request(host, mrq);
    return 0;
  }

  async __mmc_start_request(host: mmc_host, mrq: mmc_request): Promise<void> {
    const tuned = this.retune.mmc_retune(host);
    const err = typeof tuned === 'number' ? tuned : await tuned;
    if (err) {
      mrq.cmd.error = err;
      this.mmc_request_done(host, mrq);
      return;
    }
    if (mrq.cap_cmd_during_tfr) {
      host.ongoing_mrq = mrq;
      this.comp.reinit_completion(mrq.cmd_completion!);
    }
    if (host.cqe_on) await host.cqe_ops!.cqe_off(host);
    if (this.trace.enabled) this.trace.mmc_request_start(mmc_hostname(host), mrq);
    const started = host.ops.request(host, mrq);
    if (started) await started;
  }

  /** mmc_request_done() - the driver finished @mrq. Context: any (interrupt handlers). */
  mmc_request_done(host: mmc_host, mrq: mmc_request): void {
    if (this.trace.enabled) this.trace.mmc_request_done(mmc_hostname(host), mrq);
    const cmd = mrq.cmd;
    if (cmd.opcode !== 21 && (crc_err(cmd) || crc_err(mrq.sbc) || crc_err(mrq.data) || crc_err(mrq.stop))) this.retune.mmc_retune_needed(host);
    if (host.ongoing_mrq === mrq) host.ongoing_mrq = null;
    if (mrq.cmd_completion) this.comp.complete_all(mrq.cmd_completion);
    mrq.done?.(mrq);
  }

  /** mmc_wait_done(): the done callback of a request someone waits for; one for all requests. */
  private readonly mmc_wait_done = (mrq: mmc_request): void => this.comp.complete(mrq.completion!);

  /** __mmc_start_req(): start with a completion to wait on. */
  private async __mmc_start_req(host: mmc_host, mrq: mmc_request): Promise<number> {
    const c = this.comp.init_completion();
    mrq.completion = c;
    mrq.done = this.mmc_wait_done;
    const err = await this.mmc_start_request(host, mrq);
    if (err) {
      mrq.cmd.error = err;
      if (mrq.cmd_completion) this.comp.complete_all(mrq.cmd_completion);
      this.comp.complete(c);
    }
    return err;
  }

  /** mmc_wait_for_req_done() - wait, retrying the command while it has retries left. */
  async mmc_wait_for_req_done(host: mmc_host, mrq: mmc_request): Promise<void> {
    for (;;) {
      await this.comp.wait_for_completion(mrq.completion!);
      const cmd = mrq.cmd;
      if (!cmd.error || !cmd.retries || mmc_card_removed(host.card)) break;
      this.retune.mmc_retune_recheck(host);
      this.printk.pr_debug(`${host.class_dev.name}: req failed (CMD${cmd.opcode}): ${cmd.error}, retrying...\n`);
      cmd.retries--;
      cmd.error = 0;
      await this.__mmc_start_request(host, mrq);
    }
    this.retune.mmc_retune_release(host);
  }

  /** mmc_wait_for_req() - start @mrq and wait for it. Context: may sleep. */
  async mmc_wait_for_req(host: mmc_host, mrq: mmc_request): Promise<void> {
    await this.__mmc_start_req(host, mrq);
    if (!mrq.cap_cmd_during_tfr) await this.mmc_wait_for_req_done(host, mrq);
  }

  /** mmc_wait_for_cmd() - a command without data, with @retries. Returns cmd.error. */
  async mmc_wait_for_cmd(host: mmc_host, cmd: mmc_command, retries: number): Promise<number> {
    this.bug.WARN_ON(!host.claimed, 'mmc_wait_for_cmd: host not claimed');
    cmd.resp = [0, 0, 0, 0];
    cmd.retries = retries;
    cmd.data = null;
    await this.mmc_wait_for_req(host, mmc_request_init({ cmd }));
    return cmd.error;
  }

  /** mmc_set_data_timeout(): eMMC reads 10 x TAAC, writes scaled by R2W_FACTOR. */
  mmc_set_data_timeout(data: mmc_data, card: mmc_card): void {
    let mult = 10;
    if (data.flags & MMC_DATA_WRITE) mult <<= card.csd.r2w_factor;
    data.timeout_ns = card.csd.taac_ns * mult;
    data.timeout_clks = card.csd.taac_clks * mult;
  }

  // ---- bus settings and power -----------------------------------------------------------

  async mmc_set_ios(host: mmc_host): Promise<void> {
    await host.ops.set_ios(host, host.ios);
  }

  async mmc_set_clock(host: mmc_host, hz: number): Promise<void> {
    host.ios.clock = Math.min(hz, host.f_max);
    await this.mmc_set_ios(host);
  }

  async mmc_set_bus_mode(host: mmc_host, mode: number): Promise<void> {
    host.ios.bus_mode = mode;
    await this.mmc_set_ios(host);
  }

  async mmc_set_bus_width(host: mmc_host, width: number): Promise<void> {
    host.ios.bus_width = width;
    await this.mmc_set_ios(host);
  }

  async mmc_set_timing(host: mmc_host, timing: number): Promise<void> {
    host.ios.timing = timing;
    await this.mmc_set_ios(host);
  }

  /** The lowest voltage window both card and host support, or 0. */
  mmc_select_voltage(host: mmc_host, ocr: number): number {
    const common = (ocr & host.ocr_avail) >>> 0;
    if (!common) {
      this.printk.pr_warn(`${host.class_dev.name}: card voltage unsupported\n`);
      return 0;
    }
    const bit = 31 - Math.clz32(common & -common);
    return (common & (0x3 << bit)) >>> 0;
  }

  /** mmc_delay(): short waits sleep with usleep_range, long ones with msleep. Context: may sleep. */
  async mmc_delay(ms: number): Promise<void> {
    if (ms <= 20) await this.delay.usleep_range(ms * 1000, ms * 1250);
    else await this.delay.msleep(ms);
  }

  private set_initial_state(host: mmc_host): void {
    host.ios.bus_mode = MMC_BUSMODE_OPENDRAIN;
    host.ios.bus_width = MMC_BUS_WIDTH_1;
    host.ios.timing = MMC_TIMING_LEGACY;
    host.ios.signal_voltage = MMC_SIGNAL_VOLTAGE_330;
  }

  /** mmc_power_up(): supply on, settle, clock at f_init, settle again. Context: may sleep. */
  async mmc_power_up(host: mmc_host, ocr: number, f_init: number): Promise<void> {
    if (host.ios.power_mode === MMC_POWER_ON) return;
    host.ios.vdd = 31 - Math.clz32(ocr);
    host.ios.power_mode = MMC_POWER_UP;
    this.set_initial_state(host);
    await this.mmc_set_ios(host);
    await this.mmc_delay(POWER_DELAY_MS);
    host.ios.clock = f_init;
    host.ios.power_mode = MMC_POWER_ON;
    await this.mmc_set_ios(host);
    await this.mmc_delay(POWER_DELAY_MS);
  }

  async mmc_power_off(host: mmc_host): Promise<void> {
    if (host.ios.power_mode === MMC_POWER_OFF) return;
    host.ios.clock = 0;
    host.ios.vdd = 0;
    host.ios.power_mode = MMC_POWER_OFF;
    this.set_initial_state(host);
    await this.mmc_set_ios(host);
    await this.mmc_delay(1);
  }

  async mmc_power_cycle(host: mmc_host, ocr: number, f_init: number): Promise<void> {
    await this.mmc_power_off(host);
    await this.mmc_delay(1);
    await this.mmc_power_up(host, ocr, f_init);
  }
}
