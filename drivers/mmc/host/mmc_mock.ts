// SPDX-License-Identifier: GPL-2.0
// mmc_mock: a request-level host controller (ours; shaped like a small Linux host driver such
// as drivers/mmc/host/litex_mmc.c). The "hardware" half executes each mmc_request against the
// card model on the virtual clock, at the bus clock and width of ios, waits out DAT0 busy, and
// raises its interrupt; the driver half completes the request from the interrupt handler
// through mmc_request_done(). A 10 s software timer catches lost completions, as sdhci's does.
import { inject, injectable } from 'tsyringe';
import type { SdCard } from '../../../include/hw/sd.h.ts';
import { DELAY, type delay_api } from '../../../include/linux/delay.h.ts';
import { EILSEQ, EINVAL, EIO, ETIMEDOUT } from '../../../include/linux/errno.h.ts';
import { IRQ, IRQ_HANDLED, IRQ_NONE, type irq_api } from '../../../include/linux/interrupt.h.ts';
import { JIFFIES, type jiffies_api } from '../../../include/linux/jiffies.h.ts';
import { CLOCK, type clock_api } from '../../../include/linux/ktime.h.ts';
import {
  MMC_DATA_READ,
  MMC_DATA_WRITE,
  MMC_RSP_136,
  MMC_RSP_BUSY,
  MMC_RSP_PRESENT,
  type mmc_command,
  type mmc_request,
} from '../../../include/linux/mmc/core.h.ts';
import {
  MMC_BUS_WIDTH_4,
  MMC_BUS_WIDTH_8,
  MMC_CAP2_HS200_1_8V_SDR,
  MMC_CAP2_NO_SD,
  MMC_CAP2_NO_SDIO,
  MMC_CAP_4_BIT_DATA,
  MMC_CAP_8_BIT_DATA,
  MMC_CAP_CMD23,
  MMC_CAP_MMC_HIGHSPEED,
  MMC_CAP_NONREMOVABLE,
  MMC_CAP_WAIT_WHILE_BUSY,
  MMC_HOST_API,
  MMC_POWER_OFF,
  MMC_TIMING_MMC_DDR52,
  MMC_TIMING_MMC_HS400,
  MMC_VDD_165_195,
  MMC_VDD_32_33,
  MMC_VDD_33_34,
  type mmc_host,
  type mmc_host_api,
  type mmc_host_ops,
  type mmc_ios,
} from '../../../include/linux/mmc/host.h.ts';
import { MMC_SEND_STATUS, MMC_STOP_TRANSMISSION, R1_READY_FOR_DATA, R1_STATE_PRG } from '../../../include/linux/mmc/mmc.h.ts';
import type { module } from '../../../include/linux/module.h.ts';
import type { mmc_mock_fault, mmc_mock_platform_data } from '../../../include/linux/platform_data/mmc_mock.h.ts';
import { PLATFORM, type platform_api, type platform_device, type platform_driver } from '../../../include/linux/platform_device.h.ts';
import { PM_RUNTIME, type pm_runtime_api } from '../../../include/linux/pm_runtime.h.ts';
import { PRINTK, type printk_api } from '../../../include/linux/printk.h.ts';
import { TIMER, type timer_api, type timer_list } from '../../../include/linux/timer.h.ts';

const DRIVER_NAME = 'mmc_mock';
/** Software timeout for a request, as sdhci's 10 s data timer. */
const MOCK_TIMEOUT_S = 10;
/** Panic polling: 10 µs steps, 500 ms to drain, 1 s for a request. */
const PANIC_POLL_US = 10;
const PANIC_DRAIN_US = 500_000;
const PANIC_POLL_LIMIT_US = 1_000_000;

/** A fault with its remaining budget. */
interface armed_fault {
  readonly f: mmc_mock_fault;
  skip: number;
  left: number;
}

/** Per-host state (what mmc_priv() would hold). */
export class mmc_mock_host {
  /** The request in flight, from ->request() until its completion. */
  cur: mmc_request | null = null;
  /** Completed by the hardware, interrupt pending. */
  done: mmc_request | null = null;
  /** Bumped when an in-flight hardware sequence must be abandoned (timeout, reset). */
  generation = 0;
  /** Controller clocks gated (runtime suspended). */
  suspended = false;
  /** DAT0 held low by an injected stuck_busy until this time. */
  stuck_until = 0;
  /** Requests that reached ->request(), by main command opcode: retries as the host sees them. */
  readonly requests = new Map<number, number>();
  readonly faults: armed_fault[] = [];
  timer!: timer_list;

