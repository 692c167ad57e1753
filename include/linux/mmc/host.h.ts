// SPDX-License-Identifier: GPL-2.0
// The host-driver contract (include/linux/mmc/host.h): mmc_host, its ios and capabilities,
// mmc_host_ops, and the core functions a host driver calls. Drivers depend on this header
// only, never on core internals.
import type { device } from '../device.h.ts';
import { define_token } from '../di.h.ts';
import type { spinlock_t } from '../spinlock.h.ts';
import type { task_struct } from '../sched.h.ts';
import type { wait_queue_head_t } from '../wait.h.ts';
import type { delayed_work } from '../workqueue.h.ts';
import type { mmc_card } from './card.h.ts';
import type { mmc_request } from './core.h.ts';

export const MMC_POWER_OFF = 0;
export const MMC_POWER_UP = 1;
export const MMC_POWER_ON = 2;
export const MMC_POWER_UNDEFINED = 3;

export const MMC_BUSMODE_OPENDRAIN = 1;
export const MMC_BUSMODE_PUSHPULL = 2;

export const MMC_BUS_WIDTH_1 = 0;
export const MMC_BUS_WIDTH_4 = 2;
export const MMC_BUS_WIDTH_8 = 3;

export const MMC_TIMING_LEGACY = 0;
export const MMC_TIMING_MMC_HS = 1;
export const MMC_TIMING_SD_HS = 2;
export const MMC_TIMING_MMC_DDR52 = 8;
export const MMC_TIMING_MMC_HS200 = 9;
export const MMC_TIMING_MMC_HS400 = 10;

export const MMC_SIGNAL_VOLTAGE_330 = 0;
export const MMC_SIGNAL_VOLTAGE_180 = 1;
export const MMC_SIGNAL_VOLTAGE_120 = 2;

export interface mmc_ios {
  /** Clock rate in Hz. */
  clock: number;
  /** Voltage bit number (fls of the OCR bit), 0 when off. */
  vdd: number;
  power_mode: number;
  bus_mode: number;
  bus_width: number;
  timing: number;
  signal_voltage: number;
}

// host->caps
export const MMC_CAP_4_BIT_DATA = 1 << 0;
export const MMC_CAP_MMC_HIGHSPEED = 1 << 1;
export const MMC_CAP_SD_HIGHSPEED = 1 << 2;
export const MMC_CAP_NEEDS_POLL = 1 << 5;
export const MMC_CAP_8_BIT_DATA = 1 << 6;
export const MMC_CAP_AGGRESSIVE_PM = 1 << 7;
export const MMC_CAP_NONREMOVABLE = 1 << 8;
export const MMC_CAP_WAIT_WHILE_BUSY = 1 << 9;
export const MMC_CAP_3_3V_DDR = 1 << 11;
export const MMC_CAP_1_8V_DDR = 1 << 12;
export const MMC_CAP_1_2V_DDR = 1 << 13;
export const MMC_CAP_DDR = MMC_CAP_3_3V_DDR | MMC_CAP_1_8V_DDR | MMC_CAP_1_2V_DDR;
export const MMC_CAP_POWER_OFF_CARD = 1 << 14;
export const MMC_CAP_BUS_WIDTH_TEST = 1 << 15;
export const MMC_CAP_SYNC_RUNTIME_PM = 1 << 21;
export const MMC_CAP_NEED_RSP_BUSY = 1 << 22;
export const MMC_CAP_DONE_COMPLETE = 1 << 27;
export const MMC_CAP_CMD_DURING_TFR = 1 << 29;
export const MMC_CAP_CMD23 = 1 << 30;
export const MMC_CAP_HW_RESET = 1 << 31;

// host->caps2
export const MMC_CAP2_BOOTPART_NOACC = 1 << 0;
export const MMC_CAP2_FULL_PWR_CYCLE = 1 << 2;
export const MMC_CAP2_HS200_1_8V_SDR = 1 << 5;
export const MMC_CAP2_HS200_1_2V_SDR = 1 << 6;
export const MMC_CAP2_HS200 = MMC_CAP2_HS200_1_8V_SDR | MMC_CAP2_HS200_1_2V_SDR;
export const MMC_CAP2_NO_PRESCAN_POWERUP = 1 << 14;
export const MMC_CAP2_HS400_1_8V = 1 << 15;
export const MMC_CAP2_HS400_1_2V = 1 << 16;
export const MMC_CAP2_HS400 = MMC_CAP2_HS400_1_8V | MMC_CAP2_HS400_1_2V;
export const MMC_CAP2_NO_WRITE_PROTECT = 1 << 18;
export const MMC_CAP2_NO_SDIO = 1 << 19;
export const MMC_CAP2_NO_SD = 1 << 21;
export const MMC_CAP2_NO_MMC = 1 << 22;
export const MMC_CAP2_CQE = 1 << 23;
export const MMC_CAP2_CQE_DCMD = 1 << 24;

/** A board's changes to the capabilities a host driver sets (a device tree's cap-* and no-* properties). */
export interface mmc_caps_change {
  /** MMC_CAP_* to add, and to take away; MMC_CAP2_* likewise. */
  readonly caps?: number;
  readonly caps_clear?: number;
  readonly caps2?: number;
  readonly caps2_clear?: number;
}

