// SPDX-License-Identifier: GPL-2.0
// struct sdhci_host and its flags (drivers/mmc/host/sdhci.h): the per-controller state the
// SDHCI driver keeps beside mmc_host, the kernel services its functions call (what C reaches as
// globals), the register accessors (sdhci_readl() & co.) and host->lock.
import type { DependencyContainer } from 'tsyringe';
import type { bug_api } from '../../../include/linux/bug.h.ts';
import type { delay_api } from '../../../include/linux/delay.h.ts';
import type { dma_api, dma_coherent } from '../../../include/linux/dma-mapping.h.ts';
import type { iomem } from '../../../include/linux/io.h.ts';
import type { irq_api } from '../../../include/linux/interrupt.h.ts';
import type { jiffies_api } from '../../../include/linux/jiffies.h.ts';
import type { mmc_command, mmc_data, mmc_request } from '../../../include/linux/mmc/core.h.ts';
import { MMC_RSP_BUSY } from '../../../include/linux/mmc/core.h.ts';
import type { mmc_host, mmc_host_api } from '../../../include/linux/mmc/host.h.ts';
import type { panic_api } from '../../../include/linux/panic.h.ts';
import type { sdhci_platform_data, sdhci_quirk } from '../../../include/linux/platform_data/sdhci.h.ts';
import type { platform_device } from '../../../include/linux/platform_device.h.ts';
import type { pm_runtime_api } from '../../../include/linux/pm_runtime.h.ts';
import type { printk_api } from '../../../include/linux/printk.h.ts';
import type { spinlock_api, spinlock_t } from '../../../include/linux/spinlock.h.ts';
import type { timer_api, timer_list } from '../../../include/linux/timer.h.ts';
import type { wait_api, wait_queue_head_t } from '../../../include/linux/wait.h.ts';
import type { work_struct, workqueue_api, workqueue_struct } from '../../../include/linux/workqueue.h.ts';

// host->flags
export const SDHCI_USE_SDMA = 1 << 0;
export const SDHCI_USE_ADMA = 1 << 1;
export const SDHCI_REQ_USE_DMA = 1 << 2;
export const SDHCI_DEVICE_DEAD = 1 << 3;
export const SDHCI_AUTO_CMD12 = 1 << 6;
export const SDHCI_AUTO_CMD23 = 1 << 7;
export const SDHCI_USE_64_BIT_DMA = 1 << 12;
export const SDHCI_SIGNALING_330 = 1 << 14;
export const SDHCI_SIGNALING_180 = 1 << 15;
export const SDHCI_SIGNALING_120 = 1 << 16;

/** Two requests can be finishing at once (a command during a transfer). */
export const SDHCI_MAX_MRQS = 2;
/** Scatter-gather entries of one request (ADMA2, PIO). */
export const SDHCI_MAX_SEGS = 128;
/** Largest data timeout count (TMCLK * 2^27). */
export const SDHCI_MAX_TIMEOUT_COUNT = 0xe;

/** The kernel services the driver's functions call; in C these are plain global functions. */
export interface sdhci_kernel {
  readonly mmc: mmc_host_api;
  readonly irq: irq_api;
  readonly timers: timer_api;
  readonly jiffies: jiffies_api;
  readonly rpm: pm_runtime_api;
  readonly printk: printk_api;
  readonly delay: delay_api;
  readonly sl: spinlock_api;
  readonly wq: workqueue_api;
  readonly wait: wait_api;
  readonly panic: panic_api;
  readonly bug: bug_api;
  /** The DMA API, or null when the board has no DMA zone (the driver then uses PIO). */
  readonly dma: dma_api | null;
  /** The machine's container: the panic variant in force is looked up in it at panic time. */
  readonly container: DependencyContainer;
}

/** A streaming mapping of a request's buffer (data->host_cookie == COOKIE_MAPPED). */
export interface sdhci_mapping {
  readonly addr: number;
  readonly dir: number;
}

/** struct sdhci_host. */
export class sdhci_host {
  readonly ioaddr: iomem;
  /** Protects everything below (host->lock). */
  readonly lock: spinlock_t;
  readonly quirks: ReadonlySet<sdhci_quirk>;

  flags = 0;
  /** Spec version (SDHCI_SPEC_*). */
  version = 0;
  caps = 0;
  caps1 = 0;
  /** Base clock, Hz. */
  max_clk = 0;
  /** Timeout clock, kHz. */
  timeout_clk = 0;
  /** Current card clock, Hz (0: off). */
  clock = 0;
  /** Current power register value (voltage bits, without POWER_ON). */
  pwr = 0;
  timing = 0;
  signal_voltage = 0;
  reinit_uhs = false;
  runtime_suspended = false;
  /** The platform gated our clocks (runtime suspend); register access reads garbage. */
  clock_gated = false;
  pending_reset = false;
  /** Interrupts enabled (INT_ENABLE and SIGNAL_ENABLE). */
  ier = 0;
  /** Card events for the IRQ thread. */
  thread_isr = 0;

