// SPDX-License-Identifier: GPL-2.0
// Data transfers (drivers/mmc/host/sdhci.c): the data timeout count, DMA selection and mapping
// (SDMA address, ADMA2 table), block size with the 512 KiB SDMA boundary, block count, transfer
// mode (DMA, block count, multi, read, Auto-CMD12/23 with ARGUMENT2), the interrupts per mode,
// PIO block moves through the buffer port, and sdhci_finish_data.
import * as R from '../../../include/hw/sdhci.h.ts';
import { EIO } from '../../../include/linux/errno.h.ts';
import { DMA_FROM_DEVICE, DMA_TO_DEVICE } from '../../../include/linux/dma-mapping.h.ts';
import { MMC_DATA_READ, type mmc_command, type mmc_data } from '../../../include/linux/mmc/core.h.ts';
import { sdhci_adma_table_pre, sdhci_segments } from './sdhci_adma.ts';
import { sdhci_send_command } from './sdhci_cmd.ts';
import { __sdhci_finish_mrq } from './sdhci_done.ts';
import {
  SDHCI_AUTO_CMD12,
  SDHCI_AUTO_CMD23,
  SDHCI_MAX_TIMEOUT_COUNT,
  SDHCI_REQ_USE_DMA,
  SDHCI_USE_64_BIT_DMA,
  SDHCI_USE_ADMA,
  SDHCI_USE_SDMA,
  sdhci_auto_cmd12,
  sdhci_auto_cmd23,
  sdhci_readb,
  sdhci_readl,
  sdhci_readw,
  sdhci_writeb,
  sdhci_writel,
  sdhci_writew,
  type sdhci_host,
} from './sdhci_host.ts';
import { sdhci_reset_for, sdhci_write_ier } from './sdhci_reset.ts';

const MMC_READ_MULTIPLE_BLOCK = 18;
const MMC_WRITE_MULTIPLE_BLOCK = 25;

/** sdhci_target_timeout(): what the command or data asks for, in µs. */
export const sdhci_target_timeout = (cmd: mmc_command, data: mmc_data | null, clock: number): number => {
  if (!data) return cmd.busy_timeout * 1000;
  let us = Math.ceil(data.timeout_ns / 1000);
  if (clock && data.timeout_clks) us += Math.ceil((1e6 * data.timeout_clks) / clock);
  return us;
};

/**
 * The TIMEOUT_CONTROL count n with TMCLK * 2^(13+n) >= @target_us (@timeout_clk in kHz); above
 * 0xE it is capped ("too big"). 0xE when there is nothing to go by.
 */
export const sdhci_timeout_count = (timeout_clk: number, target_us: number): number => {
  if (!target_us) return SDHCI_MAX_TIMEOUT_COUNT;
  let count = 0;
  let current = Math.floor(((1 << 13) * 1000) / timeout_clk);
  while (current < target_us) {
    count++;
    current *= 2;
    if (count > SDHCI_MAX_TIMEOUT_COUNT) return SDHCI_MAX_TIMEOUT_COUNT;
  }
  return count;
};

/** sdhci_set_timeout() for a command using the DAT line. */
export const sdhci_set_timeout = async (host: sdhci_host, cmd: mmc_command): Promise<void> => {
  const count = host.has('BROKEN_TIMEOUT_VAL') ? SDHCI_MAX_TIMEOUT_COUNT : sdhci_timeout_count(host.timeout_clk, sdhci_target_timeout(cmd, cmd.data, host.clock));
  await sdhci_writeb(host, count, R.SDHCI_TIMEOUT_CONTROL);
};

/** What the TRANSFER_MODE register gets for a data command. */
export interface sdhci_mode_in {
  readonly opcode: number;
  readonly blocks: number;
  readonly read: boolean;
  readonly dma: boolean;
  readonly auto_cmd12: boolean;
  readonly auto_cmd23: boolean;
}

