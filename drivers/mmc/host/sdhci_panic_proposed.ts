// SPDX-License-Identifier: GPL-2.0
// Our SDHCI panic ops (the answer to the review of the series). The panicking CPU takes the
// controller over without host->lock (a stopped CPU may hold it) and without waiting for a
// stopped CPU's request: it refuses a runtime-suspended controller, aborts whatever is in flight
// with a CMD+DATA reset, switches the interrupt line off and then completes each request by
// polling INT_STATUS through the same handlers sdhci_irq uses: responses, the real command after
// a manual CMD23, PIO blocks, SDMA boundary restarts, ADMA errors, busy end, transfer complete,
// errors decoded as Linux decodes them, a stop after an error, all within a bounded time.
import * as R from '../../../include/hw/sdhci.h.ts';
import { EAGAIN, EIO, ETIMEDOUT } from '../../../include/linux/errno.h.ts';
import type { mmc_request } from '../../../include/linux/mmc/core.h.ts';
import { sdhci_send_command_retry } from './sdhci_cmd.ts';
import { sdhci_unmap_data } from './sdhci_data.ts';
import { __sdhci_finish_mrq, sdhci_request_done } from './sdhci_done.ts';
import { mmc_hostname, sdhci_readl, sdhci_writel, type sdhci_host } from './sdhci_host.ts';
import { sdhci_irq_round } from './sdhci_irq.ts';
import { SDHCI_DEFAULT_IER, sdhci_do_reset, sdhci_write_ier } from './sdhci_reset.ts';

/** Polling step, and the longest any request may take (sdhci's own software timer is 10 s). */
const POLL_STEP_US = 10;
const POLL_MAX_US = 10_000_000;

/** Forget every request: in flight (a stopped CPU's), deferred or done; free their mappings. */
const sdhci_panic_forget = (host: sdhci_host): void => {
  for (const data of [...host.mapped.keys()]) sdhci_unmap_data(host, data);
  host.cmd = null;
  host.data = null;
  host.data_cmd = null;
  host.deferred_cmd = null;
  host.data_early = false;
  host.mrqs_done[0] = null;
  host.mrqs_done[1] = null;
  host.pending_reset = false;
  host.k.timers.del_timer(host.timer);
  host.k.timers.del_timer(host.data_timer);
};

/**
 * Take the controller for polled panic I/O: refuse (-EAGAIN) when runtime-suspended (clocks
 * gated: nothing would answer, and resuming may sleep); otherwise abort what is in flight, reset
 * CMD and DATA, keep status latching with the line off. 0 or -errno. Context: panic.
 */
export const sdhci_panic_prepare_proposed = async (host: sdhci_host): Promise<number> => {
  const name = mmc_hostname(host);
  const pk = host.k.printk;
  if (host.runtime_suspended || host.clock_gated) {
    pk.pr_err(`${name}: panic: controller is runtime-suspended (clocks gated), not touching it\n`);
    return -EAGAIN;
  }
  host.panic = true;
  const stranded = host.cmd ?? host.data_cmd ?? host.deferred_cmd;
  const present = await sdhci_readl(host, R.SDHCI_PRESENT_STATE);
  if (stranded || present & (R.SDHCI_CMD_INHIBIT | R.SDHCI_DATA_INHIBIT))
    pk.pr_warn(`${name}: panic: aborting ${stranded ? `CMD${stranded.opcode}` : 'a transfer'} in flight (present state 0x${(present >>> 0).toString(16).padStart(8, '0')})\n`);
  sdhci_panic_forget(host);
  const ok = await sdhci_do_reset(host, R.SDHCI_RESET_CMD | R.SDHCI_RESET_DATA);
  host.ier = SDHCI_DEFAULT_IER;
  await sdhci_write_ier(host);
  await sdhci_writel(host, R.SDHCI_INT_ALL_MASK, R.SDHCI_INT_STATUS);
  return ok ? 0 : -ETIMEDOUT;
};

/**
 * Link @mrq's commands and data to it, as mmc_mrq_prep() does in mmc_start_request(): the
 * proposed panic path hands requests straight to ->request() (no re-tune can run), and this
 * driver finds a command's request and data through those links.
 */
export const sdhci_panic_mrq_prep = (mrq: mmc_request): void => {
  mrq.cmd.mrq = mrq;
  mrq.cmd.data = mrq.data;
  if (mrq.sbc) mrq.sbc.mrq = mrq;
  if (mrq.data) {
    mrq.data.mrq = mrq;
    if (mrq.stop) {
      mrq.data.stop = mrq.stop;
      mrq.stop.mrq = mrq;
    }
  }
};

/** How long @mrq may take: its data or busy timeout plus one second, at most 10 s. */
const sdhci_panic_budget_us = (mrq: mmc_request): number => {
  const want = mrq.data ? Math.ceil(mrq.data.timeout_ns / 1000) : mrq.cmd.busy_timeout * 1000;
  return Math.min(POLL_MAX_US, want + 1_000_000);
};

/**
 * Drive @mrq to completion by polling: every status round goes through sdhci_irq's handlers,
 * a deferred command is sent, and a finished request is completed (reset after errors, unmap).
 * True once @mrq finished, with or without error; false (-ETIMEDOUT) when it ran out of time.
 * Context: panic.
 */
export const sdhci_panic_poll_completion_proposed = async (host: sdhci_host, mrq: mmc_request): Promise<boolean> => {
  const budget = sdhci_panic_budget_us(mrq);
  for (let t = 0; ; t += POLL_STEP_US) {
    const intmask = await sdhci_readl(host, R.SDHCI_INT_STATUS);
    if (intmask === R.SDHCI_INT_ALL_MASK >>> 0) {
      host.k.printk.pr_err(`${mmc_hostname(host)}: panic: controller reads all ones, giving up\n`);
      if (!mrq.cmd.error) mrq.cmd.error = -EIO;
      break;
    }
    if (intmask) await sdhci_irq_round(host, intmask);
    const cmd = host.deferred_cmd;
    if (cmd && !(await sdhci_send_command_retry(host, cmd, false))) __sdhci_finish_mrq(host, cmd.mrq!);
    if (host.mrqs_done.includes(mrq)) {
      while (!(await sdhci_request_done(host)));
      return true;
    }
    if (t >= budget) {
      host.k.printk.pr_err(`${mmc_hostname(host)}: panic: CMD${mrq.cmd.opcode} did not complete in ${budget / 1000} ms\n`);
      if (mrq.data && !mrq.data.error) mrq.data.error = -ETIMEDOUT;
      else if (!mrq.cmd.error) mrq.cmd.error = -ETIMEDOUT;
      break;
    }
    await host.k.delay.udelay(POLL_STEP_US);
  }
  sdhci_panic_forget(host);
  await sdhci_do_reset(host, R.SDHCI_RESET_CMD | R.SDHCI_RESET_DATA);
  return false;
};

/** Leave the controller clean for the next panic request. Context: panic. */
export const sdhci_panic_complete_proposed = async (host: sdhci_host): Promise<void> => {
  if (!host.panic) return;
  sdhci_panic_forget(host);
  await sdhci_writel(host, R.SDHCI_INT_ALL_MASK, R.SDHCI_INT_STATUS);
};
