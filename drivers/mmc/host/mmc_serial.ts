// SPDX-License-Identifier: GPL-2.0
// mmc_serial: a host controller at the far end of a serial line (ours; shaped like the USB-attached
// Linux hosts such as drivers/mmc/host/vub300.c). A bridge with the card executes each command of
// docs/serial-protocol.md; the "hardware" half here runs a request frame by frame on the virtual
// clock, at the line's rate, and raises the interrupt that completes it through
// mmc_request_done(). The link is synchronous and every wait on it is bounded, so the panic ops
// poll it like any other hardware.
import { inject, injectable } from 'tsyringe';
import { DELAY, type delay_api } from '../../../include/linux/delay.h.ts';
import { EINVAL, ENODEV, ETIMEDOUT } from '../../../include/linux/errno.h.ts';
import { IRQ, IRQ_HANDLED, IRQ_NONE, type irq_api } from '../../../include/linux/interrupt.h.ts';
import { JIFFIES, type jiffies_api } from '../../../include/linux/jiffies.h.ts';
import { CLOCK, type clock_api } from '../../../include/linux/ktime.h.ts';
import type { mmc_request } from '../../../include/linux/mmc/core.h.ts';
import {
  MMC_CAP2_NO_SD,
  MMC_CAP2_NO_SDIO,
  MMC_CAP_4_BIT_DATA,
  MMC_CAP_8_BIT_DATA,
  MMC_CAP_CMD23,
  MMC_CAP_MMC_HIGHSPEED,
  MMC_CAP_NONREMOVABLE,
  MMC_CAP_WAIT_WHILE_BUSY,
  MMC_HOST_API,
  MMC_VDD_32_33,
  MMC_VDD_33_34,
  type mmc_host,
  type mmc_host_api,
  type mmc_host_ops,
} from '../../../include/linux/mmc/host.h.ts';
import type { module } from '../../../include/linux/module.h.ts';
import type { mmc_serial_platform_data } from '../../../include/linux/platform_data/mmc_serial.h.ts';
import { PLATFORM, type platform_api, type platform_device, type platform_driver } from '../../../include/linux/platform_device.h.ts';
import { PM_RUNTIME, type pm_runtime_api } from '../../../include/linux/pm_runtime.h.ts';
import { PRINTK, type printk_api } from '../../../include/linux/printk.h.ts';
import { TIMER, type timer_api, type timer_list } from '../../../include/linux/timer.h.ts';
import { BUS_WIDTH_4, BUS_WIDTH_8 } from '../../../lib/mmc_serial/messages.ts';
import { mmc_serial_session } from './mmc_serial_session.ts';
import { serial_set_ios, type serial_ios } from './mmc_serial_ios.ts';
import { serial_request } from './mmc_serial_xfer.ts';

const DRIVER_NAME = 'mmc_serial';
/** Software timeout for a request, as sdhci's 10 s data timer. */
const SERIAL_TIMEOUT_S = 10;
/**
 * Panic polling: 100 µs steps (a 512-byte frame alone is 5.6 ms at 921600 baud); 2 s to drain
 * the request in flight, 5 s for a request (each frame is bounded by timeout × (retries + 1)).
 */
const PANIC_POLL_US = 100;
const PANIC_DRAIN_US = 2_000_000;
const PANIC_POLL_LIMIT_US = 5_000_000;

/** Per-host state (what mmc_priv() would hold). */
export class mmc_serial_host {
  cur: mmc_request | null = null;
  /** Completed on the line, interrupt pending. */
  done: mmc_request | null = null;
  /** Bumped when a request's remaining frames must be abandoned (timeout, panic). */
  generation = 0;
  suspended = false;
  /** What the bridge was last told by POWER and SET_IOS. */
  ios: serial_ios | null = null;
  timer!: timer_list;

  constructor(
    readonly host: mmc_host,
    readonly pdev: platform_device,
    readonly session: mmc_serial_session,
    readonly baud: number,
  ) {}
}

@injectable()
export class MmcSerialDriver implements platform_driver {
  readonly name = DRIVER_NAME;

  constructor(
    @inject(MMC_HOST_API) private readonly mmc: mmc_host_api,
    @inject(IRQ) private readonly irq: irq_api,
    @inject(CLOCK) private readonly clock: clock_api,
    @inject(TIMER) private readonly timers: timer_api,
    @inject(JIFFIES) private readonly jiffies: jiffies_api,
    @inject(PM_RUNTIME) private readonly rpm: pm_runtime_api,
    @inject(PRINTK) private readonly printk: printk_api,
    @inject(DELAY) private readonly delay: delay_api,
  ) {}

