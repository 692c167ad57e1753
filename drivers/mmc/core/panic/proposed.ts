// SPDX-License-Identifier: GPL-2.0
// Our answer to the review of the series. It refuses, with the reason logged, where no write can
// be safe (system-suspend window, host or card runtime-suspended: no atomic-safe resume exists);
// notes and takes the claim without any lock; has the host drain or abort what is in flight and
// then brings the card back to transfer state (CMD12, busy); turns CQE off on host and card;
// selects the user area with a polled CMD6; issues its requests straight to the host, never
// through mmc_start_request(), so no re-tune (which sleeps) can run; and writes so that a power
// cut at any instant never leaves a torn zone that recovery would take for valid.
import { inject, injectable } from 'tsyringe';
import { DELAY, type delay_api } from '../../../../include/linux/delay.h.ts';
import { EAGAIN, EBUSY, ENODEV, ETIMEDOUT } from '../../../../include/linux/errno.h.ts';
import { mmc_card_suspended, type mmc_card } from '../../../../include/linux/mmc/card.h.ts';
import { MMC_CMD_AC, MMC_RSP_R1, MMC_RSP_R1B, mmc_command_init, mmc_request_init, type mmc_request } from '../../../../include/linux/mmc/core.h.ts';
import type { mmc_host } from '../../../../include/linux/mmc/host.h.ts';
import * as X from '../../../../include/linux/mmc/mmc.h.ts';
import type { mmc_panic_variant, mmcpstore_panic_target } from '../../../../include/linux/mmc/panic.h.ts';
import { PM_RUNTIME, type pm_runtime_api } from '../../../../include/linux/pm_runtime.h.ts';
import { PRINTK, type printk_api } from '../../../../include/linux/printk.h.ts';
import { SCHED, type sched_api } from '../../../../include/linux/sched.h.ts';
import { TRACE, type trace_api } from '../../../../include/linux/trace.h.ts';
import { MmcBlock } from '../block.ts';
import { mmc_hostname } from '../core.h.ts';
import { mmcpstore_do_request, mmcpstore_mrq, mmcpstore_mrq_error } from '../mmcpstore_req.ts';

/** How long the card may stay busy after a stop, a switch or a write before we give up. */
const BUSY_LIMIT_MS = 1000;
const SECTOR = 512;
/** pstore/zone's zone signature: the first 4 bytes of a zone, and of each panic write. */
const SIG_BYTES = 4;

/** An open-ended multi-block transfer (no CMD23 on the host) ends with CMD12, as mmc_blk does. */
const with_stop = (mrq: mmc_request): mmc_request => {
  if (!mrq.sbc && mrq.data && mrq.data.blocks > 1) mrq.stop = mmc_command_init({ opcode: X.MMC_STOP_TRANSMISSION, flags: MMC_RSP_R1B | MMC_CMD_AC });
  return mrq;
};

@injectable()
export class PanicProposed implements mmc_panic_variant {
  readonly name = 'proposed';

  constructor(
    @inject(DELAY) private readonly delay: delay_api,
    @inject(SCHED) private readonly sched: sched_api,
    @inject(PM_RUNTIME) private readonly rpm: pm_runtime_api,
    @inject(PRINTK) private readonly printk: printk_api,
    @inject(TRACE) private readonly trace: trace_api,
    @inject(MmcBlock) private readonly blk: MmcBlock,
  ) {}

  /** The normal path resumes a runtime-suspended card (MMC_CAP_AGGRESSIVE_PM powers it off). */
  readonly normal_gets_card = true;

  /** The normal path switches through mmcblk, so that its part_curr follows (S18). */
  normal_to_user(card: mmc_card): Promise<number> {
    return this.blk.mmc_blk_part_switch(card, 0);
  }

  /** The normal path's open-ended transfers (a host without CMD23) need their CMD12 too. */
  normal_mrq(mrq: mmc_request): mmc_request {
    return with_stop(mrq);
  }

  private refuse(err: number, why: string): number {
    this.printk.pr_err(`mmcpstore: panic write refused: ${why}\n`);
    return err;
  }

