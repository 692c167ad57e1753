// SPDX-License-Identifier: GPL-2.0
// The interrupt handlers (drivers/mmc/host/sdhci.c): sdhci_irq (hard IRQ, host->lock) acks and
// dispatches up to 16 rounds of INT_STATUS to sdhci_cmd_irq and sdhci_data_irq, completes what
// it can inline and wakes the thread for the rest; sdhci_thread_irq completes deferred requests,
// sends a deferred command and handles card events.
import * as R from '../../../include/hw/sdhci.h.ts';
import { EIO, EILSEQ, ETIMEDOUT } from '../../../include/linux/errno.h.ts';
import { IRQ_HANDLED, IRQ_NONE, IRQ_WAKE_THREAD, type irqreturn_t } from '../../../include/linux/interrupt.h.ts';
import { MMC_RSP_BUSY } from '../../../include/linux/mmc/core.h.ts';
import { sdhci_finish_command, sdhci_send_command_retry } from './sdhci_cmd.ts';
import { sdhci_finish_data, sdhci_sdma_address, sdhci_set_sdma_addr, sdhci_transfer_pio } from './sdhci_data.ts';
import { __sdhci_finish_mrq, sdhci_finish_mrq, sdhci_request_done, sdhci_take_done } from './sdhci_done.ts';
import { sdhci_dumpregs } from './sdhci_dump.ts';
import { SDHCI_AUTO_CMD12, mmc_hostname, sdhci_auto_cmd23, sdhci_lock_irqsave, sdhci_readl, sdhci_readw, sdhci_unlock_irqrestore, sdhci_writel, type sdhci_host } from './sdhci_host.ts';
import { sdhci_write_ier } from './sdhci_reset.ts';

const MMC_BUS_TEST_R = 14;
const CARD_EVENTS = R.SDHCI_INT_CARD_INSERT | R.SDHCI_INT_CARD_REMOVE;

/**
 * sdhci_cmd_irq(): command errors (timeout -ETIMEDOUT, CRC/end bit/index -EILSEQ; a data
 * command's CRC error counts as a data CRC error), Auto-CMD errors, and the response.
 * Returns the interrupt mask with any bits it turned into data errors. Context: atomic.
 */
export const sdhci_cmd_irq = async (host: sdhci_host, intmask: number, all: number): Promise<number> => {
  // Handle an Auto-CMD12 error: treated the same as a data error.
  if (intmask & R.SDHCI_INT_AUTO_CMD_ERR && host.data_cmd) {
    const mrq = host.data_cmd.mrq!;
    const st = await sdhci_readw(host, R.SDHCI_AUTO_CMD_STATUS);
    if (!mrq.sbc && host.flags & SDHCI_AUTO_CMD12) return all | (st & R.SDHCI_AUTO_CMD_TIMEOUT ? R.SDHCI_INT_DATA_TIMEOUT : R.SDHCI_INT_DATA_CRC);
  }
  const cmd = host.cmd;
  if (!cmd) {
    // Until the reset is done there very well might be more interrupts: ignore them then.
    if (host.pending_reset) return all;
    host.k.printk.pr_err(`${mmc_hostname(host)}: Got command interrupt 0x${(intmask >>> 0).toString(16).padStart(8, '0')} even though no command operation was in progress.\n`);
    await sdhci_dumpregs(host);
    return all;
  }
  if (intmask & (R.SDHCI_INT_TIMEOUT | R.SDHCI_INT_CRC | R.SDHCI_INT_END_BIT | R.SDHCI_INT_INDEX)) {
    cmd.error = intmask & R.SDHCI_INT_TIMEOUT ? -ETIMEDOUT : -EILSEQ;
    if (cmd.data && (intmask & (R.SDHCI_INT_CRC | R.SDHCI_INT_TIMEOUT)) === R.SDHCI_INT_CRC) {
      host.cmd = null;
      return all | R.SDHCI_INT_DATA_CRC;
    }
    __sdhci_finish_mrq(host, cmd.mrq!);
    return all;
  }
  // Handle an Auto-CMD23 error.
  if (intmask & R.SDHCI_INT_AUTO_CMD_ERR) {
    const mrq = cmd.mrq!;
    const st = await sdhci_readw(host, R.SDHCI_AUTO_CMD_STATUS);
    if (sdhci_auto_cmd23(host, mrq)) {
      mrq.sbc!.error = st & R.SDHCI_AUTO_CMD_TIMEOUT ? -ETIMEDOUT : -EILSEQ;
      __sdhci_finish_mrq(host, mrq);
      return all;
    }
  }
  if (intmask & R.SDHCI_INT_RESPONSE) await sdhci_finish_command(host);
  return all;
};

