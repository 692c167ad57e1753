// SPDX-License-Identifier: GPL-2.0
// MMC command wrappers (drivers/mmc/core/mmc_ops.c): each builds one command, sends it with
// the core's retries and decodes the answer. Busy polling and CMD6 SWITCH live here too.
import { inject, injectable } from 'tsyringe';
import { EBADMSG, EILSEQ, EIO, ETIMEDOUT } from '../../../include/linux/errno.h.ts';
import { JIFFIES, type jiffies_api } from '../../../include/linux/jiffies.h.ts';
import type { mmc_card } from '../../../include/linux/mmc/card.h.ts';
import {
  MMC_CMD_AC,
  MMC_CMD_ADTC,
  MMC_CMD_BC,
  MMC_CMD_BCR,
  MMC_CMD_RETRIES,
  MMC_DATA_READ,
  MMC_RSP_NONE,
  MMC_RSP_R1,
  MMC_RSP_R1B,
  MMC_RSP_R2,
  MMC_RSP_R3,
  type mmc_command,
  mmc_command_init,
  mmc_data_init,
  mmc_request_init,
} from '../../../include/linux/mmc/core.h.ts';
import { MMC_CAP_WAIT_WHILE_BUSY, type mmc_host } from '../../../include/linux/mmc/host.h.ts';
import {
  MMC_ALL_SEND_CID,
  MMC_CARD_BUSY,
  MMC_GO_IDLE_STATE,
  MMC_SELECT_CARD,
  MMC_SEND_CSD,
  MMC_SEND_EXT_CSD,
  MMC_SEND_OP_COND,
  MMC_SEND_STATUS,
  MMC_SET_RELATIVE_ADDR,
  MMC_SWITCH,
  MMC_SWITCH_MODE_WRITE_BYTE,
  R1_STATUS,
  R1_SWITCH_ERROR,
  mmc_ready_for_data,
} from '../../../include/linux/mmc/mmc.h.ts';
import { DELAY, type delay_api } from '../../../include/linux/delay.h.ts';
import { PRINTK, type printk_api } from '../../../include/linux/printk.h.ts';
import { MmcCore } from './core.ts';

/** CMD1 polling: every 4 ms for up to 1 s (MMC_OP_COND_PERIOD_US, MMC_OP_COND_TIMEOUT_MS). */
const MMC_OP_COND_PERIOD_US = 4000;
const MMC_OP_COND_TIMEOUT_MS = 1000;
/** Default CMD6 busy timeout when EXT_CSD gives none (MMC_OPS_TIMEOUT_MS). */
export const MMC_OPS_TIMEOUT_MS = 10 * 60 * 1000;

export type mmc_busy_cmd = 'cmd6' | 'erase' | 'hpi' | 'io';

/** One busy probe: an error, or whether the card is still busy. */
type busy_cb = () => Promise<{ err: number; busy: boolean }>;

@injectable()
export class MmcOps {
  constructor(
    @inject(MmcCore) private readonly core: MmcCore,
    @inject(JIFFIES) private readonly jiffies: jiffies_api,
    @inject(DELAY) private readonly delay: delay_api,
    @inject(PRINTK) private readonly printk: printk_api,
  ) {}

  /** CMD0, after which the card needs a moment (mmc_delay(1) around it in Linux). */
  async mmc_go_idle(host: mmc_host): Promise<number> {
    const cmd = mmc_command_init({ opcode: MMC_GO_IDLE_STATE, flags: MMC_RSP_NONE | MMC_CMD_BC });
    const err = await this.core.mmc_wait_for_cmd(host, cmd, 0);
    await this.core.mmc_delay(1);
    return err;
  }

  /**
   * CMD1 until the card leaves busy (bit 31), polled every 4 ms for up to 1 s; @ocr 0 only
   * reads the card's OCR. Resolves to the error and the OCR the card answered.
   */
  async mmc_send_op_cond(host: mmc_host, ocr: number): Promise<{ err: number; rocr: number }> {
    const cmd = mmc_command_init({ opcode: MMC_SEND_OP_COND, arg: ocr, flags: MMC_RSP_R3 | MMC_CMD_BCR });
    const err = await this.__mmc_poll_for_busy(host, MMC_OP_COND_PERIOD_US, MMC_OP_COND_TIMEOUT_MS, async () => {
      const e = await this.core.mmc_wait_for_cmd(host, cmd, 0);
      if (e) return { err: e, busy: false };
      if (cmd.resp[0] & MMC_CARD_BUSY) return { err: 0, busy: false };
      // eMMC 5.1 6.4.3: keep issuing CMD1 in idle until the card is ready.
      if (!ocr) cmd.arg = (cmd.resp[0] | (1 << 30)) >>> 0;
      return { err: 0, busy: true };
    });
    return { err, rocr: cmd.resp[0] >>> 0 };
  }

