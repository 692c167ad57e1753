// SPDX-License-Identifier: GPL-2.0
// eMMC bring-up and card power management (drivers/mmc/core/mmc.c): mmc_attach_mmc,
// mmc_init_card (CMD0, CMD1 with sector mode, CMD2, CMD3, CMD9, CMD7, CMD8, then the CMD6
// switches: erase group, user partition, power-off notification, timing and bus width with the
// EXT_CSD comparison, HPI, cache), suspend/resume with cache flush and sleep or power-off
// notification, full re-init on resume, and the bus operations.
import { inject, injectable } from 'tsyringe';
import { EBADMSG, EINVAL, EIO, ENOENT } from '../../../include/linux/errno.h.ts';
import {
  MMC_STATE_BLOCKADDR,
  MMC_STATE_SUSPENDED,
  mmc_card_suspended,
  type mmc_card,
} from '../../../include/linux/mmc/card.h.ts';
import { MMC_CMD_AC, MMC_CMD_RETRIES, MMC_RSP_R1, MMC_RSP_R1B, mmc_command_init } from '../../../include/linux/mmc/core.h.ts';
import {
  MMC_BUSMODE_OPENDRAIN,
  MMC_BUSMODE_PUSHPULL,
  MMC_BUS_WIDTH_1,
  MMC_BUS_WIDTH_4,
  MMC_BUS_WIDTH_8,
  MMC_CAP2_CQE,
  MMC_CAP2_FULL_PWR_CYCLE,
  MMC_CAP_4_BIT_DATA,
  MMC_CAP_8_BIT_DATA,
  MMC_CAP_AGGRESSIVE_PM,
  MMC_CAP_WAIT_WHILE_BUSY,
  MMC_SIGNAL_VOLTAGE_120,
  MMC_SIGNAL_VOLTAGE_180,
  MMC_TIMING_MMC_DDR52,
  MMC_TIMING_MMC_HS,
  MMC_TIMING_MMC_HS200,
  MMC_TIMING_MMC_HS400,
  type mmc_host,
} from '../../../include/linux/mmc/host.h.ts';
import * as X from '../../../include/linux/mmc/mmc.h.ts';
import { PRINTK, type printk_api } from '../../../include/linux/printk.h.ts';
import { MmcBus } from './bus.ts';
import { MmcCore } from './core.ts';
import { mmc_hostname, type mmc_bus_ops } from './core.h.ts';
import { EXT_CSD_COMPARED, mmc_decode_cid, mmc_decode_csd, mmc_decode_ext_csd } from './mmc_decode.ts';
import { MmcOps } from './mmc_ops.ts';

/** -ENOTSUPP (kernel-internal 524): the bus width test failed. */
const ENOTSUPP = 524;
const MMC_CACHE_FLUSH_TIMEOUT_MS = 30 * 1000;
const MMC_MIN_FLUSH_TIMEOUT_MS = 1600;

const is_hs = (h: mmc_host): boolean => h.ios.timing === MMC_TIMING_MMC_HS;
const is_hs200 = (h: mmc_host): boolean => h.ios.timing === MMC_TIMING_MMC_HS200;

@injectable()
export class MmcAttach {
  /** The bus operations of an eMMC (mmc_ops in mmc.c). */
  readonly bus_ops: mmc_bus_ops = {
    remove: (host) => this.mmc_remove(host),
    detect: (host) => this.mmc_detect(host),
    suspend: (host) => this._mmc_suspend(host, true),
    resume: (host) => this._mmc_resume(host),
    runtime_suspend: (host) => this.mmc_runtime_suspend(host),
    runtime_resume: (host) => this.mmc_runtime_resume(host),
    alive: (host) => this.mmc_alive(host),
    shutdown: (host) => this.mmc_shutdown(host),
  };

  constructor(
    @inject(MmcCore) private readonly core: MmcCore,
    @inject(MmcOps) private readonly ops: MmcOps,
    @inject(MmcBus) private readonly bus: MmcBus,
    @inject(PRINTK) private readonly printk: printk_api,
  ) {}

