// SPDX-License-Identifier: GPL-2.0
// Command issue (drivers/mmc/host/sdhci.c): sdhci_request, sdhci_send_command with its inhibit
// check, the retry loop that drops host->lock between tries, the COMMAND register encoding, and
// sdhci_finish_command (responses, R2 shifting, the real command after a manual CMD23). The
// series' v4 change to the retry loop (mdelay, no print while oops_in_progress) is here too.
import * as R from '../../../include/hw/sdhci.h.ts';
import { EIO, ENOMEDIUM } from '../../../include/linux/errno.h.ts';
import { MMC_RSP_136, MMC_RSP_BUSY, MMC_RSP_CRC, MMC_RSP_OPCODE, MMC_RSP_PRESENT, type mmc_command, type mmc_request } from '../../../include/linux/mmc/core.h.ts';
import { MMC_CAP_NONREMOVABLE } from '../../../include/linux/mmc/host.h.ts';
import { MMC_SEND_TUNING_BLOCK_HS200 } from '../../../include/linux/mmc/mmc.h.ts';
import { sdhci_finish_data, sdhci_prepare_data, sdhci_set_timeout, sdhci_set_transfer_mode } from './sdhci_data.ts';
import { __sdhci_finish_mrq, sdhci_finish_mrq } from './sdhci_done.ts';
import { sdhci_dumpregs } from './sdhci_dump.ts';
import {
  SDHCI_DEVICE_DEAD,
  mmc_hostname,
  sdhci_data_line_cmd,
  sdhci_lock_irqsave,
  sdhci_manual_cmd23,
  sdhci_readl,
  sdhci_unlock_irqrestore,
  sdhci_writel,
  sdhci_writew,
  type sdhci_host,
} from './sdhci_host.ts';
import { sdhci_panic_mrq_prep } from './sdhci_panic_proposed.ts';
import { sdhci_series_quiet } from './sdhci_variant.ts';

const MMC_SEND_TUNING_BLOCK = 19;

/** The low byte of the COMMAND register for @flags (mmc_command.flags) and whether data follows. */
export const sdhci_command_flags = (flags: number, data: boolean, opcode = 0): number => {
  let f: number;
  if (!(flags & MMC_RSP_PRESENT)) f = R.SDHCI_CMD_RESP_NONE;
  else if (flags & MMC_RSP_136) f = R.SDHCI_CMD_RESP_LONG;
  else if (flags & MMC_RSP_BUSY) f = R.SDHCI_CMD_RESP_SHORT_BUSY;
  else f = R.SDHCI_CMD_RESP_SHORT;
  if (flags & MMC_RSP_CRC) f |= R.SDHCI_CMD_CRC;
  if (flags & MMC_RSP_OPCODE) f |= R.SDHCI_CMD_INDEX;
  // CMD19 is special in that the Data Present Select should be set.
  if (data || opcode === MMC_SEND_TUNING_BLOCK || opcode === MMC_SEND_TUNING_BLOCK_HS200) f |= R.SDHCI_CMD_DATA;
  return f;
};

/**
 * The 128-bit R2 response as Linux builds it: resp[0..3] read from 0x1C, 0x18, 0x14, 0x10 (the
 * controller strips the CRC and right-aligns CID/CSD[127:8]), then shifted left by 8 bits.
 */
export const sdhci_rsp_136_shift = (regs: readonly [number, number, number, number]): [number, number, number, number] => {
  const r = [...regs] as [number, number, number, number];
  for (let i = 0; i < 4; i++) {
    r[i] = (r[i]! << 8) >>> 0;
    if (i !== 3) r[i] = (r[i]! | (regs[i + 1]! >>> 24)) >>> 0;
  }
  return r;
};

/** sdhci_read_rsp_136() */
const sdhci_read_rsp_136 = async (host: sdhci_host, cmd: mmc_command): Promise<void> => {
  const regs: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) regs[i] = await sdhci_readl(host, R.SDHCI_RESPONSE + (3 - i) * 4);
  cmd.resp = sdhci_rsp_136_shift(regs);
};

/** sdhci_get_cd(): non-removable slots are always present; others read PRESENT_STATE. */
export const sdhci_get_cd = async (host: sdhci_host): Promise<boolean> => {
  if (host.flags & SDHCI_DEVICE_DEAD) return false;
  if (host.mmc.caps & MMC_CAP_NONREMOVABLE) return true;
  return !!((await sdhci_readl(host, R.SDHCI_PRESENT_STATE)) & R.SDHCI_CARD_PRESENT);
};

/** sdhci_present_error() */
const sdhci_present_error = (host: sdhci_host, cmd: mmc_command, present: boolean): boolean => {
  if (!present || host.flags & SDHCI_DEVICE_DEAD) {
    cmd.error = -ENOMEDIUM;
    return true;
  }
  return false;
};

/**
 * sdhci_send_command(): false if the controller is still inhibited for @cmd. Otherwise program
 * data, argument, transfer mode and the software timer, and write COMMAND.
 * Context: atomic, host->lock held.
 */
