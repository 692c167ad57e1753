// SPDX-License-Identifier: GPL-2.0
// What the request-level hosts (mmc_mock, mmc_serial) share: the request in flight and its
// completion through an interrupt and mmc_request_done(), a 10 s software timer as sdhci's for a
// completion that never comes, runtime PM that gates the controller, and panic ops that poll the
// completion with udelay() while the hardware half runs on clock events. Each driver supplies
// the hardware half: hw_start() runs a request and ends with hw_complete().
import { inject, injectable } from 'tsyringe';
import { DELAY, type delay_api } from '../../../include/linux/delay.h.ts';
import { ETIMEDOUT } from '../../../include/linux/errno.h.ts';
import { IRQ, IRQ_HANDLED, IRQ_NONE, type irq_api } from '../../../include/linux/interrupt.h.ts';
import { JIFFIES, type jiffies_api } from '../../../include/linux/jiffies.h.ts';
import { CLOCK, type clock_api } from '../../../include/linux/ktime.h.ts';
import type { mmc_request } from '../../../include/linux/mmc/core.h.ts';
import { MMC_HOST_API, type mmc_host, type mmc_host_api, type mmc_host_ops } from '../../../include/linux/mmc/host.h.ts';
import type { platform_device, platform_driver } from '../../../include/linux/platform_device.h.ts';
import { PM_RUNTIME, type pm_runtime_api } from '../../../include/linux/pm_runtime.h.ts';
import { PRINTK, type printk_api } from '../../../include/linux/printk.h.ts';
import { TIMER, type timer_api, type timer_list } from '../../../include/linux/timer.h.ts';

/** Software timeout for a request, as sdhci's 10 s data timer. */
const REQUEST_TIMEOUT_S = 10;

/** How the panic ops poll: step, the drain of a request in flight, the wait for one request. */
export interface panic_polling {
  readonly step_us: number;
  readonly drain_us: number;
  readonly limit_us: number;
}

/** Per-host state (what mmc_priv() would hold). */
export class mmc_request_host {
  /** The request in flight, from ->request() until its completion. */
  cur: mmc_request | null = null;
  /** Completed by the hardware, interrupt pending. */
  done: mmc_request | null = null;
  /** Bumped when an in-flight hardware sequence must be abandoned (timeout, reset, panic). */
  generation = 0;
  /** Controller clocks gated (runtime suspended). */
  suspended = false;
  timer!: timer_list;

  constructor(
    readonly host: mmc_host,
    readonly pdev: platform_device,
  ) {}
}

/** The kernel services a request-level host uses, injected as one (a driver's constructor takes it). */
@injectable()
export class MmcRequestHostServices {
  constructor(
    @inject(MMC_HOST_API) readonly mmc: mmc_host_api,
    @inject(IRQ) readonly irq: irq_api,
    @inject(CLOCK) readonly clock: clock_api,
    @inject(TIMER) readonly timers: timer_api,
    @inject(JIFFIES) readonly jiffies: jiffies_api,
    @inject(PM_RUNTIME) readonly rpm: pm_runtime_api,
    @inject(PRINTK) readonly printk: printk_api,
    @inject(DELAY) readonly delay: delay_api,
  ) {}
}

export abstract class MmcRequestHostDriver<H extends mmc_request_host> implements platform_driver {
  abstract readonly name: string;
  protected abstract readonly polling: panic_polling;
  protected readonly mmc: mmc_host_api;
  protected readonly irq: irq_api;
  protected readonly clock: clock_api;
  protected readonly timers: timer_api;
  protected readonly jiffies: jiffies_api;
  protected readonly rpm: pm_runtime_api;
  protected readonly printk: printk_api;
  protected readonly delay: delay_api;

  constructor(k: MmcRequestHostServices) {
    ({ mmc: this.mmc, irq: this.irq, clock: this.clock, timers: this.timers, jiffies: this.jiffies, rpm: this.rpm, printk: this.printk, delay: this.delay } = k);
  }

  abstract probe(pdev: platform_device): Promise<number>;

  /** Start @mrq on the hardware; it ends with hw_complete() (or never: the timer notices). */
  protected abstract hw_start(m: H, mrq: mmc_request): void;
  /** The timer gave up on the request in flight: stop whatever the hardware is doing. */
  protected abstract hw_abandon(m: H): void;

  /** The ops every request-level host has; the driver adds set_ios and the rest. */
  protected request_ops(): Pick<mmc_host_ops, 'request' | 'panic_prepare' | 'panic_poll_completion' | 'panic_complete'> {
    return {
      request: (host, mrq) => this.request(host.private as H, mrq),
      panic_prepare: (host) => this.panic_prepare(host.private as H),
      panic_poll_completion: (host, mrq) => this.panic_poll_completion(host.private as H, mrq),
      panic_complete: async (host) => this.panic_reset(host.private as H),
    };
  }

