// SPDX-License-Identifier: GPL-2.0
// What v4 and v5 of the series share in mmcpstore's panic path (mmcpstore.c, core.c of the
// series): the bare force-claim, requests through mmc_start_request() with done = NULL and
// polled completion, the polled CMD6 back to the user area with its card_busy wait, and the
// closing delays. Faithful, flaws included: no lock is released, no retune hold is dropped.
import { DELAY, type delay_api } from '../../../../include/linux/delay.h.ts';
import type { mmc_card } from '../../../../include/linux/mmc/card.h.ts';
import { MMC_CMD_AC, MMC_RSP_R1B, mmc_command_init, mmc_request_init, type mmc_request } from '../../../../include/linux/mmc/core.h.ts';
import type { mmc_host } from '../../../../include/linux/mmc/host.h.ts';
import * as X from '../../../../include/linux/mmc/mmc.h.ts';
import { PRINTK, type printk_api } from '../../../../include/linux/printk.h.ts';
import { SCHED, type sched_api } from '../../../../include/linux/sched.h.ts';
import { TRACE, type trace_api } from '../../../../include/linux/trace.h.ts';
import { MmcCore } from '../core.ts';
import { mmc_hostname } from '../core.h.ts';
import { mmcpstore_mrq, mmcpstore_mrq_error } from '../mmcpstore_req.ts';
import { inject, injectable } from 'tsyringe';

@injectable()
export class SeriesPanic {
  constructor(
    @inject(MmcCore) private readonly core: MmcCore,
    @inject(DELAY) readonly delay: delay_api,
    @inject(SCHED) private readonly sched: sched_api,
    @inject(PRINTK) readonly printk: printk_api,
    @inject(TRACE) private readonly trace: trace_api,
  ) {}

  /** mmc_panic_claim_host() of v3/v4: take the claim without looking or locking. */
  force_claim(host: mmc_host): void {
    host.claimed = true;
    host.claimer = host.default_ctx;
    host.default_ctx.task = this.sched.current;
    host.claim_cnt = 1;
    host.ongoing_mrq = null;
  }

  /** One request: mmc_start_request() with done = NULL, then the host's poll and complete. */
  async issue(host: mmc_host, mrq: mmc_request): Promise<number> {
    mrq.done = null;
    const err = await this.core.mmc_start_request(host, mrq);
    if (err) {
      this.printk.pr_err(`mmcpstore: mmc_start_request failed: ${err}\n`);
      return err;
    }
    await host.ops.panic_poll_completion?.(host, mrq);
    await host.ops.panic_complete?.(host, mrq);
    if (this.trace.enabled) this.trace.mmc_request_done(mmc_hostname(host), mrq);
    const e = mmcpstore_mrq_error(mrq);
    if (e) this.printk.pr_err(`mmcpstore: panic CMD${mrq.cmd.opcode} failed: ${e}\n`);
    return e;
  }

  /** One chunk of data at card sector @sector. */
  chunk(card: mmc_card, write: boolean, sector: number, buf: Uint8Array): Promise<number> {
    return this.issue(card.host, mmcpstore_mrq(card, write, sector, buf));
  }

  /** Back to the user area: a polled CMD6 (R1B), then card_busy every 100 µs for up to 100 ms (mdelay 50 without it). */
  async switch_to_user(card: mmc_card): Promise<number> {
    if (!(card.ext_csd.part_config & X.EXT_CSD_PART_CONFIG_ACC_MASK)) return 0;
    const host = card.host;
    const part_config = card.ext_csd.part_config & ~X.EXT_CSD_PART_CONFIG_ACC_MASK;
    const cmd = mmc_command_init({
      opcode: X.MMC_SWITCH,
      arg: ((X.MMC_SWITCH_MODE_WRITE_BYTE << 24) | (X.EXT_CSD_PART_CONFIG << 16) | (part_config << 8) | X.EXT_CSD_CMD_SET_NORMAL) >>> 0,
      flags: MMC_RSP_R1B | MMC_CMD_AC,
      busy_timeout: card.ext_csd.part_time,
    });
    const err = await this.issue(host, mmc_request_init({ cmd }));
    if (err) return err;
    await this.wait_busy(host, 100);
    card.ext_csd.part_config = part_config;
    return 0;
  }

  /** card_busy() every 100 µs for at most @ms; mdelay(50) when the host cannot tell. */
  async wait_busy(host: mmc_host, ms: number): Promise<void> {
    if (!host.ops.card_busy) return this.delay.mdelay(50);
    for (let t = 0; t < ms * 1000 && host.ops.card_busy(host); t += 100) await this.delay.udelay(100);
  }

  /** The end of every panic_write: mdelay 5, a busy wait of up to 100 ms, mdelay 50. */
  async finish(host: mmc_host): Promise<void> {
    await this.delay.mdelay(5);
    await this.wait_busy(host, 100);
    await this.delay.mdelay(50);
  }

  hostname(host: mmc_host): string {
    return mmc_hostname(host);
  }
}