  async mmc_all_send_cid(host: mmc_host): Promise<{ err: number; cid: [number, number, number, number] }> {
    const cmd = mmc_command_init({ opcode: MMC_ALL_SEND_CID, flags: MMC_RSP_R2 | MMC_CMD_BCR });
    const err = await this.core.mmc_wait_for_cmd(host, cmd, MMC_CMD_RETRIES);
    return { err, cid: [...cmd.resp] };
  }

  async mmc_set_relative_addr(card: mmc_card): Promise<number> {
    const cmd = mmc_command_init({ opcode: MMC_SET_RELATIVE_ADDR, arg: card.rca << 16, flags: MMC_RSP_R1 | MMC_CMD_AC });
    return this.core.mmc_wait_for_cmd(card.host, cmd, MMC_CMD_RETRIES);
  }

  async mmc_send_csd(card: mmc_card): Promise<{ err: number; csd: [number, number, number, number] }> {
    const cmd = mmc_command_init({ opcode: MMC_SEND_CSD, arg: card.rca << 16, flags: MMC_RSP_R2 | MMC_CMD_AC });
    const err = await this.core.mmc_wait_for_cmd(card.host, cmd, MMC_CMD_RETRIES);
    return { err, csd: [...cmd.resp] };
  }

  /** CMD7 with the card's RCA (select) or 0 (deselect, no response). */
  async mmc_select_card(card: mmc_card | null, host: mmc_host): Promise<number> {
    const cmd = card
      ? mmc_command_init({ opcode: MMC_SELECT_CARD, arg: card.rca << 16, flags: MMC_RSP_R1 | MMC_CMD_AC })
      : mmc_command_init({ opcode: MMC_SELECT_CARD, arg: 0, flags: MMC_RSP_NONE | MMC_CMD_AC });
    return this.core.mmc_wait_for_cmd(host, cmd, MMC_CMD_RETRIES);
  }

  /** CMD8 SEND_EXT_CSD: 512 bytes in one block. */
  async mmc_get_ext_csd(card: mmc_card): Promise<{ err: number; ext_csd: Uint8Array }> {
    const buf = new Uint8Array(512);
    const cmd = mmc_command_init({ opcode: MMC_SEND_EXT_CSD, arg: 0, flags: MMC_RSP_R1 | MMC_CMD_ADTC });
    const data = mmc_data_init({ buf, blksz: 512, blocks: 1, flags: MMC_DATA_READ });
    this.core.mmc_set_data_timeout(data, card);
    await this.core.mmc_wait_for_req(card.host, mmc_request_init({ cmd, data }));
    return { err: cmd.error || data.error, ext_csd: buf };
  }

  /** CMD13: the card's R1 status. */
  async mmc_send_status(card: mmc_card, retries = MMC_CMD_RETRIES): Promise<{ err: number; status: number }> {
    const cmd = mmc_command_init({ opcode: MMC_SEND_STATUS, arg: card.rca << 16, flags: MMC_RSP_R1 | MMC_CMD_AC });
    const err = await this.core.mmc_wait_for_cmd(card.host, cmd, retries);
    return { err, status: cmd.resp[0] >>> 0 };
  }

  /** mmc_switch_status_error(): warn on any error bit, SWITCH_ERROR becomes -EBADMSG. */
  mmc_switch_status_error(host: mmc_host, status: number): number {
    if (R1_STATUS(status)) this.printk.pr_warn(`${host.class_dev.name}: unexpected status 0x${(status >>> 0).toString(16)} after switch\n`);
    return status & R1_SWITCH_ERROR ? -EBADMSG : 0;
  }

  async mmc_switch_status(card: mmc_card, crc_err_fatal: boolean): Promise<number> {
    const { err, status } = await this.mmc_send_status(card, MMC_CMD_RETRIES);
    if (!crc_err_fatal && err === -EILSEQ) return 0;
    return err || this.mmc_switch_status_error(card.host, status);
  }