  async probe(pdev: platform_device): Promise<number> {
    const pd = pdev.platform_data as mmc_serial_platform_data | null;
    if (!pd?.link || !(pd.baud > 0) || pdev.irq < 0) return -EINVAL;
    const session = new mmc_serial_session(pd.link, { reply_timeout_ms: pd.reply_timeout_ms ?? 200, retries: pd.retries ?? 3 });
    const hello = session.hello();
    if (hello.err || !session.device) {
      this.printk.pr_err(`${DRIVER_NAME}: no bridge answers on the link (error ${hello.err})\n`);
      return -ENODEV;
    }
    const dev = session.device;
    const ops: mmc_host_ops = {
      request: (host, mrq) => this.request(host.private as mmc_serial_host, mrq),
      set_ios: (host, ios) => this.set_ios(host.private as mmc_serial_host, ios),
      get_cd: () => 1,
      get_ro: () => 0,
      panic_prepare: (host) => this.panic_prepare(host.private as mmc_serial_host),
      panic_poll_completion: (host, mrq) => this.panic_poll_completion(host.private as mmc_serial_host, mrq),
      panic_complete: async (host) => this.panic_reset(host.private as mmc_serial_host),
    };
    const host = this.mmc.mmc_alloc_host(pdev.dev, null);
    const m = new mmc_serial_host(host, pdev, session, pd.baud);
    host.private = m;
    host.ops = ops;
    const widths = (dev.bus_widths & BUS_WIDTH_4 ? MMC_CAP_4_BIT_DATA : 0) | (dev.bus_widths & BUS_WIDTH_8 ? MMC_CAP_8_BIT_DATA : 0);
    const caps = widths | MMC_CAP_MMC_HIGHSPEED | MMC_CAP_CMD23 | MMC_CAP_NONREMOVABLE | MMC_CAP_WAIT_WHILE_BUSY;
    host.caps = ((caps | (pd.caps ?? 0)) & ~(pd.caps_clear ?? 0)) | 0;
    host.caps2 = ((MMC_CAP2_NO_SDIO | MMC_CAP2_NO_SD | (pd.caps2 ?? 0)) & ~(pd.caps2_clear ?? 0)) | 0;
    host.f_min = 400_000;
    host.f_max = dev.max_clock_hz;
    host.ocr_avail = MMC_VDD_32_33 | MMC_VDD_33_34;
    host.max_blk_size = 512;
    host.max_blk_count = dev.max_blocks;
    host.max_req_size = dev.max_blocks * 512;
    host.max_seg_size = host.max_req_size;
    m.timer = this.timers.timer_setup(() => this.timeout(m), 'mmc_serial_timeout');
    pdev.drvdata = m;
    this.printk.pr_info(`${DRIVER_NAME}: bridge speaks v${dev.version}, ${dev.max_blocks} blocks a transfer, up to ${dev.max_clock_hz} Hz\n`);

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
    this.rpm.pm_runtime_set_autosuspend_delay(pdev.dev, pd.autosuspend_ms ?? 50);
    this.rpm.pm_runtime_use_autosuspend(pdev.dev);
    this.rpm.pm_runtime_enable(pdev.dev);
    ret = await this.mmc.mmc_add_host(host);
    if (ret) {
      this.irq.free_irq(pdev.irq, m);
      return ret;
    }
    return 0;
  }

  async remove(pdev: platform_device): Promise<void> {
    const m = pdev.drvdata as mmc_serial_host;
    await this.mmc.mmc_remove_host(m.host);
    this.irq.free_irq(pdev.irq, m);
    await this.timers.del_timer_sync(m.timer);
    await this.rpm.pm_runtime_disable(pdev.dev);
    this.mmc.mmc_free_host(m.host);
  }

  // ---- driver half ----------------------------------------------------------------------

  private request(m: mmc_serial_host, mrq: mmc_request): void {
    m.cur = mrq;
    this.timers.mod_timer(m.timer, this.jiffies.jiffies + SERIAL_TIMEOUT_S * this.jiffies.HZ);
    this.hw_start(m, mrq);
  }