/** sdhci_adma_show_error() */
const sdhci_adma_show_error = async (host: sdhci_host): Promise<void> => {
  const st = await sdhci_readl(host, R.SDHCI_ADMA_ERROR);
  const at = await sdhci_readl(host, R.SDHCI_ADMA_ADDRESS);
  await sdhci_dumpregs(host);
  host.k.printk.pr_err(`${mmc_hostname(host)}: ADMA error status 0x${st.toString(16)} at descriptor 0x${at.toString(16)}\n`);
};

/**
 * sdhci_data_irq(): busy end of an R1b command, data errors (timeout -ETIMEDOUT, end bit or CRC
 * -EILSEQ, ADMA -EIO), PIO, SDMA restart at the next 512 KiB boundary, transfer complete.
 * Context: atomic.
 */
export const sdhci_data_irq = async (host: sdhci_host, intmask: number): Promise<void> => {
  const data = host.data;
  // CMD19/CMD21 generate only Buffer Read Ready when sent by sdhci_send_tuning.
  if (intmask & R.SDHCI_INT_DATA_AVAIL && !data) {
    const command = R.SDHCI_GET_CMD(await sdhci_readw(host, R.SDHCI_COMMAND));
    if (command === 19 || command === 21) {
      host.tuning_done = true;
      host.k.wait.wake_up(host.buf_ready_int);
      return;
    }
  }
  if (!data) {
    const data_cmd = host.data_cmd;
    // The "data complete" interrupt is also used to indicate that a busy state has ended.
    if (data_cmd && data_cmd.flags & MMC_RSP_BUSY) {
      if (intmask & R.SDHCI_INT_DATA_TIMEOUT) {
        host.data_cmd = null;
        data_cmd.error = -ETIMEDOUT;
        __sdhci_finish_mrq(host, data_cmd.mrq!);
        return;
      }
      if (intmask & R.SDHCI_INT_DATA_END) {
        host.data_cmd = null;
        // Some cards handle busy-end before the command completed: keep the order.
        if (host.cmd === data_cmd) return;
        __sdhci_finish_mrq(host, data_cmd.mrq!);
        return;
      }
    }
    if (host.pending_reset) return;
    host.k.printk.pr_err(`${mmc_hostname(host)}: Got data interrupt 0x${(intmask >>> 0).toString(16).padStart(8, '0')} even though no data operation was in progress.\n`);
    await sdhci_dumpregs(host);
    return;
  }
  if (intmask & R.SDHCI_INT_DATA_TIMEOUT) data.error = -ETIMEDOUT;
  else if (intmask & R.SDHCI_INT_DATA_END_BIT) data.error = -EILSEQ;
  else if (intmask & R.SDHCI_INT_DATA_CRC && R.SDHCI_GET_CMD(await sdhci_readw(host, R.SDHCI_COMMAND)) !== MMC_BUS_TEST_R) data.error = -EILSEQ;
  else if (intmask & R.SDHCI_INT_ADMA_ERROR) {
    host.k.printk.pr_err(`${mmc_hostname(host)}: ADMA error: 0x${(intmask >>> 0).toString(16).padStart(8, '0')}\n`);
    await sdhci_adma_show_error(host);
    data.error = -EIO;
  }
  if (data.error) {
    await sdhci_finish_data(host);
    return;
  }
  if (intmask & (R.SDHCI_INT_DATA_AVAIL | R.SDHCI_INT_SPACE_AVAIL)) await sdhci_transfer_pio(host);
  // We don't do anything fancy with DMA boundaries, but as we can't disable the feature we
  // need to at least restart the transfer; the address register is not trusted.
  if (intmask & R.SDHCI_INT_DMA_END) {
    const dmastart = sdhci_sdma_address(host);
    const b = R.SDHCI_DEFAULT_BOUNDARY_SIZE;
    const dmanow = Math.floor((dmastart + data.bytes_xfered) / b) * b + b;
    data.bytes_xfered = dmanow - dmastart;
    await sdhci_set_sdma_addr(host, dmanow);
  }
  if (intmask & R.SDHCI_INT_DATA_END) {
    // Data managed to finish before the command completed: keep the order.
    if (host.cmd === host.data_cmd) host.data_early = true;
    else await sdhci_finish_data(host);
  }
};

/**
 * One round of sdhci_irq() for @intmask: ack the command/data/bus-power bits, card events,
 * dispatch, re-tune. Returns the bits nobody handles (acked too). Context: atomic.
 */