  /** mmc_attach_mmc() - the host is claimed; identify and add an eMMC. Returns 0 or -errno. */
  async mmc_attach_mmc(host: mmc_host): Promise<number> {
    await this.core.mmc_set_bus_mode(host, MMC_BUSMODE_OPENDRAIN);
    const probe = await this.ops.mmc_send_op_cond(host, 0);
    if (probe.err) return probe.err;
    host.bus_ops = this.bus_ops;
    const rocr = this.core.mmc_select_voltage(host, probe.rocr);
    if (!rocr) return this.attach_failed(host, -EINVAL);
    const err = await this.mmc_init_card(host, rocr, null);
    if (err) return this.attach_failed(host, err);
    await this.core.mmc_release_host(host);
    const add = await this.bus.mmc_add_card(host.card!);
    await this.core.mmc_claim_host(host);
    if (add) {
      host.card = null;
      return this.attach_failed(host, add);
    }
    return 0;
  }

  private attach_failed(host: mmc_host, err: number): number {
    host.bus_ops = null;
    this.printk.pr_err(`${mmc_hostname(host)}: error ${err} whilst initialising MMC card\n`);
    return err;
  }

  /**
   * mmc_init_card() - bring a card from idle to transfer state at its best timing. With
   * @oldcard (resume) the CID must match and the same card object is reused.
   */
  async mmc_init_card(host: mmc_host, ocr: number, oldcard: mmc_card | null): Promise<number> {
    await this.ops.mmc_go_idle(host);
    const opc = await this.ops.mmc_send_op_cond(host, (ocr | X.MMC_OCR_SECTOR_MODE) >>> 0);
    if (opc.err) return opc.err;
    const cid = await this.ops.mmc_all_send_cid(host);
    if (cid.err) return cid.err;
    let card: mmc_card;
    if (oldcard) {
      if (cid.cid.some((w, i) => w !== oldcard.raw_cid[i])) return -ENOENT;
      card = oldcard;
    } else {
      card = this.bus.mmc_alloc_card(host, 1);
      card.ocr = ocr;
      card.raw_cid = cid.cid;
    }
    let err = await this.ops.mmc_set_relative_addr(card);
    if (err) return err;
    await this.core.mmc_set_bus_mode(host, MMC_BUSMODE_PUSHPULL);
    if (!oldcard) {
      const csd = await this.ops.mmc_send_csd(card);
      if (csd.err) return csd.err;
      card.raw_csd = csd.csd;
      const dcsd = mmc_decode_csd(csd.csd);
      if (typeof dcsd === 'string') return this.decode_error(host, dcsd);
      card.csd = dcsd;
      const dcid = mmc_decode_cid(card.raw_cid, dcsd.mmca_vsn);
      if (typeof dcid === 'string') return this.decode_error(host, dcid);
      card.cid = dcid;
    }
    err = await this.ops.mmc_select_card(card, host);
    if (err) return err;
    if (!oldcard) {
      err = await this.mmc_read_ext_csd(card);
      if (err) return err;
      if (opc.rocr & X.MMC_OCR_SECTOR_MODE) card.state |= MMC_STATE_BLOCKADDR;
    }
    const ext = card.ext_csd;
    if (ext.rev >= 3 && ext.partition_setting_completed) {
      err = await this.ops.mmc_switch(card, X.EXT_CSD_CMD_SET_NORMAL, X.EXT_CSD_ERASE_GROUP_DEF, 1, ext.generic_cmd6_time);
      if (err && err !== -EBADMSG) return err;
      ext.erase_group_def = err ? 0 : 1;
    }
    if (ext.part_config & X.EXT_CSD_PART_CONFIG_ACC_MASK) {
      ext.part_config &= ~X.EXT_CSD_PART_CONFIG_ACC_MASK;
      err = await this.ops.mmc_switch(card, X.EXT_CSD_CMD_SET_NORMAL, X.EXT_CSD_PART_CONFIG, ext.part_config, ext.part_time);
      if (err && err !== -EBADMSG) return err;
      card.part_curr = ext.part_config & X.EXT_CSD_PART_CONFIG_ACC_MASK;
    }
    if (ext.rev >= 6) {
      err = await this.ops.mmc_switch(card, X.EXT_CSD_CMD_SET_NORMAL, X.EXT_CSD_POWER_OFF_NOTIFICATION, X.EXT_CSD_POWER_ON, ext.generic_cmd6_time);
      if (err && err !== -EBADMSG) return err;
      if (!err) ext.power_off_notification = X.EXT_CSD_POWER_ON;
    }
    err = await this.mmc_select_timing(card);
    if (err) return err;
    if (is_hs200(host)) {
      err = await this.core.retune.mmc_execute_tuning(host);
      if (err) return err;
    } else {
      const width = await this.mmc_select_bus_width(card);
      if (width > 0 && is_hs(host)) {
        err = await this.mmc_select_hs_ddr(card);
        if (err) return err;
      }
    }
    if (ext.hpi) {
      err = await this.ops.mmc_switch(card, X.EXT_CSD_CMD_SET_NORMAL, X.EXT_CSD_HPI_MGMT, 1, ext.generic_cmd6_time);
      if (err && err !== -EBADMSG) return err;
      if (err) this.printk.pr_warn(`${mmc_hostname(host)}: Enabling HPI failed\n`);
      ext.hpi_en = !err;
    }
    if (ext.cache_size > 0) {
      const timeout = Math.max(ext.generic_cmd6_time, MMC_MIN_FLUSH_TIMEOUT_MS);
      err = await this.ops.mmc_switch(card, X.EXT_CSD_CMD_SET_NORMAL, X.EXT_CSD_CACHE_CTRL, 1, timeout);
      if (err && err !== -EBADMSG) return err;
      if (err) this.printk.pr_warn(`${mmc_hostname(host)}: Cache is supported, but failed to turn on (${err})\n`);
      ext.cache_ctrl = !err;
    }
    // CMDQ mode does not survive a reset: enabled again only where the host has a CQE.
    ext.cmdq_en = false;
    if (ext.cmdq_support && host.caps2 & MMC_CAP2_CQE) {
      err = await this.mmc_cmdq_switch(card, true);
      if (err && err !== -EBADMSG) return err;
      if (err) this.printk.pr_warn(`${mmc_hostname(host)}: Enabling CMDQ failed\n`);
    }
    if (host.cqe_ops && !host.cqe_enabled) {
      if (!(await host.cqe_ops.cqe_enable(host, card))) {
        host.cqe_enabled = true;
        if (ext.cmdq_en) this.printk.pr_info(`${mmc_hostname(host)}: Command Queue Engine enabled\n`);
      }
    }
    if (!oldcard) host.card = card;
    return 0;
  }