  async panic_write(t: mmcpstore_panic_target, buf: Uint8Array, off: number): Promise<number> {
    const card = t.card;
    const host = card.host;
    if (t.state === 'SUSPENDED') return this.refuse(-ENODEV, 'system suspend in progress');
    if (t.state !== 'READY') return this.refuse(-ENODEV, `mmcpstore is ${t.state}`);
    if (this.rpm.pm_runtime_suspended(host.parent)) return this.refuse(-EAGAIN, `${mmc_hostname(host)} is runtime-suspended (clocks gated)`);
    if (mmc_card_suspended(card)) return this.refuse(-EAGAIN, `${card.dev.name} is suspended`);
    const err = await this.take_over(card);
    if (err) return this.refuse(err, `${card.dev.name} did not return to transfer state`);
    const io = async (write: boolean, sector: number, chunk: Uint8Array): Promise<number> => {
      const e = await this.issue(host, with_stop(mmcpstore_mrq(card, write, sector, chunk)));
      return e || (write ? this.wait_tran(card) : 0);
    };
    // A power cut can stop the card part-way through a sector, and pstore/zone trusts a zone
    // whose signature (its first 4 bytes), datalen and magic check out, whatever follows. So
    // the range goes first with the signature zeroed, first sector first: cut anywhere in it,
    // the zone is skipped at recovery. Then the first sector again, which differs from what
    // the card holds only in those 4 bytes: cut in it, the signature is whole or not there.
    const unsigned = buf.slice();
    unsigned.fill(0, 0, SIG_BYTES);
    let ret = await mmcpstore_do_request(t, io, true, unsigned, off);
    if (ret >= 0) ret = await this.flush_cache(card, ret);
    if (ret < 0 || buf.length === 0) return ret;
    const head = buf.subarray(0, Math.min(buf.length, SECTOR - (off % SECTOR)));
    const e = await mmcpstore_do_request(t, io, true, head, off);
    return e < 0 ? e : this.flush_cache(card, ret);
  }

  /**
   * Without CMD23's forced programming (and a CMD24 never has it) the blocks may sit in the
   * card's volatile cache, which the coming reset or power cut loses, and a flush programs
   * them in address order, signature first: flush after each step. Returns @ret or -errno.
   */
  private async flush_cache(card: mmc_card, ret: number): Promise<number> {
    if (!card.ext_csd.cache_ctrl) return ret;
    const e = await this.switch(card, X.EXT_CSD_FLUSH_CACHE, 1);
    return e ? this.refuse(e, `${card.dev.name} cache flush failed`) : ret;
  }

  /** Take the host as it is and bring host and card to a state fit for legacy polled writes. */
  private async take_over(card: mmc_card): Promise<number> {
    const host = card.host;
    if (host.claimed && host.claimer?.task !== this.sched.current)
      this.printk.pr_warn(`mmcpstore: taking ${mmc_hostname(host)} from ${host.claimer?.task?.comm ?? 'a context'} (claim_cnt ${host.claim_cnt})\n`);
    host.claimed = true;
    host.claimer = host.default_ctx;
    host.default_ctx.task = this.sched.current;
    host.claim_cnt = 1;
    host.ongoing_mrq = null;
    if (host.ops.panic_prepare) {
      const e = await host.ops.panic_prepare(host);
      if (e) this.printk.pr_warn(`mmcpstore: ${mmc_hostname(host)}: in-flight request aborted (${e})\n`);
    }
    let err = await this.card_to_tran(card);
    if (err) return err;
    if (host.cqe_on) {
      await host.cqe_ops!.cqe_off(host);
      host.cqe_on = false;
    }
    // CMDQ off whatever the cache says, on any card that has it: a frozen task may be between
    // its CMD6 CMDQ_MODE_EN and the update of the cache.
    if (card.ext_csd.cmdq_support) {
      err = await this.switch(card, X.EXT_CSD_CMDQ_MODE_EN, 0);
      if (err) return err;
      card.ext_csd.cmdq_en = false;
    }
    // Always back to the user area: the cached part_config is stale while a frozen task is
    // between its CMD6 to a boot partition and mmcblk's update of the cache.
    const part_config = card.ext_csd.part_config & ~X.EXT_CSD_PART_CONFIG_ACC_MASK;
    err = await this.switch(card, X.EXT_CSD_PART_CONFIG, part_config);
    if (err) return err;
    card.ext_csd.part_config = part_config;
    return 0;
  }