export const sdhci_send_command = async (host: sdhci_host, cmd: mmc_command): Promise<boolean> => {
  const k = host.k;
  k.bug.WARN_ON(host.cmd !== null, 'sdhci_send_command: host->cmd is set');
  cmd.error = 0;
  let mask = R.SDHCI_CMD_INHIBIT;
  if (sdhci_data_line_cmd(cmd)) mask |= R.SDHCI_DATA_INHIBIT;
  // We shouldn't wait for data inhibit for stop commands, even though they might use busy signalling.
  if (cmd.mrq?.data && cmd === cmd.mrq.data.stop) mask &= ~R.SDHCI_DATA_INHIBIT;
  if ((await sdhci_readl(host, R.SDHCI_PRESENT_STATE)) & mask) return false;

  host.cmd = cmd;
  if (sdhci_data_line_cmd(cmd)) {
    k.bug.WARN_ON(host.data_cmd !== null, 'sdhci_send_command: host->data_cmd is set');
    host.data_cmd = cmd;
    await sdhci_set_timeout(host, cmd);
  }
  if (cmd.data) await sdhci_prepare_data(host, cmd);
  await sdhci_writel(host, cmd.arg, R.SDHCI_ARGUMENT);
  await sdhci_set_transfer_mode(host, cmd);
  if (cmd.flags & MMC_RSP_136 && cmd.flags & MMC_RSP_BUSY) {
    k.bug.WARN_ON(true, 'Unsupported response type!');
    cmd.flags &= ~MMC_RSP_BUSY;
  }
  const flags = sdhci_command_flags(cmd.flags, !!cmd.data, cmd.opcode);
  let timeout = k.jiffies.jiffies;
  if (!cmd.data && cmd.busy_timeout > 9000) timeout += Math.ceil(cmd.busy_timeout / 1000) * k.jiffies.HZ + k.jiffies.HZ;
  else timeout += 10 * k.jiffies.HZ;
  // sdhci_mod_timer(): the request's main command picks the timer, for its CMD23 and stop too.
  k.timers.mod_timer(sdhci_data_line_cmd(cmd.mrq!.cmd) ? host.data_timer : host.timer, timeout);
  await sdhci_writew(host, R.SDHCI_MAKE_CMD(cmd.opcode, flags), R.SDHCI_COMMAND);
  return true;
};

/**
 * sdhci_send_command_retry(): while inhibited, drop host->lock, wait about 1 ms and try again,
 * ten times; then "Controller never released inhibit bit(s)" and -EIO. With the series in force
 * and oops_in_progress set, the wait is mdelay and nothing is printed (v4). Our panic mode busy
 * waits too. Context: host->lock held (irqsave, @flags); may sleep between tries outside panic.
 */
export const sdhci_send_command_retry = async (host: sdhci_host, cmd: mmc_command, flags: boolean): Promise<boolean> => {
  const deferred_cmd = host.deferred_cmd;
  let timeout = 10;
  while (!(await sdhci_send_command(host, cmd))) {
    const quiet = sdhci_series_quiet(host);
    if (!timeout--) {
      if (!quiet) {
        host.k.printk.pr_err(`${mmc_hostname(host)}: Controller never released inhibit bit(s).\n`);
        await sdhci_dumpregs(host);
      }
      cmd.error = -EIO;
      return false;
    }
    sdhci_unlock_irqrestore(host, flags);
    if (quiet || host.panic) await host.k.delay.mdelay(1);
    else await host.k.delay.usleep_range(1000, 1250);
    const present = await sdhci_get_cd(host);
    await sdhci_lock_irqsave(host);
    // A deferred command might disappear, handle that.
    if (cmd === deferred_cmd && cmd !== host.deferred_cmd) return true;
    if (sdhci_present_error(host, cmd, present)) return false;
  }
  if (cmd === host.deferred_cmd) host.deferred_cmd = null;
  return true;
};

/** sdhci_request(): the host op. Context: process; takes host->lock (not in our panic mode). */
export const sdhci_request = async (host: sdhci_host, mrq: mmc_request): Promise<void> => {
  if (host.panic) sdhci_panic_mrq_prep(mrq);
  const present = await sdhci_get_cd(host);
  const flags = await sdhci_lock_irqsave(host);
  let ok = !sdhci_present_error(host, mrq.cmd, present);
  if (ok) {
    const cmd = sdhci_manual_cmd23(host, mrq) ? mrq.sbc! : mrq.cmd;
    ok = await sdhci_send_command_retry(host, cmd, flags);
  }
  if (!ok) sdhci_finish_mrq(host, mrq);
  sdhci_unlock_irqrestore(host, flags);
};

/**
 * sdhci_finish_command(): read the response; an R1b command without data waits for busy end
 * (DATA_END); after a manual CMD23 the real command goes out now; a command without data
 * finishes its request. Context: atomic, host->lock held.
 */
export const sdhci_finish_command = async (host: sdhci_host): Promise<void> => {
  const cmd = host.cmd!;
  host.cmd = null;
  if (cmd.flags & MMC_RSP_PRESENT) {
    if (cmd.flags & MMC_RSP_136) await sdhci_read_rsp_136(host, cmd);
    else cmd.resp[0] = await sdhci_readl(host, R.SDHCI_RESPONSE);
  }
  const mrq = cmd.mrq!;
  if (cmd.flags & MMC_RSP_BUSY && !cmd.data && !host.has('NO_BUSY_IRQ') && cmd === host.data_cmd) return; // busy end still to come
  if (cmd === mrq.sbc) {
    // Finished CMD23, now send the actual command.
    if (!(await sdhci_send_command(host, mrq.cmd))) {
      host.k.bug.WARN_ON(host.deferred_cmd !== null, 'sdhci_finish_command: deferred_cmd is set');
      host.deferred_cmd = mrq.cmd;
    }
    return;
  }
  if (host.data && host.data_early) await sdhci_finish_data(host);
  if (!cmd.data) __sdhci_finish_mrq(host, mrq);
};
