// SPDX-License-Identifier: GPL-2.0
// The series' SDHCI panic ops as posted in v5 (patch 2/4 of "mmc: Add pstore backend for crash
// dump storage on eMMC"; research mmcpstore.md §1.3), faithful including their flaws: the drain
// polls PRESENT_STATE, the reset is CMD|DATA only, host->lock is taken with spin_lock_irqsave
// (a stopped CPU may hold it: the "drain+reset frees it" claim is false), and the poller only
// acks RESPONSE/DATA_END and watches DATA_INHIBIT: no PIO, no SDMA boundary restart, no command
// after a manual CMD23, no stop, no unmapping, errors collapsed to -EIO. v4's bodies were never
// published in full; its commit message matches this code, so v4 runs it too.
import * as R from '../../../include/hw/sdhci.h.ts';
import { EIO, ETIMEDOUT } from '../../../include/linux/errno.h.ts';
import type { mmc_request } from '../../../include/linux/mmc/core.h.ts';
import { sdhci_readb, sdhci_readl, sdhci_writeb, sdhci_writel, type sdhci_host } from './sdhci_host.ts';

/** 10 µs polling steps, at most 500 ms each for the drain and for the reset. */
const PREPARE_STEP_US = 10;
const PREPARE_LIMIT_US = 500_000;
/** udelay(500) between polls, 2000 polls (1 s); completion accepted from poll 300 (150 ms) on. */
const POLL_STEP_US = 500;
const POLL_LOOPS = 2000;
const POLL_MIN_LOOPS = 300;

/** Forget the software request state (the caller holds host->lock). */
const sdhci_panic_clear_state = (host: sdhci_host): void => {
  host.cmd = null;
  host.data = null;
  host.data_cmd = null;
  host.mrqs_done[0] = null;
  host.mrqs_done[1] = null;
};

/**
 * sdhci_panic_prepare() (v5): wait for the inhibit bits to clear, reset CMD and DATA, then take
 * host->lock and clear host->cmd, data, data_cmd and mrqs_done. 0, or -ETIMEDOUT if the reset
 * never completed. Context: panic (interrupts already off).
 */
export const sdhci_panic_prepare = async (host: sdhci_host): Promise<number> => {
  const delay = host.k.delay;
  const inhibit = R.SDHCI_CMD_INHIBIT | R.SDHCI_DATA_INHIBIT;
  if ((await sdhci_readl(host, R.SDHCI_PRESENT_STATE)) & inhibit) {
    for (let t = 0; t < PREPARE_LIMIT_US; t += PREPARE_STEP_US) {
      await delay.udelay(PREPARE_STEP_US);
      if (!((await sdhci_readl(host, R.SDHCI_PRESENT_STATE)) & inhibit)) break;
    }
  }
  const mask = R.SDHCI_RESET_CMD | R.SDHCI_RESET_DATA;
  await sdhci_writeb(host, mask, R.SDHCI_SOFTWARE_RESET);
  let ret = -ETIMEDOUT;
  for (let t = 0; t <= PREPARE_LIMIT_US; t += PREPARE_STEP_US) {
    if (!((await sdhci_readb(host, R.SDHCI_SOFTWARE_RESET)) & mask)) {
      ret = 0;
      break;
    }
    await delay.udelay(PREPARE_STEP_US);
  }
  const flags = await host.k.sl.spin_lock_irqsave(host.lock);
  sdhci_panic_clear_state(host);
  host.k.sl.spin_unlock_irqrestore(host.lock, flags);
  return ret;
};

const set_error = (mrq: mmc_request, err: number): void => {
  mrq.cmd.error = err;
  if (mrq.data) mrq.data.error = err;
};

/**
 * sdhci_panic_poll_completion() (v5): up to 2000 polls 500 µs apart. Any error bit: -EIO, status
 * written back, done. RESPONSE and DATA_END are acked. From poll 300 on, DATA_INHIBIT clear means
 * done. Otherwise -ETIMEDOUT and false. Context: panic.
 */
export const sdhci_panic_poll_completion = async (host: sdhci_host, mrq: mmc_request): Promise<boolean> => {
  for (let i = 0; i < POLL_LOOPS; i++) {
    const intmask = await sdhci_readl(host, R.SDHCI_INT_STATUS);
    if (intmask & R.SDHCI_INT_ERROR) {
      set_error(mrq, -EIO);
      await sdhci_writel(host, intmask, R.SDHCI_INT_STATUS);
      return true;
    }
    const ack = intmask & (R.SDHCI_INT_RESPONSE | R.SDHCI_INT_DATA_END);
    if (ack) await sdhci_writel(host, ack, R.SDHCI_INT_STATUS);
    if (i >= POLL_MIN_LOOPS && !((await sdhci_readl(host, R.SDHCI_PRESENT_STATE)) & R.SDHCI_DATA_INHIBIT)) return true;
    await host.k.delay.udelay(POLL_STEP_US);
  }
  set_error(mrq, -ETIMEDOUT);
  return false;
};

/** sdhci_panic_complete() (v5): take host->lock and clear the same software state. Context: panic. */
export const sdhci_panic_complete = async (host: sdhci_host): Promise<void> => {
  const flags = await host.k.sl.spin_lock_irqsave(host.lock);
  sdhci_panic_clear_state(host);
  host.k.sl.spin_unlock_irqrestore(host.lock, flags);
};