  private decode_error(host: mmc_host, msg: string): number {
    this.printk.pr_err(`${mmc_hostname(host)}: ${msg}\n`);
    return -EINVAL;
  }

  /** mmc_read_ext_csd(): fetch and decode; card type, partitions, the JEDEC year fix-up. */
  private async mmc_read_ext_csd(card: mmc_card): Promise<number> {
    const host = card.host;
    if (card.csd.mmca_vsn < 4) return 0;
    const { err, ext_csd } = await this.ops.mmc_get_ext_csd(card);
    if (err) return err;
    const d = mmc_decode_ext_csd(ext_csd, card.csd.structure, host.caps, host.caps2);
    if (typeof d === 'string') return this.decode_error(host, d);
    card.ext_csd = d.ext_csd;
    card.erased_byte = d.erased_byte;
    card.part = d.part;
    card.mmc_avail_type = d.avail_type;
    if (d.blockaddr) card.state |= MMC_STATE_BLOCKADDR;
    if (d.year_fixup && card.cid.year < 2010) card.cid.year += 16;
    return 0;
  }

  /** mmc_select_timing(): HS200 when both sides can, else high speed; then the bus clock. */
  private async mmc_select_timing(card: mmc_card): Promise<number> {
    let err = 0;
    if (card.mmc_avail_type & X.EXT_CSD_CARD_TYPE_HS200) {
      err = await this.mmc_select_hs200(card);
      if (err === -EBADMSG) card.mmc_avail_type &= ~X.EXT_CSD_CARD_TYPE_HS200;
    }
    if ((err === -EBADMSG || !(card.mmc_avail_type & X.EXT_CSD_CARD_TYPE_HS200)) && card.mmc_avail_type & X.EXT_CSD_CARD_TYPE_HS) {
      err = await this.ops.__mmc_switch(card, X.EXT_CSD_CMD_SET_NORMAL, X.EXT_CSD_HS_TIMING, X.EXT_CSD_TIMING_HS, card.ext_csd.generic_cmd6_time, MMC_TIMING_MMC_HS, true, true, MMC_CMD_RETRIES);
      if (err) this.printk.pr_warn(`${mmc_hostname(card.host)}: switch to high-speed failed, err:${err}\n`);
    }
    if (err && err !== -EBADMSG) return err;
    await this.mmc_set_bus_speed(card);
    return 0;
  }

