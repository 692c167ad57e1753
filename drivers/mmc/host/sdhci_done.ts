// SPDX-License-Identifier: GPL-2.0
// Request completion (drivers/mmc/host/sdhci.c): __sdhci_finish_mrq puts a finished request on
// mrqs_done; the IRQ completes it inline unless it must be deferred (a reset pending, DMA still
// mapped); sdhci_request_done resets after errors, unmaps (copying reads back) and calls
// mmc_request_done; the complete work and the IRQ thread drain mrqs_done.
import type { mmc_request } from '../../../include/linux/mmc/core.h.ts';
import { sdhci_unmap_data } from './sdhci_data.ts';
import {
  SDHCI_DEVICE_DEAD,
  SDHCI_MAX_MRQS,
  SDHCI_REQ_USE_DMA,
  sdhci_data_line_cmd,
  sdhci_lock_irqsave,
  sdhci_unlock_irqrestore,
  type sdhci_host,
} from './sdhci_host.ts';
import { sdhci_reset_for } from './sdhci_reset.ts';

/** sdhci_needs_reset(): a command, CMD23 or stop error leaves the controller needing a reset. */
export const sdhci_needs_reset = (host: sdhci_host, mrq: mmc_request): boolean =>
  !(host.flags & SDHCI_DEVICE_DEAD) && (!!mrq.cmd.error || !!mrq.sbc?.error || !!mrq.data?.stop?.error);

/** sdhci_defer_done(): complete from the thread, not the hard IRQ. */
export const sdhci_defer_done = (host: sdhci_host, mrq: mmc_request): boolean =>
  host.pending_reset || (!!(host.flags & SDHCI_REQ_USE_DMA) && !!mrq.data && host.mapped.has(mrq.data));

const sdhci_set_mrq_done = (host: sdhci_host, mrq: mmc_request): void => {
  if (host.mrqs_done.includes(mrq)) {
    host.k.bug.WARN_ON(true, 'sdhci_set_mrq_done: request finished twice');
    return;
  }
  const i = host.mrqs_done.indexOf(null);
  if (host.k.bug.WARN_ON(i < 0, 'sdhci_set_mrq_done: no slot')) return;
  host.mrqs_done[i] = mrq;
};

/** sdhci_del_timer() */
export const sdhci_del_timer = (host: sdhci_host, mrq: mmc_request): void => {
  host.k.timers.del_timer(sdhci_data_line_cmd(mrq.cmd) ? host.data_timer : host.timer);
};

/** __sdhci_finish_mrq(): drop every reference to @mrq and queue it as done. Context: host->lock held. */
export const __sdhci_finish_mrq = (host: sdhci_host, mrq: mmc_request): void => {
  if (host.cmd?.mrq === mrq) host.cmd = null;
  if (host.data_cmd?.mrq === mrq) host.data_cmd = null;
  if (host.deferred_cmd?.mrq === mrq) host.deferred_cmd = null;
  if (host.data?.mrq === mrq) host.data = null;
  if (sdhci_needs_reset(host, mrq)) host.pending_reset = true;
  sdhci_set_mrq_done(host, mrq);
  sdhci_del_timer(host, mrq);
};

/** sdhci_finish_mrq(): finish and let the complete work hand it back. */
export const sdhci_finish_mrq = (host: sdhci_host, mrq: mmc_request): void => {
  __sdhci_finish_mrq(host, mrq);
  host.k.wq.queue_work(host.complete_wq, host.complete_work);
};

/**
 * sdhci_request_done(): complete one request from mrqs_done; true when there was none (or it
 * must wait for the lines to be free for its reset). Context: process or IRQ thread; in our
 * panic mode, the polling CPU.
 */
export const sdhci_request_done = async (host: sdhci_host): Promise<boolean> => {
  const flags = await sdhci_lock_irqsave(host);
  const i = host.mrqs_done.findIndex((m) => m !== null);
  if (i < 0) {
    sdhci_unlock_irqrestore(host, flags);
    return true;
  }
  const mrq = host.mrqs_done[i]!;
  // The controller needs a reset of internal state machines upon error conditions.
  if (sdhci_needs_reset(host, mrq)) {
    // Do not finish until command and data lines are available for reset.
    if (host.cmd || host.data_cmd) {
      sdhci_unlock_irqrestore(host, flags);
      return true;
    }
    await sdhci_reset_for(host, 'REQUEST_ERROR');
    host.pending_reset = false;
  }
  // Always unmap the data buffers if they were mapped, whenever we finish with a request.
  if (mrq.data) sdhci_unmap_data(host, mrq.data);
  host.mrqs_done[i] = null;
  sdhci_unlock_irqrestore(host, flags);
  host.k.mmc.mmc_request_done(host.mmc, mrq);
  return false;
};

/** sdhci_complete_work() */
export const sdhci_complete_work = async (host: sdhci_host): Promise<void> => {
  while (!(await sdhci_request_done(host)));
};

/** The requests the hard IRQ may complete now (taken off mrqs_done), and whether the thread must run. */
export const sdhci_take_done = (host: sdhci_host): { now: mmc_request[]; defer: boolean } => {
  const now: mmc_request[] = [];
  let defer = false;
  for (let i = 0; i < SDHCI_MAX_MRQS; i++) {
    const mrq = host.mrqs_done[i];
    if (!mrq) continue;
    if (sdhci_defer_done(host, mrq)) defer = true;
    else {
      now.push(mrq);
      host.mrqs_done[i] = null;
    }
  }
  return { now, defer };
};