/** The transfer mode bits (sdhci_set_transfer_mode, sdhci_auto_cmd_select). */
export const sdhci_transfer_mode_bits = (m: sdhci_mode_in): number => {
  let mode = R.SDHCI_TRNS_BLK_CNT_EN;
  if (m.opcode === MMC_READ_MULTIPLE_BLOCK || m.opcode === MMC_WRITE_MULTIPLE_BLOCK || m.blocks > 1) {
    mode = R.SDHCI_TRNS_BLK_CNT_EN | R.SDHCI_TRNS_MULTI;
    // If we are sending CMD23, CMD12 never gets sent on successful completion.
    if (m.auto_cmd12) mode |= R.SDHCI_TRNS_AUTO_CMD12;
    else if (m.auto_cmd23) mode |= R.SDHCI_TRNS_AUTO_CMD23;
  }
  if (m.read) mode |= R.SDHCI_TRNS_READ;
  if (m.dma) mode |= R.SDHCI_TRNS_DMA;
  return mode;
};

/** sdhci_set_transfer_mode(); no-data commands only clear the Auto-CMD bits. */
export const sdhci_set_transfer_mode = async (host: sdhci_host, cmd: mmc_command): Promise<void> => {
  const data = cmd.data;
  if (!data) {
    const mode = await sdhci_readw(host, R.SDHCI_TRANSFER_MODE);
    await sdhci_writew(host, mode & ~(R.SDHCI_TRNS_AUTO_CMD12 | R.SDHCI_TRNS_AUTO_CMD23), R.SDHCI_TRANSFER_MODE);
    return;
  }
  const mrq = cmd.mrq!;
  const multi = cmd.opcode === MMC_READ_MULTIPLE_BLOCK || cmd.opcode === MMC_WRITE_MULTIPLE_BLOCK || data.blocks > 1;
  const mode = sdhci_transfer_mode_bits({
    opcode: cmd.opcode,
    blocks: data.blocks,
    read: !!(data.flags & MMC_DATA_READ),
    dma: !!(host.flags & SDHCI_REQ_USE_DMA),
    auto_cmd12: sdhci_auto_cmd12(host, mrq),
    auto_cmd23: sdhci_auto_cmd23(host, mrq),
  });
  if (multi && sdhci_auto_cmd23(host, mrq)) await sdhci_writel(host, mrq.sbc!.arg, R.SDHCI_ARGUMENT2);
  await sdhci_writew(host, mode, R.SDHCI_TRANSFER_MODE);
};

/** sdhci_config_dma(): DMA select in HOST_CONTROL (SDMA, ADMA2 32 or 64), none for PIO. */
const sdhci_config_dma = async (host: sdhci_host): Promise<void> => {
  if (host.version < R.SDHCI_SPEC_200) return;
  let ctrl = (await sdhci_readb(host, R.SDHCI_HOST_CONTROL)) & ~R.SDHCI_CTRL_DMA_MASK;
  if (host.flags & SDHCI_REQ_USE_DMA) {
    if (host.flags & SDHCI_USE_ADMA) ctrl |= R.SDHCI_CTRL_ADMA32;
    if (host.flags & SDHCI_USE_64_BIT_DMA && host.flags & SDHCI_USE_ADMA) ctrl |= R.SDHCI_CTRL_ADMA64;
  }
  await sdhci_writeb(host, ctrl, R.SDHCI_HOST_CONTROL);
};

/** sdhci_pre_dma_transfer(): map the buffer; the number of segments, 0 on failure. */
const sdhci_pre_dma_transfer = (host: sdhci_host, data: mmc_data): number => {
  const dma = host.k.dma;
  if (!dma) return 0;
  const dir = data.flags & MMC_DATA_READ ? DMA_FROM_DEVICE : DMA_TO_DEVICE;
  let addr: number;
  try {
    addr = dma.dma_map_single(data.buf, dir);
  } catch {
    return 0;
  }
  host.mapped.set(data, { addr, dir });
  return host.flags & SDHCI_USE_ADMA ? Math.ceil(data.buf.length / host.mmc.max_seg_size) : 1;
};

