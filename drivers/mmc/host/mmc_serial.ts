// SPDX-License-Identifier: GPL-2.0
// mmc_serial: a host controller at the far end of a serial line (ours; shaped like the USB-attached
// Linux hosts such as drivers/mmc/host/vub300.c). A bridge with the card executes each command of
// docs/serial-protocol.md; the "hardware" half here runs a request frame by frame on the virtual
// clock, at the line's rate, and raises the interrupt that completes it through
// mmc_request_done(). The link is synchronous and every wait on it is bounded, so the panic ops
// poll it like any other hardware (mmc_request_host.ts).
import { inject, injectable } from 'tsyringe';
import { EINVAL, ENODEV } from '../../../include/linux/errno.h.ts';
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
  MMC_VDD_32_33,
  MMC_VDD_33_34,
  mmc_set_caps,
  type mmc_host,
} from '../../../include/linux/mmc/host.h.ts';
import type { module } from '../../../include/linux/module.h.ts';
import type { mmc_serial_platform_data } from '../../../include/linux/platform_data/mmc_serial.h.ts';
import { PLATFORM, type platform_api, type platform_device } from '../../../include/linux/platform_device.h.ts';
import { BUS_WIDTH_4, BUS_WIDTH_8 } from '../../../lib/mmc_serial/messages.ts';
import { MmcRequestHostDriver, MmcRequestHostServices, mmc_request_host, type panic_polling } from './mmc_request_host.ts';
import { mmc_serial_session } from './mmc_serial_session.ts';
import { serial_set_ios, type serial_ios } from './mmc_serial_ios.ts';
import { serial_request } from './mmc_serial_xfer.ts';

const DRIVER_NAME = 'mmc_serial';
/**
 * Panic polling: 100 µs steps (a 512-byte frame alone is 5.6 ms at 921600 baud); 2 s to drain
 * the request in flight, 5 s for a request (each frame is bounded by timeout × (retries + 1)).
 */
const POLLING: panic_polling = { step_us: 100, drain_us: 2_000_000, limit_us: 5_000_000 };

/** Per-host state: the link's session, its rate, and what the bridge was told of the bus. */
export class mmc_serial_host extends mmc_request_host {
  ios: serial_ios | null = null;

  constructor(
    host: mmc_host,
    pdev: platform_device,
    readonly session: mmc_serial_session,
    readonly baud: number,
  ) {
    super(host, pdev);
  }
}

@injectable()
export class MmcSerialDriver extends MmcRequestHostDriver<mmc_serial_host> {
  readonly name = DRIVER_NAME;
  protected readonly polling = POLLING;

  constructor(@inject(MmcRequestHostServices) k: MmcRequestHostServices) {
    super(k);
  }

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
    const host = this.mmc.mmc_alloc_host(pdev.dev, null);
    const m = new mmc_serial_host(host, pdev, session, pd.baud);
    host.private = m;
    host.ops = {
      ...this.request_ops(),
      set_ios: (host, ios) => this.set_ios(host.private as mmc_serial_host, ios),
      get_cd: () => 1,
      get_ro: () => 0,
    };
    const widths = (dev.bus_widths & BUS_WIDTH_4 ? MMC_CAP_4_BIT_DATA : 0) | (dev.bus_widths & BUS_WIDTH_8 ? MMC_CAP_8_BIT_DATA : 0);
    const caps = widths | MMC_CAP_MMC_HIGHSPEED | MMC_CAP_CMD23 | MMC_CAP_NONREMOVABLE | MMC_CAP_WAIT_WHILE_BUSY;
    mmc_set_caps(host, caps, MMC_CAP2_NO_SDIO | MMC_CAP2_NO_SD, pd);
    host.f_min = 400_000;
    host.f_max = dev.max_clock_hz;
    host.ocr_avail = MMC_VDD_32_33 | MMC_VDD_33_34;
    host.max_blk_size = 512;
    host.max_blk_count = dev.max_blocks;
    host.max_req_size = dev.max_blocks * 512;
    host.max_seg_size = host.max_req_size;
    this.printk.pr_info(`${DRIVER_NAME}: bridge speaks v${dev.version}, ${dev.max_blocks} blocks a transfer, up to ${dev.max_clock_hz} Hz\n`);
    return this.register(m, pd.autosuspend_ms ?? 50);
  }

  /** POWER and SET_IOS go out at once (the bridge must know before the next command). */
  private async set_ios(m: mmc_serial_host, ios: mmc_host['ios']): Promise<void> {
    const r = serial_set_ios(m.session, m.ios, ios);
    m.ios = r.ios;
    if (r.err) this.printk.pr_err(`${this.mmc.mmc_hostname(m.host)}: bridge refused the bus settings (error ${r.err})\n`);
    await this.delay.udelay(Math.ceil((r.wire_bytes * 10 * 1e6) / m.baud + r.waited_ms * 1000));
  }

  /** A transfer abandoned half-way may still be open on the bridge: HELLO ends it first. */
  protected hw_abandon(m: mmc_serial_host): void {
    m.session.resync_next();
  }

  protected override async panic_prepare(m: mmc_serial_host): Promise<number> {
    const ret = await super.panic_prepare(m);
    if (ret) this.hw_abandon(m);
    return ret;
  }

  /** The request frame by frame, each step after the line time of the one before. */
  protected hw_start(m: mmc_serial_host, mrq: mmc_request): void {
    const gen = m.generation;
    const steps = serial_request(m.session, m.baud, mrq);
    const next = (): void => {
      if (gen !== m.generation) return;
      const r = steps.next();
      if (!r.done) this.clock.at(this.clock.now + r.value, next);
      else this.hw_complete(m, mrq);
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
