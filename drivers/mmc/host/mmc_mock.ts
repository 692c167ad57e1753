// SPDX-License-Identifier: GPL-2.0
// mmc_mock: a request-level host controller (ours; shaped like a small Linux host driver such
// as drivers/mmc/host/litex_mmc.c). The "hardware" half executes each mmc_request against the
// card model on the virtual clock, at the bus clock and width of ios, waits out DAT0 busy, and
// raises its interrupt; the driver half completes the request from the interrupt handler
// through mmc_request_done(). A 10 s software timer catches lost completions, as sdhci's does
// (mmc_request_host.ts: what this host shares with mmc_serial).
import { inject, injectable } from 'tsyringe';
import type { SdCard } from '../../../include/hw/sd.h.ts';
import { EILSEQ, EINVAL, EIO, ETIMEDOUT } from '../../../include/linux/errno.h.ts';
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
  MMC_POWER_OFF,
  MMC_TIMING_MMC_DDR52,
  MMC_TIMING_MMC_HS400,
  MMC_VDD_165_195,
  MMC_VDD_32_33,
  MMC_VDD_33_34,
  mmc_set_caps,
  type mmc_host,
  type mmc_ios,
} from '../../../include/linux/mmc/host.h.ts';
import { MMC_SEND_STATUS, MMC_STOP_TRANSMISSION, R1_READY_FOR_DATA, R1_STATE_PRG } from '../../../include/linux/mmc/mmc.h.ts';
import type { module } from '../../../include/linux/module.h.ts';
import type { mmc_mock_fault, mmc_mock_platform_data } from '../../../include/linux/platform_data/mmc_mock.h.ts';
import { PLATFORM, type platform_api, type platform_device } from '../../../include/linux/platform_device.h.ts';
import { MmcRequestHostDriver, MmcRequestHostServices, mmc_request_host, type panic_polling } from './mmc_request_host.ts';

const DRIVER_NAME = 'mmc_mock';
/** Panic polling: 10 µs steps, 500 ms to drain, 1 s for a request. */
const POLLING: panic_polling = { step_us: 10, drain_us: 500_000, limit_us: 1_000_000 };

/** A fault with its remaining budget. */
interface armed_fault {
  readonly f: mmc_mock_fault;
  skip: number;
  left: number;
}

/** Per-host state: the card, injected faults, and what the host saw. */
export class mmc_mock_host extends mmc_request_host {
  /** DAT0 held low by an injected stuck_busy until this time. */
  stuck_until = 0;
  /** Requests that reached ->request(), by main command opcode: retries as the host sees them. */
  readonly requests = new Map<number, number>();
  readonly faults: armed_fault[] = [];

  constructor(
    host: mmc_host,
    pdev: platform_device,
    readonly card: SdCard,
    readonly overhead_ns: number,
  ) {
    super(host, pdev);
  }

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
export class MmcMockDriver extends MmcRequestHostDriver<mmc_mock_host> {
  readonly name = DRIVER_NAME;
  protected readonly polling = POLLING;

  constructor(@inject(MmcRequestHostServices) k: MmcRequestHostServices) {
    super(k);
  }

  async probe(pdev: platform_device): Promise<number> {
    const pd = pdev.platform_data as mmc_mock_platform_data | null;
    if (!pd?.card || pdev.irq < 0) return -EINVAL;
    const host = this.mmc.mmc_alloc_host(pdev.dev, null);
    const m = new mmc_mock_host(host, pdev, pd.card, pd.command_overhead_ns ?? 1000);
    host.private = m;
    host.ops = {
      ...this.request_ops(),
      set_ios: (host, ios) => this.set_ios(host.private as mmc_mock_host, ios),
      get_cd: () => 1,
      get_ro: () => 0,
      card_busy: (host) => this.card_busy(host.private as mmc_mock_host),
    };
    const caps = MMC_CAP_4_BIT_DATA | MMC_CAP_8_BIT_DATA | MMC_CAP_MMC_HIGHSPEED | MMC_CAP_CMD23 | MMC_CAP_NONREMOVABLE | MMC_CAP_WAIT_WHILE_BUSY;
    mmc_set_caps(host, caps, MMC_CAP2_HS200_1_8V_SDR | MMC_CAP2_NO_SDIO | MMC_CAP2_NO_SD, pd);
    host.f_min = 400_000;
    host.f_max = pd.f_max ?? 200_000_000;
    host.ocr_avail = MMC_VDD_32_33 | MMC_VDD_33_34 | MMC_VDD_165_195;
    host.max_req_size = 512 * 1024;
    host.max_seg_size = host.max_req_size;
    host.max_blk_size = 512;
    host.max_blk_count = 65535;
    for (const f of pd.faults ?? []) m.inject_fault(f);
    return this.register(m, pd.autosuspend_ms ?? 50);
  }

  // ---- driver half ----------------------------------------------------------------------

  protected override request(m: mmc_mock_host, mrq: mmc_request): void {
    m.requests.set(mrq.cmd.opcode, (m.requests.get(mrq.cmd.opcode) ?? 0) + 1);
    super.request(m, mrq);
  }

  private set_ios(m: mmc_mock_host, ios: mmc_ios): void {
    const on = ios.power_mode !== MMC_POWER_OFF;
    m.card.setPower(on);
    if (!on) m.stuck_until = 0;
  }

  private card_busy(m: mmc_mock_host): boolean {
    return m.card.busy || this.clock.now < m.stuck_until;
  }

  /** Like a CMD/DAT reset after a timeout: stop whatever transfer the card is in. */
  protected hw_abandon(m: mmc_mock_host): void {
    m.card.command(MMC_STOP_TRANSMISSION, 0);
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

  protected hw_start(m: mmc_mock_host, mrq: mmc_request): void {
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
      if (!this.issue(m, mrq.sbc, null)) return this.hw_done(m, mrq, fault);
    }
    yield this.cmd_ns(m, mrq.cmd);
    if (!this.issue(m, mrq.cmd, fault)) return this.hw_done(m, mrq, fault);
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
    this.hw_done(m, mrq, fault);
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

  private hw_done(m: mmc_mock_host, mrq: mmc_request, fault: mmc_mock_fault | null): void {
    this.hw_complete(m, mrq, fault?.kind !== 'lost_completion');
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
