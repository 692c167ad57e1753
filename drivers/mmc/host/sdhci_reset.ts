// SPDX-License-Identifier: GPL-2.0
// Controller reset and initialisation (drivers/mmc/host/sdhci.c): sdhci_reset with its polled
// self-clear, the reset reasons (sdhci_reset_for), the default interrupt mask written to both
// INT_ENABLE and SIGNAL_ENABLE, card detection interrupts, sdhci_init and sdhci_reinit.
import * as R from '../../../include/hw/sdhci.h.ts';
import { MMC_CAP_NONREMOVABLE, MMC_SIGNAL_VOLTAGE_330 } from '../../../include/linux/mmc/host.h.ts';
import {
  mmc_hostname,
  sdhci_lock_irqsave,
  sdhci_readb,
  sdhci_readl,
  sdhci_unlock_irqrestore,
  sdhci_writeb,
  sdhci_writel,
  type sdhci_host,
} from './sdhci_host.ts';

/** The interrupts sdhci_set_default_irqs() enables. */
export const SDHCI_DEFAULT_IER =
  R.SDHCI_INT_BUS_POWER |
  R.SDHCI_INT_DATA_END_BIT |
  R.SDHCI_INT_DATA_CRC |
  R.SDHCI_INT_DATA_TIMEOUT |
  R.SDHCI_INT_INDEX |
  R.SDHCI_INT_END_BIT |
  R.SDHCI_INT_CRC |
  R.SDHCI_INT_TIMEOUT |
  R.SDHCI_INT_DATA_END |
  R.SDHCI_INT_RESPONSE;

/** Reset budget: 100 ms in 10 µs steps. */
const RESET_TIMEOUT_US = 100_000;

/**
 * sdhci_reset(): write the reset bits and poll until the controller clears them (10 µs steps,
 * at most 100 ms). RESET_ALL also forgets the card clock. Returns false if it never completed.
 * Context: any (busy-waits).
 */
export const sdhci_reset = async (host: sdhci_host, mask: number): Promise<boolean> => {
  await sdhci_writeb(host, mask, R.SDHCI_SOFTWARE_RESET);
  if (mask & R.SDHCI_RESET_ALL) {
    host.clock = 0;
    host.signal_voltage = MMC_SIGNAL_VOLTAGE_330;
  }
  for (let t = 0; ; t += 10) {
    if (!((await sdhci_readb(host, R.SDHCI_SOFTWARE_RESET)) & mask)) return true;
    if (t >= RESET_TIMEOUT_US) {
      host.k.printk.pr_err(`${mmc_hostname(host)}: Reset 0x${mask.toString(16)} never completed.\n`);
      return false;
    }
    await host.k.delay.udelay(10);
  }
};

/** sdhci_do_reset(): the host's reset op (no vendor hooks here). */
export const sdhci_do_reset = (host: sdhci_host, mask: number): Promise<boolean> => sdhci_reset(host, mask);

export type sdhci_reset_reason = 'INIT' | 'REQUEST_ERROR' | 'REQUEST_ERROR_DATA_ONLY' | 'CARD_REMOVED';

/** sdhci_reset_for_reason(): request errors reset CMD, then DATA; data-only errors DATA. */
export const sdhci_reset_for = async (host: sdhci_host, reason: sdhci_reset_reason): Promise<void> => {
  switch (reason) {
    case 'INIT':
      await sdhci_do_reset(host, R.SDHCI_RESET_CMD | R.SDHCI_RESET_DATA);
      break;
    case 'REQUEST_ERROR':
    case 'CARD_REMOVED':
      await sdhci_do_reset(host, R.SDHCI_RESET_CMD);
      await sdhci_do_reset(host, R.SDHCI_RESET_DATA);
      break;
    case 'REQUEST_ERROR_DATA_ONLY':
      await sdhci_do_reset(host, R.SDHCI_RESET_DATA);
      break;
  }
};

/**
 * Write host->ier to both enable registers, as Linux always does; in our panic mode the status
 * still latches but the line stays low (nobody could take the interrupt).
 */
export const sdhci_write_ier = async (host: sdhci_host): Promise<void> => {
  await sdhci_writel(host, host.ier, R.SDHCI_INT_ENABLE);
  await sdhci_writel(host, host.panic ? 0 : host.ier, R.SDHCI_SIGNAL_ENABLE);
};

/** sdhci_set_default_irqs() */
export const sdhci_set_default_irqs = async (host: sdhci_host): Promise<void> => {
  host.ier = SDHCI_DEFAULT_IER;
  await sdhci_write_ier(host);
};

/** sdhci_set_card_detection(): insert/remove interrupts, for removable slots only. */
export const sdhci_set_card_detection = async (host: sdhci_host, enable: boolean): Promise<void> => {
  if (host.mmc.caps & MMC_CAP_NONREMOVABLE) return;
  if (enable) {
    const present = (await sdhci_readl(host, R.SDHCI_PRESENT_STATE)) & R.SDHCI_CARD_PRESENT;
    host.ier |= present ? R.SDHCI_INT_CARD_REMOVE : R.SDHCI_INT_CARD_INSERT;
  } else host.ier &= ~(R.SDHCI_INT_CARD_REMOVE | R.SDHCI_INT_CARD_INSERT);
  await sdhci_write_ier(host);
};

/** sdhci_init(): reset (all, or CMD|DATA when @soft), default interrupts; a soft init re-programs the bus. */
export const sdhci_init = async (host: sdhci_host, soft: boolean): Promise<void> => {
  if (soft) await sdhci_reset_for(host, 'INIT');
  else await sdhci_do_reset(host, R.SDHCI_RESET_ALL);
  const flags = await sdhci_lock_irqsave(host);
  await sdhci_set_default_irqs(host);
  sdhci_unlock_irqrestore(host, flags);
  if (soft) {
    host.clock = 0;
    host.reinit_uhs = true;
    await host.mmc.ops.set_ios(host.mmc, host.mmc.ios);
  }
};

/** sdhci_reinit(): a full init, card detection back on, a rescan if it changed. */
export const sdhci_reinit = async (host: sdhci_host): Promise<void> => {
  const cd = host.ier & (R.SDHCI_INT_CARD_REMOVE | R.SDHCI_INT_CARD_INSERT);
  await sdhci_init(host, false);
  await sdhci_set_card_detection(host, true);
  if (cd !== (host.ier & (R.SDHCI_INT_CARD_REMOVE | R.SDHCI_INT_CARD_INSERT))) host.k.mmc.mmc_detect_change(host.mmc, host.k.jiffies.msecs_to_jiffies(200));
};