/** The driver's @caps and @caps2 with @change applied, as mmc_of_parse() leaves them: into @host. */
export const mmc_set_caps = (host: Pick<mmc_host, 'caps' | 'caps2'>, caps: number, caps2: number, change: mmc_caps_change): void => {
  host.caps = ((caps | (change.caps ?? 0)) & ~(change.caps_clear ?? 0)) | 0;
  host.caps2 = ((caps2 | (change.caps2 ?? 0)) & ~(change.caps2_clear ?? 0)) | 0;
};

// OCR voltage window bits (MMC_VDD_165_195 .. MMC_VDD_35_36).
export const MMC_VDD_165_195 = 0x00000080;
export const MMC_VDD_32_33 = 0x00100000;
export const MMC_VDD_33_34 = 0x00200000;

/** struct mmc_host_ops. request and set_ios are required; the rest are optional. */
export interface mmc_host_ops {
  /** Start @mrq; the driver completes it later through mmc_request_done(). */
  request(host: mmc_host, mrq: mmc_request): Promise<void> | void;
  set_ios(host: mmc_host, ios: mmc_ios): Promise<void> | void;
  /** 1 read-only, 0 writable, -ENOSYS unknown. */
  get_ro?(host: mmc_host): number;
  /** 1 card present, 0 absent, -ENOSYS unknown. */
  get_cd?(host: mmc_host): number;
  /** True while the card holds DAT0 low. */
  card_busy?(host: mmc_host): boolean;
  execute_tuning?(host: mmc_host, opcode: number): Promise<number>;
  hw_reset?(host: mmc_host): Promise<void>;

  // Optional ops for pstore backends that write during panic with interrupts off (the
  // mmcpstore series). Context: panic; must not sleep, and should take no lock a stopped CPU
  // may hold.
  /** Drain in-flight requests and prepare for polled I/O; 0 or -errno. */
  panic_prepare?(host: mmc_host): Promise<number>;
  /** Poll for @mrq's completion without interrupts: true once it finished (with or without error), false if it did not in time. */
  panic_poll_completion?(host: mmc_host, mrq: mmc_request): Promise<boolean>;
  /** Restore normal host state after panic I/O. */
  panic_complete?(host: mmc_host, mrq: mmc_request | null): Promise<void>;
}

/** The claim context: a task, or an explicit context shared by several tasks (struct mmc_ctx). */
export interface mmc_ctx {
  task: task_struct | null;
}

/** CQE operations of a command-queue engine (struct mmc_cqe_ops), the part the core calls. */
export interface mmc_cqe_ops {
  cqe_enable(host: mmc_host, card: mmc_card): Promise<number>;
  cqe_disable(host: mmc_host): Promise<void>;
  /** Switch the engine off until the next CQE request (called before every non-CQE request). */
  cqe_off(host: mmc_host): Promise<void> | void;
}

export interface mmc_host {
  readonly index: number;
  /** mmc_dev(host): the controller device; runtime PM of the host acts on it. */
  readonly parent: device;
  /** The mmc_host class device, "mmc<index>". */
  readonly class_dev: device;
  ops: mmc_host_ops;
  caps: number;
  caps2: number;
  f_min: number;
  f_max: number;
  ocr_avail: number;
  /** OCR the card was brought up with. */
  ocr: number;
  max_seg_size: number;
  max_segs: number;
  max_req_size: number;
  max_blk_size: number;
  max_blk_count: number;
  /** Longest R1B busy the host can wait for in hardware, ms; 0 = no limit. */
  max_busy_timeout: number;
  ios: mmc_ios;

  /** Protects claim state ("claim and bus ops"). */
  readonly lock: spinlock_t;
  claimed: boolean;
  claimer: mmc_ctx | null;
  claim_cnt: number;
  readonly default_ctx: mmc_ctx;
  readonly wq: wait_queue_head_t;

  card: mmc_card | null;
  ongoing_mrq: mmc_request | null;

  can_retune: boolean;
  doing_retune: boolean;
  retune_now: boolean;
  need_retune: boolean;
  hold_retune: number;
  retune_paused: boolean;
  /** Re-tuning period in seconds, 0 = none. */
  retune_period: number;

  cqe_ops: mmc_cqe_ops | null;
  cqe_enabled: boolean;
  cqe_on: boolean;

  rescan_disable: boolean;
  rescan_entered: boolean;
  readonly detect: delayed_work;
  /** Set once the host is removed: requests fail with -ENOMEDIUM. */
  removed: boolean;
  /** The attached bus type's operations (struct mmc_bus_ops), private to the core; null when no card is attached. */
  bus_ops: object | null;
  /** Clock used for card identification (f_init). */
  f_init: number;
  /** Driver-private data (mmc_priv). */
  private: unknown;
}

/** What a host driver may call in the core (the EXPORT_SYMBOLs of core/host.c and core.c). */
export interface mmc_host_api {
  mmc_alloc_host(dev: device, priv: unknown): mmc_host;
  /** Validates caps and starts the host: detection runs from a work item. Returns 0 or -errno. */
  mmc_add_host(host: mmc_host): Promise<number>;
  mmc_remove_host(host: mmc_host): Promise<void>;
  mmc_free_host(host: mmc_host): void;
  /** Context: any (interrupt handlers call it). */
  mmc_request_done(host: mmc_host, mrq: mmc_request): void;
  mmc_detect_change(host: mmc_host, delay_jiffies: number): void;
  mmc_retune_needed(host: mmc_host): void;
  mmc_hostname(host: mmc_host): string;
}
export const MMC_HOST_API = define_token<mmc_host_api>('linux/mmc/host#mmc_host_api');
