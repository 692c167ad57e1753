// SPDX-License-Identifier: GPL-2.0
// Tuning (drivers/mmc/host/sdhci.c sdhci_execute_tuning, __sdhci_execute_tuning,
// sdhci_send_tuning): with Execute Tuning set the controller answers each CMD21 (CMD19) block
// with Buffer Read Ready only; the driver sends up to 40 of them, sleeping up to 50 ms for each,
// until the controller clears Execute Tuning, and uses the tuned clock if it set Sampling Clock
// Select. A failure falls back to the fixed sampling clock and is not an error.
import * as R from '../../../include/hw/sdhci.h.ts';
import { EAGAIN, ETIMEDOUT } from '../../../include/linux/errno.h.ts';
import { MMC_CMD_ADTC, MMC_RSP_R1, mmc_command_init, mmc_request_init } from '../../../include/linux/mmc/core.h.ts';
import { MMC_BUS_WIDTH_8, MMC_TIMING_MMC_HS200 } from '../../../include/linux/mmc/host.h.ts';
import { MMC_SEND_TUNING_BLOCK_HS200 } from '../../../include/linux/mmc/mmc.h.ts';
import { sdhci_send_command_retry } from './sdhci_cmd.ts';
import { sdhci_del_timer } from './sdhci_done.ts';
import { mmc_hostname, sdhci_lock_irqsave, sdhci_readw, sdhci_unlock_irqrestore, sdhci_writel, sdhci_writew, type sdhci_host } from './sdhci_host.ts';
import { sdhci_reset_for, sdhci_write_ier } from './sdhci_reset.ts';

/** MAX_TUNING_LOOP */
const SDHCI_TUNING_LOOP_COUNT = 40;

const sdhci_start_tuning = async (host: sdhci_host): Promise<void> => {
  const ctrl = await sdhci_readw(host, R.SDHCI_HOST_CONTROL2);
  await sdhci_writew(host, ctrl | R.SDHCI_CTRL_EXEC_TUNING, R.SDHCI_HOST_CONTROL2);
  // The controller generates only Buffer Read Ready while tuning: enable just that.
  await sdhci_writel(host, R.SDHCI_INT_DATA_AVAIL, R.SDHCI_INT_ENABLE);
  await sdhci_writel(host, R.SDHCI_INT_DATA_AVAIL, R.SDHCI_SIGNAL_ENABLE);
};

const sdhci_reset_tuning = async (host: sdhci_host): Promise<void> => {
  const ctrl = await sdhci_readw(host, R.SDHCI_HOST_CONTROL2);
  await sdhci_writew(host, ctrl & ~(R.SDHCI_CTRL_TUNED_CLK | R.SDHCI_CTRL_EXEC_TUNING), R.SDHCI_HOST_CONTROL2);
};

/** sdhci_abort_tuning() (without the CMD12 mmc_send_abort_tuning would send: not in our core API). */
const sdhci_abort_tuning = async (host: sdhci_host): Promise<void> => {
  await sdhci_reset_tuning(host);
  await sdhci_reset_for(host, 'REQUEST_ERROR');
  await sdhci_write_ier(host);
};

/** sdhci_send_tuning(): one tuning block, then sleep until Buffer Read Ready (at most 50 ms). Context: may sleep. */
const sdhci_send_tuning = async (host: sdhci_host, opcode: number): Promise<void> => {
  const mmc = host.mmc;
  const cmd = mmc_command_init({ opcode, flags: MMC_RSP_R1 | MMC_CMD_ADTC });
  const mrq = mmc_request_init({ cmd });
  cmd.mrq = mrq;
  const flags = await sdhci_lock_irqsave(host);
  const blksz = opcode === MMC_SEND_TUNING_BLOCK_HS200 && mmc.ios.bus_width === MMC_BUS_WIDTH_8 ? 128 : 64;
  await sdhci_writew(host, R.SDHCI_MAKE_BLKSZ(host.sdma_boundary, blksz), R.SDHCI_BLOCK_SIZE);
  // The card sends the block: TRNS_READ, and no DMA, no multi-block.
  await sdhci_writew(host, R.SDHCI_TRNS_READ, R.SDHCI_TRANSFER_MODE);
  if (!(await sdhci_send_command_retry(host, cmd, flags))) {
    sdhci_unlock_irqrestore(host, flags);
    host.tuning_done = false;
    return;
  }
  host.cmd = null;
  sdhci_del_timer(host, mrq);
  host.tuning_done = false;
  sdhci_unlock_irqrestore(host, flags);
  await host.k.wait.wait_event_timeout(host.buf_ready_int, () => host.tuning_done, host.k.jiffies.msecs_to_jiffies(50));
};

/** __sdhci_execute_tuning(): 0 when tuned; -ETIMEDOUT or -EAGAIN when falling back. */
const __sdhci_execute_tuning = async (host: sdhci_host, opcode: number): Promise<number> => {
  for (let i = 0; i < SDHCI_TUNING_LOOP_COUNT; i++) {
    await sdhci_send_tuning(host, opcode);
    if (!host.tuning_done) {
      host.k.printk.pr_debug(`${mmc_hostname(host)}: Tuning timeout, falling back to fixed sampling clock\n`);
      await sdhci_abort_tuning(host);
      return -ETIMEDOUT;
    }
    const ctrl = await sdhci_readw(host, R.SDHCI_HOST_CONTROL2);
    if (!(ctrl & R.SDHCI_CTRL_EXEC_TUNING)) {
      if (ctrl & R.SDHCI_CTRL_TUNED_CLK) return 0;
      break;
    }
  }
  host.k.printk.pr_info(`${mmc_hostname(host)}: Tuning failed, falling back to fixed sampling clock\n`);
  await sdhci_reset_tuning(host);
  return -EAGAIN;
};

/** sdhci_execute_tuning(): the host op, for HS200 only here. Returns 0 even on fallback. Context: may sleep. */
export const sdhci_execute_tuning = async (host: sdhci_host, opcode: number): Promise<number> => {
  if (host.timing !== MMC_TIMING_MMC_HS200) return 0;
  host.mmc.retune_period = host.tuning_count;
  await sdhci_start_tuning(host);
  host.tuning_err = await __sdhci_execute_tuning(host, opcode);
  await sdhci_write_ier(host);
  return 0;
};