  private async mmc_set_bus_speed(card: mmc_card): Promise<void> {
    const t = card.host.ios.timing;
    let max_dtr = card.csd.max_dtr;
    if (t === MMC_TIMING_MMC_HS200 || t === MMC_TIMING_MMC_HS400) max_dtr = card.ext_csd.hs200_max_dtr;
    else if (t === MMC_TIMING_MMC_HS || t === MMC_TIMING_MMC_DDR52) max_dtr = card.ext_csd.hs_max_dtr;
    await this.core.mmc_set_clock(card.host, max_dtr);
  }

  private async mmc_select_hs200(card: mmc_card): Promise<number> {
    const host = card.host;
    host.ios.signal_voltage = card.mmc_avail_type & X.EXT_CSD_CARD_TYPE_HS200_1_2V ? MMC_SIGNAL_VOLTAGE_120 : MMC_SIGNAL_VOLTAGE_180;
    let err = await this.mmc_select_bus_width(card);
    if (err > 0) {
      err = await this.ops.__mmc_switch(card, X.EXT_CSD_CMD_SET_NORMAL, X.EXT_CSD_HS_TIMING, X.EXT_CSD_TIMING_HS200, card.ext_csd.generic_cmd6_time, 0, false, true, MMC_CMD_RETRIES);
      if (!err) {
        const old_timing = host.ios.timing;
        const old_clock = host.ios.clock;
        await this.core.mmc_set_timing(host, MMC_TIMING_MMC_HS200);
        await this.core.mmc_set_clock(host, card.ext_csd.hs_max_dtr);
        err = await this.ops.mmc_switch_status(card, false);
        if (err === -EBADMSG) {
          await this.core.mmc_set_clock(host, old_clock);
          await this.core.mmc_set_timing(host, old_timing);
        }
      }
    }
    if (err) this.printk.pr_err(`${mmc_hostname(host)}: mmc_select_hs200 failed, error ${err}\n`);
    return err;
  }

  /** mmc_select_bus_width(): 8 then 4 bits, each checked by re-reading EXT_CSD; returns the width or 0/-errno. */
  private async mmc_select_bus_width(card: mmc_card): Promise<number> {
    const host = card.host;
    if (card.csd.mmca_vsn < 4 || !(host.caps & (MMC_CAP_4_BIT_DATA | MMC_CAP_8_BIT_DATA))) return 0;
    const widths: Array<[number, number]> = [
      [X.EXT_CSD_BUS_WIDTH_8, MMC_BUS_WIDTH_8],
      [X.EXT_CSD_BUS_WIDTH_4, MMC_BUS_WIDTH_4],
      [X.EXT_CSD_BUS_WIDTH_1, MMC_BUS_WIDTH_1],
    ];
    let err = 0;
    for (const [bits, width] of widths.slice(host.caps & MMC_CAP_8_BIT_DATA ? 0 : 1)) {
      err = await this.ops.mmc_switch(card, X.EXT_CSD_CMD_SET_NORMAL, X.EXT_CSD_BUS_WIDTH, bits, card.ext_csd.generic_cmd6_time);
      if (err) continue;
      await this.core.mmc_set_bus_width(host, width);
      err = await this.mmc_compare_ext_csds(card, width);
      if (!err) return width;
      this.printk.pr_warn(`${mmc_hostname(host)}: switch to bus width ${1 << width} failed\n`);
    }
    return err;
  }