export const sdhci_irq_round = async (host: sdhci_host, intmask: number): Promise<number> => {
  await sdhci_writel(host, intmask & (R.SDHCI_INT_CMD_MASK | R.SDHCI_INT_DATA_MASK | R.SDHCI_INT_BUS_POWER), R.SDHCI_INT_STATUS);
  if (intmask & CARD_EVENTS) {
    const present = (await sdhci_readl(host, R.SDHCI_PRESENT_STATE)) & R.SDHCI_CARD_PRESENT;
    host.ier = (host.ier & ~CARD_EVENTS) | (present ? R.SDHCI_INT_CARD_REMOVE : R.SDHCI_INT_CARD_INSERT);
    await sdhci_write_ier(host);
    await sdhci_writel(host, intmask & CARD_EVENTS, R.SDHCI_INT_STATUS);
    host.thread_isr |= intmask & CARD_EVENTS;
  }
  if (intmask & R.SDHCI_INT_CMD_MASK) intmask = await sdhci_cmd_irq(host, intmask & R.SDHCI_INT_CMD_MASK, intmask);
  if (intmask & R.SDHCI_INT_DATA_MASK) await sdhci_data_irq(host, intmask & R.SDHCI_INT_DATA_MASK);
  if (intmask & R.SDHCI_INT_BUS_POWER) host.k.printk.pr_err(`${mmc_hostname(host)}: Card is consuming too much power!\n`);
  if (intmask & R.SDHCI_INT_RETUNE) host.k.mmc.mmc_retune_needed(host.mmc);
  const unexpected = (intmask & ~(CARD_EVENTS | R.SDHCI_INT_CMD_MASK | R.SDHCI_INT_DATA_MASK | R.SDHCI_INT_ERROR | R.SDHCI_INT_BUS_POWER | R.SDHCI_INT_RETUNE | R.SDHCI_INT_CARD_INT)) >>> 0;
  if (unexpected) await sdhci_writel(host, unexpected, R.SDHCI_INT_STATUS);
  return unexpected;
};

/** Let go of host->lock as sdhci_irq() took it (not at all in a panic). */
const sdhci_irq_unlock = (host: sdhci_host): void => {
  if (!host.panic) host.k.sl.spin_unlock(host.lock);
};

/** sdhci_irq(): the hard IRQ handler. Context: hard IRQ; takes host->lock with spin_lock. */
export const sdhci_irq = async (host: sdhci_host): Promise<irqreturn_t> => {
  if (!host.panic) await host.k.sl.spin_lock(host.lock);
  if (host.runtime_suspended) {
    sdhci_irq_unlock(host);
    return IRQ_NONE;
  }
  let result: irqreturn_t = IRQ_NONE;
  let intmask = await sdhci_readl(host, R.SDHCI_INT_STATUS);
  let now: ReturnType<typeof sdhci_take_done>['now'] = [];
  let unexpected = 0;
  if (intmask && intmask !== 0xffffffff) {
    let loops = 16;
    do {
      if (intmask & CARD_EVENTS) result = IRQ_WAKE_THREAD;
      unexpected |= await sdhci_irq_round(host, intmask);
      if (result === IRQ_NONE) result = IRQ_HANDLED;
      intmask = await sdhci_readl(host, R.SDHCI_INT_STATUS);
    } while (intmask && --loops);
    const done = sdhci_take_done(host);
    now = done.now;
    if (done.defer) result = IRQ_WAKE_THREAD;
  }
  if (host.deferred_cmd) result = IRQ_WAKE_THREAD;
  sdhci_irq_unlock(host);
  for (const mrq of now) host.k.mmc.mmc_request_done(host.mmc, mrq);
  if (unexpected) {
    host.k.printk.pr_err(`${mmc_hostname(host)}: Unexpected interrupt 0x${(unexpected >>> 0).toString(16).padStart(8, '0')}.\n`);
    await sdhci_dumpregs(host);
  }
  return result;
};

/** sdhci_thread_irq(): deferred completions, a deferred command, card events. Context: IRQ thread. */
export const sdhci_thread_irq = async (host: sdhci_host): Promise<irqreturn_t> => {
  while (!(await sdhci_request_done(host)));
  const flags = await sdhci_lock_irqsave(host);
  const isr = host.thread_isr;
  host.thread_isr = 0;
  const cmd = host.deferred_cmd;
  if (cmd && !(await sdhci_send_command_retry(host, cmd, flags))) sdhci_finish_mrq(host, cmd.mrq!);
  sdhci_unlock_irqrestore(host, flags);
  if (isr & CARD_EVENTS) host.k.mmc.mmc_detect_change(host.mmc, host.k.jiffies.msecs_to_jiffies(200));
  return IRQ_HANDLED;
};