  /** Command waiting for its response. */
  cmd: mmc_command | null = null;
  /** Command using the DAT line (data or busy) until it is done. */
  data_cmd: mmc_command | null = null;
  /** Command that found the controller inhibited; the IRQ thread sends it. */
  deferred_cmd: mmc_command | null = null;
  data: mmc_data | null = null;
  /** Transfer complete arrived before command complete. */
  data_early = false;
  readonly mrqs_done: Array<mmc_request | null> = [null, null];

  /** PIO: blocks left, and where in the buffer the next one goes (sg_miter). */
  blocks = 0;
  pio_offset = 0;

  sdma_boundary = 7;
  /** ADMA2 descriptor table (dma_alloc_coherent), its size and descriptor size. */
  adma_table: dma_coherent | null = null;
  adma_table_sz = 0;
  desc_sz = 0;
  max_adma = 65536;
  /** data->host_cookie: the mappings of requests in flight. */
  readonly mapped = new Map<mmc_data, sdhci_mapping>();

  /** Tuning: Buffer Read Ready seen for the tuning block, and who waits for it. */
  tuning_done = false;
  tuning_err = 0;
  /** Re-tuning period from the capabilities, s (0: none). */
  tuning_count = 0;
  readonly buf_ready_int: wait_queue_head_t;

  timer!: timer_list;
  data_timer!: timer_list;
  complete_wq!: workqueue_struct;
  complete_work!: work_struct;

  /**
   * Ours (the proposed panic ops): the panicking CPU owns the controller. host->lock is not
   * taken any more (a stopped CPU may hold it), nothing sleeps, and completion is polled.
   */
  panic = false;

  constructor(
    readonly mmc: mmc_host,
    readonly pdev: platform_device,
    readonly pdata: sdhci_platform_data,
    readonly k: sdhci_kernel,
  ) {
    this.ioaddr = pdata.regs;
    this.lock = k.sl.spin_lock_init(`${mmc.class_dev.name}:sdhci->lock`);
    this.quirks = new Set(pdata.quirks);
    this.buf_ready_int = k.wait.init_waitqueue_head(`${mmc.class_dev.name}:buf_ready_int`);
  }

  has(q: sdhci_quirk): boolean {
    return this.quirks.has(q);
  }
}

export const mmc_hostname = (host: sdhci_host): string => host.mmc.class_dev.name;

// sdhci_readl() & co.: every access is a yield point.
export const sdhci_readl = (host: sdhci_host, reg: number): Promise<number> => host.ioaddr.readl(reg);
export const sdhci_readw = (host: sdhci_host, reg: number): Promise<number> => host.ioaddr.readw(reg);
export const sdhci_readb = (host: sdhci_host, reg: number): Promise<number> => host.ioaddr.readb(reg);
export const sdhci_writel = (host: sdhci_host, val: number, reg: number): Promise<void> => host.ioaddr.writel(val >>> 0, reg);
export const sdhci_writew = (host: sdhci_host, val: number, reg: number): Promise<void> => host.ioaddr.writew(val & 0xffff, reg);
export const sdhci_writeb = (host: sdhci_host, val: number, reg: number): Promise<void> => host.ioaddr.writeb(val & 0xff, reg);

/** spin_lock_irqsave(&host->lock): not taken once the proposed panic ops own the host. */
export const sdhci_lock_irqsave = async (host: sdhci_host): Promise<boolean> => (host.panic ? false : host.k.sl.spin_lock_irqsave(host.lock));

export const sdhci_unlock_irqrestore = (host: sdhci_host, flags: boolean): void => {
  if (!host.panic) host.k.sl.spin_unlock_irqrestore(host.lock, flags);
};

/** sdhci_data_line_cmd(): the command uses DAT (data, or busy signalling on DAT0). */
export const sdhci_data_line_cmd = (cmd: mmc_command): boolean => !!cmd.data || !!(cmd.flags & MMC_RSP_BUSY);

/** sdhci_auto_cmd12() */
export const sdhci_auto_cmd12 = (host: sdhci_host, mrq: mmc_request): boolean => !mrq.sbc && !!(host.flags & SDHCI_AUTO_CMD12) && !mrq.cap_cmd_during_tfr;

/** sdhci_auto_cmd23() */
export const sdhci_auto_cmd23 = (host: sdhci_host, mrq: mmc_request): boolean => !!mrq.sbc && !!(host.flags & SDHCI_AUTO_CMD23);

/** sdhci_manual_cmd23() */
export const sdhci_manual_cmd23 = (host: sdhci_host, mrq: mmc_request): boolean => !!mrq.sbc && !(host.flags & SDHCI_AUTO_CMD23);

/** sdhci_has_requests() */
export const sdhci_has_requests = (host: sdhci_host): boolean => !!host.cmd || !!host.data_cmd;