  /** The end of probe: timer, interrupt, runtime PM with autosuspend, then mmc_add_host(). */
  protected async register(m: H, autosuspend_ms: number): Promise<number> {
    const pdev = m.pdev;
    m.timer = this.timers.timer_setup(() => this.timeout(m), `${this.name}_timeout`);
    pdev.drvdata = m;
    let ret = this.irq.request_irq(pdev.irq, () => this.irq_handler(m), 0, pdev.dev.name, m);
    if (ret) return ret;
    pdev.dev.pm = {
      runtime_suspend: async () => {
        m.suspended = true;
        return 0;
      },
      runtime_resume: async () => {
        m.suspended = false;
        return 0;
      },
    };
    this.rpm.pm_runtime_set_active(pdev.dev);
    this.rpm.pm_runtime_set_autosuspend_delay(pdev.dev, autosuspend_ms);
    this.rpm.pm_runtime_use_autosuspend(pdev.dev);
    this.rpm.pm_runtime_enable(pdev.dev);
    ret = await this.mmc.mmc_add_host(m.host);
    if (ret) this.irq.free_irq(pdev.irq, m);
    return ret;
  }

  async remove(pdev: platform_device): Promise<void> {
    const m = pdev.drvdata as H;
    await this.mmc.mmc_remove_host(m.host);
    this.irq.free_irq(pdev.irq, m);
    await this.timers.del_timer_sync(m.timer);
    await this.rpm.pm_runtime_disable(pdev.dev);
    this.mmc.mmc_free_host(m.host);
  }

  // ---- driver half ----------------------------------------------------------------------

  protected request(m: H, mrq: mmc_request): void {
    m.cur = mrq;
    this.timers.mod_timer(m.timer, this.jiffies.jiffies + REQUEST_TIMEOUT_S * this.jiffies.HZ);
    // A gated or unclocked controller does nothing; the software timer will notice.
    if (!m.suspended && m.host.ios.clock) this.hw_start(m, mrq);
  }

  /** The hardware finished @mrq: raise the interrupt (a driver may lose it on purpose). */
  protected hw_complete(m: H, mrq: mmc_request, raise = true): void {
    m.done = mrq;
    if (raise) this.irq.irq_set_level(m.pdev.irq, true);
  }

  private irq_handler(m: H) {
    const mrq = m.done;
    if (!mrq) return IRQ_NONE;
    m.done = null;
    this.irq.irq_set_level(m.pdev.irq, false);
    this.finish(m, mrq);
    return IRQ_HANDLED;
  }

  /** The software timer: the hardware never reported completion. */
  private timeout(m: H): void {
    const mrq = m.cur;
    if (!mrq) return;
    this.printk.pr_err(`${this.mmc.mmc_hostname(m.host)}: Timeout waiting for hardware interrupt.\n`);
    m.generation++;
    m.done = null;
    this.irq.irq_set_level(m.pdev.irq, false);
    if (mrq.data && !mrq.data.error) mrq.data.error = -ETIMEDOUT;
    else if (!mrq.cmd.error) mrq.cmd.error = -ETIMEDOUT;
    this.hw_abandon(m);
    this.finish(m, mrq);
  }

  private finish(m: H, mrq: mmc_request): void {
    this.timers.del_timer(m.timer);
    m.cur = null;
    this.mmc.mmc_request_done(m.host, mrq);
  }

  // ---- panic ops: polled, lock-free -----------------------------------------------------

  /** Drain: poll for the request in flight to finish, then reset; -ETIMEDOUT if it did not. */
  protected async panic_prepare(m: H): Promise<number> {
    const { step_us, drain_us } = this.polling;
    for (let t = 0; m.cur && !m.done && t < drain_us; t += step_us) await this.delay.udelay(step_us);
    const drained = !m.cur || !!m.done;
    this.panic_reset(m);
    return drained ? 0 : -ETIMEDOUT;
  }

  /** Poll the completion status; acknowledges it when @mrq is done. */
  private async panic_poll_completion(m: H, mrq: mmc_request): Promise<boolean> {
    const { step_us, limit_us } = this.polling;
    for (let t = 0; t < limit_us; t += step_us) {
      if (m.done === mrq) {
        this.panic_reset(m);
        return true;
      }
      await this.delay.udelay(step_us);
    }
    if (mrq.data && !mrq.data.error) mrq.data.error = -ETIMEDOUT;
    else if (!mrq.cmd.error) mrq.cmd.error = -ETIMEDOUT;
    return false;
  }

  /** Forget whatever is in flight or pending: no interrupt, no timer, a new hardware generation. */
  protected panic_reset(m: H): void {
    m.generation++;
    m.cur = null;
    m.done = null;
    this.irq.irq_set_level(m.pdev.irq, false);
    this.timers.del_timer(m.timer);
  }
}