  /** mmc_compare_ext_csds(): the read-only bytes must read the same at the new width. */
  private async mmc_compare_ext_csds(card: mmc_card, width: number): Promise<number> {
    if (width === MMC_BUS_WIDTH_1) return 0;
    const { err, ext_csd } = await this.ops.mmc_get_ext_csd(card);
    if (err) return err;
    return EXT_CSD_COMPARED.every((i) => ext_csd[i] === card.ext_csd.raw[i]) ? 0 : -ENOTSUPP;
  }

  private async mmc_select_hs_ddr(card: mmc_card): Promise<number> {
    const host = card.host;
    if (!(card.mmc_avail_type & X.EXT_CSD_CARD_TYPE_DDR_52)) return 0;
    const width = host.ios.bus_width;
    if (width === MMC_BUS_WIDTH_1) return 0;
    const bits = width === MMC_BUS_WIDTH_8 ? X.EXT_CSD_DDR_BUS_WIDTH_8 : X.EXT_CSD_DDR_BUS_WIDTH_4;
    const err = await this.ops.__mmc_switch(card, X.EXT_CSD_CMD_SET_NORMAL, X.EXT_CSD_BUS_WIDTH, bits, card.ext_csd.generic_cmd6_time, MMC_TIMING_MMC_DDR52, true, true, MMC_CMD_RETRIES);
    if (err) this.printk.pr_err(`${mmc_hostname(host)}: switch to bus width ${1 << width} ddr failed\n`);
    return err;
  }

  /** mmc_cmdq_enable()/mmc_cmdq_disable(): CMD6 CMDQ_MODE_EN on the card. */
  async mmc_cmdq_switch(card: mmc_card, enable: boolean): Promise<number> {
    if (!card.ext_csd.cmdq_support) return -EINVAL;
    const err = await this.ops.__mmc_switch(card, X.EXT_CSD_CMD_SET_NORMAL, X.EXT_CSD_CMDQ_MODE_EN, enable ? 1 : 0, card.ext_csd.generic_cmd6_time, 0, true, false, MMC_CMD_RETRIES);
    if (!err) card.ext_csd.cmdq_en = enable;
    return err;
  }

  /** mmc_flush_cache(): only when the cache is on. */
  async mmc_flush_cache(card: mmc_card): Promise<number> {
    if (!card.ext_csd.cache_ctrl) return 0;
    const err = await this.ops.mmc_switch(card, X.EXT_CSD_CMD_SET_NORMAL, X.EXT_CSD_FLUSH_CACHE, 1, MMC_CACHE_FLUSH_TIMEOUT_MS);
    if (err) this.printk.pr_err(`${mmc_hostname(card.host)}: cache flush error ${err}\n`);
    return err;
  }

  /** mmc_sleep(): deselect, then CMD5 with the sleep bit, and wait the sleep/awake time. */
  private async mmc_sleep(host: mmc_host): Promise<number> {
    const card = host.card!;
    let err = await this.ops.mmc_select_card(null, host);
    if (err) return err;
    const timeout_ms = Math.max(1, Math.ceil(card.ext_csd.sa_timeout / 10000));
    const cmd = mmc_command_init({ opcode: X.MMC_SLEEP_AWAKE, arg: ((card.rca << 16) | (1 << 15)) >>> 0 });
    const r1b = this.ops.mmc_prepare_busy_cmd(host, cmd, timeout_ms);
    cmd.flags = (r1b ? MMC_RSP_R1B : MMC_RSP_R1) | MMC_CMD_AC;
    err = await this.core.mmc_wait_for_cmd(host, cmd, 0);
    if (err) return err;
    if (!(host.caps & MMC_CAP_WAIT_WHILE_BUSY && r1b)) {
      if (host.ops.card_busy) err = await this.ops.__mmc_poll_for_busy(host, 0, timeout_ms, async () => ({ err: 0, busy: host.ops.card_busy!(host) }));
      else await this.core.mmc_delay(timeout_ms);
    }
    return err;
  }