  /**
   * __mmc_poll_for_busy() - call @cb until it says not busy, sleeping between calls with a
   * back-off from @period_us (or 32 µs) up to 32 ms, for at most @timeout_ms.
   */
  async __mmc_poll_for_busy(host: mmc_host, period_us: number, timeout_ms: number, cb: busy_cb): Promise<number> {
    const timeout = this.jiffies.jiffies + this.jiffies.msecs_to_jiffies(timeout_ms) + 1;
    let udelay = period_us || 32;
    for (;;) {
      const expired = this.jiffies.time_after(this.jiffies.jiffies, timeout);
      const { err, busy } = await cb();
      if (err) return err;
      if (!busy) return 0;
      if (expired) {
        this.printk.pr_err(`${host.class_dev.name}: Card stuck being busy! __mmc_poll_for_busy\n`);
        return -ETIMEDOUT;
      }
      await this.delay.usleep_range(udelay, udelay * 2);
      if (udelay < 32768) udelay *= 2;
    }
  }

  /** mmc_poll_for_busy() - DAT0 through ->card_busy() when the host has it, else CMD13. */
  async mmc_poll_for_busy(card: mmc_card, timeout_ms: number, retry_crc_err: boolean, what: mmc_busy_cmd): Promise<number> {
    const host = card.host;
    return this.__mmc_poll_for_busy(host, 0, timeout_ms, async () => {
      if (host.ops.card_busy) return { err: 0, busy: host.ops.card_busy(host) };
      const { err, status } = await this.mmc_send_status(card, 0);
      if (retry_crc_err && err === -EILSEQ) return { err: 0, busy: true };
      if (err) return { err, busy: false };
      let e = 0;
      if (what === 'cmd6') e = this.mmc_switch_status_error(host, status);
      else if (what === 'erase') e = R1_STATUS(status) ? -EIO : 0;
      return { err: e, busy: !mmc_ready_for_data(status) };
    });
  }

  /**
   * mmc_prepare_busy_cmd(): R1B with a busy timeout the host can wait for in hardware, or plain
   * R1 (and polling) when the timeout exceeds max_busy_timeout. Returns whether R1B is used.
   */
  mmc_prepare_busy_cmd(host: mmc_host, cmd: mmc_command, timeout_ms: number): boolean {
    if (host.max_busy_timeout && timeout_ms > host.max_busy_timeout) {
      cmd.flags = MMC_RSP_R1 | MMC_CMD_AC;
      return false;
    }
    cmd.flags = MMC_RSP_R1B | MMC_CMD_AC;
    cmd.busy_timeout = timeout_ms;
    return true;
  }

  /**
   * __mmc_switch() - CMD6 WRITE_BYTE @value to EXT_CSD[@index], wait out the busy, optionally
   * change host timing, then check the status for SWITCH_ERROR. Context: may sleep.
   */
  async __mmc_switch(
    card: mmc_card,
    set: number,
    index: number,
    value: number,
    timeout_ms: number,
    timing: number,
    send_status: boolean,
    retry_crc_err: boolean,
    retries: number,
  ): Promise<number> {
    const host = card.host;
    const old_timing = host.ios.timing;
    this.core.retune.mmc_retune_hold(host);
    if (!timeout_ms) timeout_ms = card.ext_csd.generic_cmd6_time || MMC_OPS_TIMEOUT_MS;
    const cmd = mmc_command_init({
      opcode: MMC_SWITCH,
      arg: ((MMC_SWITCH_MODE_WRITE_BYTE << 24) | (index << 16) | (value << 8) | set) >>> 0,
    });
    const use_r1b = this.mmc_prepare_busy_cmd(host, cmd, timeout_ms);
    let err = await this.core.mmc_wait_for_cmd(host, cmd, retries);
    if (!err) {
      if (!(host.caps & MMC_CAP_WAIT_WHILE_BUSY && use_r1b)) {
        if (!send_status && !host.ops.card_busy) await this.core.mmc_delay(timeout_ms);
        else err = await this.mmc_poll_for_busy(card, timeout_ms, retry_crc_err, 'cmd6');
      }
      if (!err) {
        if (timing) await this.core.mmc_set_timing(host, timing);
        if (send_status) {
          err = await this.mmc_switch_status(card, true);
          if (err && timing) await this.core.mmc_set_timing(host, old_timing);
        }
      }
    }
    this.core.retune.mmc_retune_release(host);
    return err;
  }

  mmc_switch(card: mmc_card, set: number, index: number, value: number, timeout_ms: number): Promise<number> {
    return this.__mmc_switch(card, set, index, value, timeout_ms, 0, true, false, MMC_CMD_RETRIES);
  }
}