/** Unmap @data if it is mapped (reads are copied back into the buffer). */
export const sdhci_unmap_data = (host: sdhci_host, data: mmc_data): void => {
  const m = host.mapped.get(data);
  if (!m) return;
  host.mapped.delete(data);
  host.k.dma!.dma_unmap_single(m.addr, data.buf, m.dir);
};

/** sdhci_sdma_address(): where the request's buffer is mapped. */
export const sdhci_sdma_address = (host: sdhci_host): number => host.mapped.get(host.data!)?.addr ?? 0;

export const sdhci_set_sdma_addr = (host: sdhci_host, addr: number): Promise<void> => sdhci_writel(host, addr, R.SDHCI_DMA_ADDRESS);

const sdhci_set_adma_addr = async (host: sdhci_host, addr: number): Promise<void> => {
  await sdhci_writel(host, addr, R.SDHCI_ADMA_ADDRESS);
  if (host.flags & SDHCI_USE_64_BIT_DMA) await sdhci_writel(host, Math.floor(addr / 2 ** 32), R.SDHCI_ADMA_ADDRESS_HI);
};

/** sdhci_set_transfer_irqs(): PIO or DMA interrupts, plus Auto-CMD errors when used. */
const sdhci_set_transfer_irqs = async (host: sdhci_host): Promise<void> => {
  const pio_irqs = R.SDHCI_INT_DATA_AVAIL | R.SDHCI_INT_SPACE_AVAIL;
  const dma_irqs = R.SDHCI_INT_DMA_END | R.SDHCI_INT_ADMA_ERROR;
  if (host.flags & SDHCI_REQ_USE_DMA) host.ier = (host.ier & ~pio_irqs) | dma_irqs;
  else host.ier = (host.ier & ~dma_irqs) | pio_irqs;
  if (host.flags & (SDHCI_AUTO_CMD23 | SDHCI_AUTO_CMD12)) host.ier |= R.SDHCI_INT_AUTO_CMD_ERR;
  else host.ier &= ~R.SDHCI_INT_AUTO_CMD_ERR;
  await sdhci_write_ier(host);
};

/** sdhci_prepare_data(): DMA (mapped, table or address) or PIO set-up, interrupts, block size and count. */
export const sdhci_prepare_data = async (host: sdhci_host, cmd: mmc_command): Promise<void> => {
  const data = cmd.data!;
  host.k.bug.WARN_ON(host.data !== null, 'sdhci_prepare_data: host->data is set');
  host.data = data;
  host.data_early = false;
  data.bytes_xfered = 0;
  if (host.flags & (SDHCI_USE_SDMA | SDHCI_USE_ADMA)) host.flags |= SDHCI_REQ_USE_DMA;
  else host.flags &= ~SDHCI_REQ_USE_DMA;
  await sdhci_config_dma(host);
  if (host.flags & SDHCI_REQ_USE_DMA) {
    const sg_cnt = sdhci_pre_dma_transfer(host, data);
    if (sg_cnt <= 0) {
      // This only happens when someone fed us an invalid request (or the DMA zone is full).
      host.k.bug.WARN_ON(true, 'sdhci_prepare_data: cannot map the buffer, using PIO');
      host.flags &= ~SDHCI_REQ_USE_DMA;
    } else if (host.flags & SDHCI_USE_ADMA) {
      const addr = host.mapped.get(data)!.addr;
      const used = sdhci_adma_table_pre(host.adma_table!.cpu, !!(host.flags & SDHCI_USE_64_BIT_DMA), sdhci_segments(addr, data.buf.length, host.mmc.max_seg_size), host.max_adma);
      host.k.bug.WARN_ON(used < 0, 'sdhci_adma_table_pre: table too small');
      await sdhci_set_adma_addr(host, host.adma_table!.dma_addr);
    } else await sdhci_set_sdma_addr(host, sdhci_sdma_address(host));
  }
  if (!(host.flags & SDHCI_REQ_USE_DMA)) {
    host.blocks = data.blocks;
    host.pio_offset = 0;
  }
  await sdhci_set_transfer_irqs(host);
  await sdhci_writew(host, R.SDHCI_MAKE_BLKSZ(host.sdma_boundary, data.blksz), R.SDHCI_BLOCK_SIZE);
  await sdhci_writew(host, data.blocks, R.SDHCI_BLOCK_COUNT);
};