  private async mmc_poweroff_notify(card: mmc_card, type: number): Promise<number> {
    const timeout = type === X.EXT_CSD_POWER_OFF_LONG ? card.ext_csd.power_off_longtime : card.ext_csd.generic_cmd6_time;
    const err = await this.ops.__mmc_switch(card, X.EXT_CSD_CMD_SET_NORMAL, X.EXT_CSD_POWER_OFF_NOTIFICATION, type, timeout, 0, false, false, MMC_CMD_RETRIES);
    if (err) this.printk.pr_err(`${mmc_hostname(card.host)}: Power Off Notification timed out, ${timeout}\n`);
    card.ext_csd.power_off_notification = X.EXT_CSD_NO_POWER_NOTIFICATION;
    return err;
  }

  /** _mmc_suspend(): flush, then power-off notification or sleep, then power off. */
  async _mmc_suspend(host: mmc_host, is_suspend: boolean): Promise<number> {
    await this.core.mmc_claim_host(host);
    const card = host.card!;
    let err = 0;
    if (!mmc_card_suspended(card)) {
      err = await this.mmc_flush_cache(card);
      if (!err) {
        const notify = card.ext_csd.power_off_notification === X.EXT_CSD_POWER_ON && (!!(host.caps2 & MMC_CAP2_FULL_PWR_CYCLE) || !is_suspend);
        if (notify) err = await this.mmc_poweroff_notify(card, is_suspend ? X.EXT_CSD_POWER_OFF_SHORT : X.EXT_CSD_POWER_OFF_LONG);
        else if (card.ext_csd.rev >= 3) err = await this.mmc_sleep(host);
        else err = await this.ops.mmc_select_card(null, host);
      }
      if (!err) {
        await this.core.mmc_power_off(host);
        card.state |= MMC_STATE_SUSPENDED;
      }
    }
    await this.core.mmc_release_host(host);
    return err;
  }

  /** _mmc_resume(): power up and re-initialise the same card from scratch. */
  async _mmc_resume(host: mmc_host): Promise<number> {
    await this.core.mmc_claim_host(host);
    const card = host.card!;
    let err = 0;
    if (mmc_card_suspended(card)) {
      await this.core.mmc_power_up(host, card.ocr, host.f_init);
      err = await this.mmc_init_card(host, card.ocr, card);
      card.state &= ~MMC_STATE_SUSPENDED;
    }
    await this.core.mmc_release_host(host);
    return err;
  }

  private async mmc_runtime_suspend(host: mmc_host): Promise<number> {
    if (!(host.caps & MMC_CAP_AGGRESSIVE_PM)) return 0;
    const err = await this._mmc_suspend(host, false);
    if (err) this.printk.pr_err(`${mmc_hostname(host)}: error ${err} doing aggressive suspend\n`);
    return err;
  }

  private async mmc_runtime_resume(host: mmc_host): Promise<number> {
    const err = await this._mmc_resume(host);
    if (err) this.printk.pr_err(`${mmc_hostname(host)}: error ${err} doing runtime resume\n`);
    return 0;
  }

  private async mmc_alive(host: mmc_host): Promise<number> {
    return (await this.ops.mmc_send_status(host.card!)).err ? -EIO : 0;
  }

  /** mmc_detect(): remove a card that stopped answering. */
  private async mmc_detect(host: mmc_host): Promise<void> {
    const card = host.card!;
    await this.core.mmc_get_card(card, null);
    const err = await this.mmc_alive(host);
    await this.core.mmc_put_card(card, null);
    if (!err) return;
    await this.mmc_remove(host);
    await this.core.mmc_claim_host(host);
    host.bus_ops = null;
    await this.core.mmc_power_off(host);
    await this.core.mmc_release_host(host);
  }

  private async mmc_remove(host: mmc_host): Promise<void> {
    if (host.card) await this.bus.mmc_remove_card(host.card);
    host.card = null;
  }

  private async mmc_shutdown(host: mmc_host): Promise<number> {
    return this._mmc_suspend(host, false);
  }
}
