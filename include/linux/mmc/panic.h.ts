// SPDX-License-Identifier: GPL-2.0
// Patch variants of the mmcpstore panic path as plugins (ours). A variant is what a developer
// rewrites: mmc_panic_claim_host() and mmcpstore's panic write strategy. The series as posted
// ships as "v4" and "v5", our answer to the review as "proposed"; a user adds one by
// registering a class under MMC_PANIC_VARIANT (from a module's module_init).
import { define_token } from '../di.h.ts';
import type { mmc_card } from './card.h.ts';
import type { mmc_request } from './core.h.ts';

/** What mmcpstore knows about its window when the panic write comes. */
export interface mmcpstore_panic_target {
  readonly card: mmc_card;
  /** First card sector (of the user area) of the pstore window. */
  readonly start_sect: number;
  /** Bytes in the window. */
  readonly size: number;
  /** A scratch buffer for read-modify-write of unaligned pieces (the series' 256 KiB bounce buffer). */
  readonly bounce: Uint8Array;
  /** mmcpstore's state: anything but READY (SUSPENDED in the system-suspend window) must refuse. */
  readonly state: string;
}

export interface mmc_panic_variant {
  readonly name: string;
  /**
   * The panic write of @buf at byte @off of the window: claim, prepare, issue the chunks with
   * polled completion. Returns @buf.length or -errno. Context: panic.
   */
  panic_write(t: mmcpstore_panic_target, buf: Uint8Array, off: number): Promise<number>;
  /**
   * A variant may also fix the request mmcpstore's normal (non-panic) path builds; without
   * this, the series' mmcpstore_mrq() is used as posted.
   */
  normal_mrq?(mrq: mmc_request): mmc_request;
  /**
   * How the normal path gets the card to its user area; without this, the series' bare CMD6
   * (which leaves mmcblk's part_curr stale) is used as posted.
   */
  normal_to_user?(card: mmc_card): Promise<number>;
  /**
   * Whether the normal path resumes the card (mmc_get_card()/mmc_put_card()) rather than only
   * claiming the host as the series does, which cannot reach a card runtime-suspended off.
   */
  readonly normal_gets_card?: boolean;
}
export const MMC_PANIC_VARIANT = define_token<mmc_panic_variant>('linux/mmc/panic#mmc_panic_variant');