/** One block through the buffer data port, 32 bits at a time, bytes LSB first. */
const sdhci_pio_block = async (host: sdhci_host, data: mmc_data, read: boolean): Promise<void> => {
  const blk = data.buf.subarray(host.pio_offset, host.pio_offset + data.blksz);
  const words = Math.ceil(data.blksz / 4);
  const direct = blk.byteOffset % 4 === 0 && data.blksz % 4 === 0;
  const w = direct ? new Uint32Array(blk.buffer, blk.byteOffset, words) : new Uint32Array(words);
  if (read) {
    await host.ioaddr.ioread32_rep(R.SDHCI_BUFFER, w);
    if (!direct) blk.set(new Uint8Array(w.buffer, 0, data.blksz));
  } else {
    if (!direct) new Uint8Array(w.buffer).set(blk);
    await host.ioaddr.iowrite32_rep(R.SDHCI_BUFFER, w);
  }
  host.pio_offset += data.blksz;
};

/**
 * sdhci_transfer_pio(): while PRESENT_STATE says the buffer is ready (read: data available;
 * write: space available), move one block. Context: atomic (hard IRQ or panic poll).
 */
export const sdhci_transfer_pio = async (host: sdhci_host): Promise<void> => {
  const data = host.data!;
  if (host.blocks === 0) return;
  const read = !!(data.flags & MMC_DATA_READ);
  const mask = read ? R.SDHCI_DATA_AVAILABLE : R.SDHCI_SPACE_AVAILABLE;
  while ((await sdhci_readl(host, R.SDHCI_PRESENT_STATE)) & mask) {
    await sdhci_pio_block(host, data, read);
    if (--host.blocks === 0) break;
  }
};

/**
 * __sdhci_finish_data(): reset after an error, account the bytes (none on error: the block count
 * register cannot be trusted), then send the stop when the transfer was open-ended without
 * Auto-CMD12, or failed; otherwise the request is finished. Context: atomic, host->lock held.
 */
export const __sdhci_finish_data = async (host: sdhci_host, sw_data_timeout: boolean): Promise<void> => {
  const data_cmd = host.data_cmd;
  const data = host.data!;
  host.data = null;
  host.data_cmd = null;
  if (data.error) {
    if (!host.cmd || host.cmd === data_cmd) await sdhci_reset_for(host, 'REQUEST_ERROR');
    else await sdhci_reset_for(host, 'REQUEST_ERROR_DATA_ONLY');
  }
  data.bytes_xfered = data.error ? 0 : data.blksz * data.blocks;
  const mrq = data.mrq!;
  if (data.stop && ((!mrq.sbc && !sdhci_auto_cmd12(host, mrq)) || data.error)) {
    if (mrq.cap_cmd_during_tfr) {
      __sdhci_finish_mrq(host, mrq);
      return;
    }
    // Avoid triggering the warning in sdhci_send_command().
    host.cmd = null;
    if (!(await sdhci_send_command(host, data.stop))) {
      if (sw_data_timeout) {
        // This is anyway a software data timeout, so give up now.
        data.stop.error = -EIO;
        __sdhci_finish_mrq(host, mrq);
      } else {
        host.k.bug.WARN_ON(host.deferred_cmd !== null, '__sdhci_finish_data: deferred_cmd is set');
        host.deferred_cmd = data.stop;
      }
    }
    return;
  }
  __sdhci_finish_mrq(host, mrq);
};

/** sdhci_finish_data() */
export const sdhci_finish_data = (host: sdhci_host): Promise<void> => __sdhci_finish_data(host, false);