  /** A transfer left half-way (data, rcv) is stopped; programming is waited out. */
  private async card_to_tran(card: mmc_card): Promise<number> {
    const st = await this.status(card);
    if (st < 0) return st;
    const state = X.R1_CURRENT_STATE(st);
    // Tasks a frozen queue left in the card would keep it from legacy commands: discard them
    // all, as mmc_cqe_recovery() does (CMD48, TM_OP_CODE 1 = discard queue).
    if (card.ext_csd.cmdq_en) {
      const discard = mmc_command_init({ opcode: X.MMC_CMDQ_TASK_MGMT, arg: 1, flags: MMC_RSP_R1B | MMC_CMD_AC });
      const e = await this.issue(card.host, mmc_request_init({ cmd: discard }));
      if (e) return e;
    }
    if (state === X.R1_STATE_DATA || state === X.R1_STATE_RCV) {
      const stop = mmc_command_init({ opcode: X.MMC_STOP_TRANSMISSION, flags: MMC_RSP_R1B | MMC_CMD_AC });
      const e = await this.issue(card.host, mmc_request_init({ cmd: stop }));
      if (e) return e;
      this.printk.pr_warn(`mmcpstore: ${card.dev.name}: stopped a transfer left in ${state === X.R1_STATE_DATA ? 'data' : 'rcv'} state\n`);
    }
    return this.wait_tran(card);
  }

  /** CMD6 WRITE_BYTE, polled, then wait for transfer state. */
  private async switch(card: mmc_card, index: number, value: number): Promise<number> {
    const cmd = mmc_command_init({
      opcode: X.MMC_SWITCH,
      arg: ((X.MMC_SWITCH_MODE_WRITE_BYTE << 24) | (index << 16) | (value << 8) | X.EXT_CSD_CMD_SET_NORMAL) >>> 0,
      flags: MMC_RSP_R1B | MMC_CMD_AC,
      busy_timeout: card.ext_csd.generic_cmd6_time,
    });
    const e = await this.issue(card.host, mmc_request_init({ cmd }));
    return e || this.wait_tran(card);
  }

  /** CMD13 every 100 µs until ready for data in tran, at most BUSY_LIMIT_MS. */
  private async wait_tran(card: mmc_card): Promise<number> {
    for (let t = 0; t < BUSY_LIMIT_MS * 1000; t += 100) {
      const st = await this.status(card);
      if (st < 0) return st;
      if (X.mmc_ready_for_data(st)) return st & X.R1_SWITCH_ERROR ? -EBUSY : 0;
      await this.delay.udelay(100);
    }
    return -ETIMEDOUT;
  }

  private async status(card: mmc_card): Promise<number> {
    const cmd = mmc_command_init({ opcode: X.MMC_SEND_STATUS, arg: card.rca << 16, flags: MMC_RSP_R1 | MMC_CMD_AC });
    const e = await this.issue(card.host, mmc_request_init({ cmd }));
    return e || cmd.resp[0] >>> 0;
  }

  /** Straight to the driver, polled: no retune, no claim, no completion. */
  private async issue(host: mmc_host, mrq: mmc_request): Promise<number> {
    mrq.done = null;
    mrq.host = host;
    if (this.trace.enabled) this.trace.mmc_request_start(mmc_hostname(host), mrq);
    await host.ops.request(host, mrq);
    await host.ops.panic_poll_completion?.(host, mrq);
    await host.ops.panic_complete?.(host, mrq);
    if (this.trace.enabled) this.trace.mmc_request_done(mmc_hostname(host), mrq);
    return mmcpstore_mrq_error(mrq);
  }
}