  constructor(
    readonly host: mmc_host,
    readonly pdev: platform_device,
    readonly card: SdCard,
    readonly overhead_ns: number,
  ) {}

  /** Arm a fault now (tests and scenarios reach the host through pdev.drvdata). */
  inject_fault(f: mmc_mock_fault): void {
    this.faults.push({ f, skip: f.skip ?? 0, left: f.count ?? 1 });
  }
}

const bus_bits = (ios: mmc_ios): number => {
  const width = ios.bus_width === MMC_BUS_WIDTH_8 ? 8 : ios.bus_width === MMC_BUS_WIDTH_4 ? 4 : 1;
  const ddr = ios.timing === MMC_TIMING_MMC_DDR52 || ios.timing === MMC_TIMING_MMC_HS400;
  return width * (ddr ? 2 : 1);
};

@injectable()
export class MmcMockDriver implements platform_driver {
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
    const pd = pdev.platform_data as mmc_mock_platform_data | null;
    if (!pd?.card || pdev.irq < 0) return -EINVAL;
    const ops: mmc_host_ops = {
      request: (host, mrq) => this.request(host.private as mmc_mock_host, mrq),
      set_ios: (host, ios) => this.set_ios(host.private as mmc_mock_host, ios),
      get_cd: () => 1,
      get_ro: () => 0,
      card_busy: (host) => this.card_busy(host.private as mmc_mock_host),
      panic_prepare: (host) => this.panic_prepare(host.private as mmc_mock_host),
      panic_poll_completion: (host, mrq) => this.panic_poll_completion(host.private as mmc_mock_host, mrq),
      panic_complete: async (host) => this.panic_reset(host.private as mmc_mock_host),
    };
    const host = this.mmc.mmc_alloc_host(pdev.dev, null);
    const m = new mmc_mock_host(host, pdev, pd.card, pd.command_overhead_ns ?? 1000);
    host.private = m;
    host.ops = ops;
    host.caps = ((MMC_CAP_4_BIT_DATA | MMC_CAP_8_BIT_DATA | MMC_CAP_MMC_HIGHSPEED | MMC_CAP_CMD23 | MMC_CAP_NONREMOVABLE | MMC_CAP_WAIT_WHILE_BUSY | (pd.caps ?? 0)) & ~(pd.caps_clear ?? 0)) | 0;
    host.caps2 = ((MMC_CAP2_HS200_1_8V_SDR | MMC_CAP2_NO_SDIO | MMC_CAP2_NO_SD | (pd.caps2 ?? 0)) & ~(pd.caps2_clear ?? 0)) | 0;
    host.f_min = 400_000;
    host.f_max = pd.f_max ?? 200_000_000;
    host.ocr_avail = MMC_VDD_32_33 | MMC_VDD_33_34 | MMC_VDD_165_195;
    host.max_req_size = 512 * 1024;
    host.max_seg_size = host.max_req_size;
    host.max_blk_size = 512;
    host.max_blk_count = 65535;
    for (const f of pd.faults ?? []) m.inject_fault(f);
    m.timer = this.timers.timer_setup(() => this.timeout(m), 'mmc_mock_timeout');
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
    const m = pdev.drvdata as mmc_mock_host;
    await this.mmc.mmc_remove_host(m.host);
    this.irq.free_irq(pdev.irq, m);
    await this.timers.del_timer_sync(m.timer);
    await this.rpm.pm_runtime_disable(pdev.dev);
    this.mmc.mmc_free_host(m.host);
  }

  // ---- driver half ----------------------------------------------------------------------

  private request(m: mmc_mock_host, mrq: mmc_request): void {
    m.cur = mrq;
    m.requests.set(mrq.cmd.opcode, (m.requests.get(mrq.cmd.opcode) ?? 0) + 1);
    this.timers.mod_timer(m.timer, this.jiffies.jiffies + MOCK_TIMEOUT_S * this.jiffies.HZ);
    this.hw_start(m, mrq);
  }

  private set_ios(m: mmc_mock_host, ios: mmc_ios): void {
    const on = ios.power_mode !== MMC_POWER_OFF;
    m.card.setPower(on);
    if (!on) m.stuck_until = 0;
  }

  private card_busy(m: mmc_mock_host): boolean {
    return m.card.busy || this.clock.now < m.stuck_until;
  }

  private irq_handler(m: mmc_mock_host) {
    const mrq = m.done;
    if (!mrq) return IRQ_NONE;
    m.done = null;
    this.irq.irq_set_level(m.pdev.irq, false);
    this.finish(m, mrq);
    return IRQ_HANDLED;
  }

  /** The software timer: the hardware never reported completion. */
  private timeout(m: mmc_mock_host): void {
    const mrq = m.cur;
    if (!mrq) return;
    this.printk.pr_err(`${this.mmc.mmc_hostname(m.host)}: Timeout waiting for hardware interrupt.\n`);
    m.generation++;
    m.done = null;
    this.irq.irq_set_level(m.pdev.irq, false);
    if (mrq.data && !mrq.data.error) mrq.data.error = -ETIMEDOUT;
    else if (!mrq.cmd.error) mrq.cmd.error = -ETIMEDOUT;
    // Like a CMD/DAT reset: stop whatever transfer the card is in.
    m.card.command(MMC_STOP_TRANSMISSION, 0);
    this.finish(m, mrq);
  }

  private finish(m: mmc_mock_host, mrq: mmc_request): void {
    this.timers.del_timer(m.timer);
    m.cur = null;
    this.mmc.mmc_request_done(m.host, mrq);
  }

  // ---- panic ops: polled, lock-free -----------------------------------------------------

  /** Drain: poll up to 500 ms for a request in flight to finish, then reset the controller state. */
  private async panic_prepare(m: mmc_mock_host): Promise<number> {
    for (let t = 0; m.cur && !m.done && t < PANIC_DRAIN_US; t += PANIC_POLL_US) await this.delay.udelay(PANIC_POLL_US);
    const drained = !m.cur || !!m.done;
    this.panic_reset(m);
    return drained ? 0 : -ETIMEDOUT;
  }

  /** Poll the completion status for up to 1 s; acknowledges it when @mrq is done. */
  private async panic_poll_completion(m: mmc_mock_host, mrq: mmc_request): Promise<boolean> {
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

  /** Forget whatever is in flight or pending: no interrupt, no timer, a new hardware generation. */
  private panic_reset(m: mmc_mock_host): void {
    m.generation++;
    m.cur = null;
    m.done = null;
    this.irq.irq_set_level(m.pdev.irq, false);
    this.timers.del_timer(m.timer);
  }

  // ---- hardware half: runs on clock events, never yields --------------------------------

  private take_fault(m: mmc_mock_host, mrq: mmc_request): mmc_mock_fault | null {
    for (const a of m.faults) {
      if (a.left <= 0 || (a.f.opcode !== undefined && a.f.opcode !== mrq.cmd.opcode)) continue;
      if (a.skip > 0) {
        a.skip--;
        continue;
      }
      a.left--;
      return a.f;
    }
    return null;
  }

  private hw_start(m: mmc_mock_host, mrq: mmc_request): void {
    // A gated or unclocked controller does nothing; the software timer will notice.
    if (m.suspended || !m.host.ios.clock) return;
    const gen = m.generation;
    const steps = this.hw_sequence(m, mrq, this.take_fault(m, mrq));
    const next = (): void => {
      if (gen !== m.generation) return;
      const r = steps.next();
      if (!r.done) this.clock.at(this.clock.now + r.value, next);
    };
    next();
  }

  /** The bus transaction, one wait (ns) per yield. */
  private *hw_sequence(m: mmc_mock_host, mrq: mmc_request, fault: mmc_mock_fault | null): Generator<number, void, void> {
    const card = m.card;
    if (mrq.sbc) {
      yield this.cmd_ns(m, mrq.sbc);
      if (!this.issue(m, mrq.sbc, null)) return this.hw_complete(m, mrq, fault);
    }
    yield this.cmd_ns(m, mrq.cmd);
    if (!this.issue(m, mrq.cmd, fault)) return this.hw_complete(m, mrq, fault);
    const data = mrq.data;
    let busy = !!(mrq.cmd.flags & MMC_RSP_BUSY);
    if (data) {
      const len = data.blocks * data.blksz;
      const xfer = this.data_ns(m, len, data.blocks);
      if (data.flags & MMC_DATA_READ) {
        yield card.readLatencyNs + xfer;
        if (fault?.kind === 'data_timeout') data.error = -ETIMEDOUT;
        else {
          data.bytes_xfered = card.readData(data.buf);
          if (data.bytes_xfered < len) data.error = -ETIMEDOUT;
          else if (fault?.kind === 'data_crc') data.error = -EILSEQ;
        }
      } else if (data.flags & MMC_DATA_WRITE) {
        yield xfer;
        if (fault?.kind === 'data_timeout') data.error = -ETIMEDOUT;
        else if (fault?.kind === 'data_crc') data.error = -EILSEQ;
        else {
          data.bytes_xfered = card.writeData(data.buf);
          if (data.bytes_xfered < len) data.error = -EIO;
        }
        busy = true;
      }
      // The stop goes out when open-ended, or to abort after an error.
      if (mrq.stop && (!mrq.sbc || data.error)) {
        yield this.cmd_ns(m, mrq.stop);
        this.issue(m, mrq.stop, null);
        busy ||= !!(mrq.stop.flags & MMC_RSP_BUSY);
      }
    }
    if (fault?.kind === 'stuck_busy') m.stuck_until = this.clock.now + (fault.busy_ns ?? Infinity);
    if (busy) {
      const until = Math.max(card.busyUntil, m.stuck_until);
      if (until === Infinity) return;
      if (until > this.clock.now) yield until - this.clock.now;
    }
    this.hw_complete(m, mrq, fault);
  }

  /** Put @cmd on the bus; false if the request cannot go on. */
  private issue(m: mmc_mock_host, cmd: mmc_command, fault: mmc_mock_fault | null): boolean {
    if (fault?.kind === 'cmd_timeout') {
      cmd.error = -ETIMEDOUT;
      return false;
    }
    const r = m.card.command(cmd.opcode, cmd.arg);
    if (r.kind === 'short') cmd.resp = [r.word >>> 0, 0, 0, 0];
    // A card stuck busy says so when asked: programming, not ready for data.
    if (r.kind === 'short' && cmd.opcode === MMC_SEND_STATUS && this.clock.now < m.stuck_until)
      cmd.resp[0] = ((r.word & ~(0xf << 9) & ~R1_READY_FOR_DATA) | (R1_STATE_PRG << 9)) >>> 0;
    else if (r.kind === 'long') cmd.resp = [...r.words];
    if (cmd.flags & MMC_RSP_PRESENT && r.kind === 'none') {
      cmd.error = -ETIMEDOUT;
      return false;
    }
    if (!!(cmd.flags & MMC_RSP_136) !== (r.kind === 'long') && r.kind !== 'none') {
      cmd.error = -EILSEQ;
      return false;
    }
    if (fault?.kind === 'cmd_crc') {
      cmd.error = -EILSEQ;
      if (cmd.data) m.card.command(MMC_STOP_TRANSMISSION, 0);
      return false;
    }
    return true;
  }

  private hw_complete(m: mmc_mock_host, mrq: mmc_request, fault: mmc_mock_fault | null): void {
    m.done = mrq;
    if (fault?.kind === 'lost_completion') return;
    this.irq.irq_set_level(m.pdev.irq, true);
  }

  /** A command and its response on the CMD line: 48 bits out, 48 or 136 back, plus turnaround. */
  private cmd_ns(m: mmc_mock_host, cmd: mmc_command): number {
    const bits = 48 + 8 + (cmd.flags & MMC_RSP_PRESENT ? (cmd.flags & MMC_RSP_136 ? 136 : 48) : 0);
    return m.overhead_ns + Math.ceil((bits * 1e9) / m.host.ios.clock);
  }

  /** Data on DAT lines: the payload at the bus width (both edges in DDR), start/end bits and CRC16 per block. */
  private data_ns(m: mmc_mock_host, bytes: number, blocks: number): number {
    const ios = m.host.ios;
    const clocks = (bytes * 8) / bus_bits(ios) + 18 * blocks;
    return Math.ceil((clocks * 1e9) / ios.clock);
  }
}

export const mmc_mock: module = {
  name: DRIVER_NAME,
  async module_init(c) {
    c.register(MmcMockDriver, { useClass: MmcMockDriver });
    return c.resolve<platform_api>(PLATFORM).platform_driver_register(c.resolve(MmcMockDriver));
  },
};