  /** POWER and SET_IOS go out at once (the bridge must know before the next command). */
  private async set_ios(m: mmc_serial_host, ios: mmc_host['ios']): Promise<void> {
    const r = serial_set_ios(m.session, m.ios, ios);
    m.ios = r.ios;
    if (r.err) this.printk.pr_err(`${this.mmc.mmc_hostname(m.host)}: bridge refused the bus settings (error ${r.err})\n`);
    await this.delay.udelay(Math.ceil((r.wire_bytes * 10 * 1e6) / m.baud + r.waited_ms * 1000));
  }

  private irq_handler(m: mmc_serial_host) {
    const mrq = m.done;
    if (!mrq) return IRQ_NONE;
    m.done = null;
    this.irq.irq_set_level(m.pdev.irq, false);
    this.finish(m, mrq);
    return IRQ_HANDLED;
  }

  /** The software timer: the request never completed (the host was gated, or the line hung). */
  private timeout(m: mmc_serial_host): void {
    const mrq = m.cur;
    if (!mrq) return;
    this.printk.pr_err(`${this.mmc.mmc_hostname(m.host)}: Timeout waiting for hardware interrupt.\n`);
    m.generation++;
    m.done = null;
    this.irq.irq_set_level(m.pdev.irq, false);
    if (mrq.data && !mrq.data.error) mrq.data.error = -ETIMEDOUT;
    else if (!mrq.cmd.error) mrq.cmd.error = -ETIMEDOUT;
    m.session.resync_next();
    this.finish(m, mrq);
  }

  private finish(m: mmc_serial_host, mrq: mmc_request): void {
    this.timers.del_timer(m.timer);
    m.cur = null;
    this.mmc.mmc_request_done(m.host, mrq);
  }

  // ---- panic ops: polled, lock-free -----------------------------------------------------

  /** Drain: poll up to 2 s for the request in flight to finish on the line, then forget it. */
  private async panic_prepare(m: mmc_serial_host): Promise<number> {
    for (let t = 0; m.cur && !m.done && t < PANIC_DRAIN_US; t += PANIC_POLL_US) await this.delay.udelay(PANIC_POLL_US);
    const drained = !m.cur || !!m.done;
    // A transfer abandoned half-way is still open on the bridge: HELLO ends it first.
    if (!drained) m.session.resync_next();
    this.panic_reset(m);
    return drained ? 0 : -ETIMEDOUT;
  }

  /** Poll the completion for up to 5 s; acknowledges it when @mrq is done. */
  private async panic_poll_completion(m: mmc_serial_host, mrq: mmc_request): Promise<boolean> {
    for (let t = 0; t < PANIC_POLL_LIMIT_US; t += PANIC_POLL_US) {
      if (m.done === mrq) {
        this.panic_reset(m);
        return true;
      }
      await this.delay.udelay(PANIC_POLL_US);
    }
    if (mrq.data && !mrq.data.error) mrq.data.error = -ETIMEDOUT;
    else if (!mrq.cmd.error) mrq.cmd.error = -ETIMEDOUT;
    return false;
  }

  /** Forget whatever is in flight or pending: no interrupt, no timer, a new generation. */
  private panic_reset(m: mmc_serial_host): void {
    m.generation++;
    m.cur = null;
    m.done = null;
    this.irq.irq_set_level(m.pdev.irq, false);
    this.timers.del_timer(m.timer);
  }

  // ---- hardware half: runs on clock events, never yields --------------------------------

  /** Run @mrq frame by frame; a gated controller sends nothing and the software timer notices. */
  private hw_start(m: mmc_serial_host, mrq: mmc_request): void {
    if (m.suspended || !m.host.ios.clock) return;
    const gen = m.generation;
    const steps = serial_request(m.session, m.baud, mrq);
    const next = (): void => {
      if (gen !== m.generation) return;
      const r = steps.next();
      if (!r.done) this.clock.at(this.clock.now + r.value, next);
      else {
        m.done = mrq;
        this.irq.irq_set_level(m.pdev.irq, true);
      }
    };
    next();
  }
}

export const mmc_serial: module = {
  name: DRIVER_NAME,
  async module_init(c) {
    c.register(MmcSerialDriver, { useClass: MmcSerialDriver });
    return c.resolve<platform_api>(PLATFORM).platform_driver_register(c.resolve(MmcSerialDriver));
  },
};
