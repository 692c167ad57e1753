// SPDX-License-Identifier: GPL-2.0
// Re-tuning bookkeeping (drivers/mmc/core/host.c mmc_retune_*, core.c mmc_execute_tuning).
// Requests hold re-tuning off while they run; a CRC error or the retune timer flags it; the
// next request start re-tunes if allowed. Tuning sleeps, which is why the panic path must not.
import { inject, injectable } from 'tsyringe';
import { BUG, type bug_api } from '../../../include/linux/bug.h.ts';
import { MMC_SEND_TUNING_BLOCK_HS200 } from '../../../include/linux/mmc/mmc.h.ts';
import type { mmc_host } from '../../../include/linux/mmc/host.h.ts';
import { PRINTK, type printk_api } from '../../../include/linux/printk.h.ts';

@injectable()
export class Retune {
  constructor(
    @inject(BUG) private readonly bug: bug_api,
    @inject(PRINTK) private readonly printk: printk_api,
  ) {}

  mmc_retune_hold(host: mmc_host): void {
    if (!host.hold_retune) host.retune_now = true;
    host.hold_retune += 1;
  }

  mmc_retune_release(host: mmc_host): void {
    if (host.hold_retune) host.hold_retune -= 1;
    else this.bug.WARN_ON(true, 'mmc_retune_release without hold');
  }

  mmc_retune_needed(host: mmc_host): void {
    if (host.can_retune) host.need_retune = true;
  }

  mmc_retune_recheck(host: mmc_host): void {
    if (host.hold_retune <= 1) host.retune_now = true;
  }

  mmc_retune_enable(host: mmc_host): void {
    host.can_retune = true;
  }

  mmc_retune_disable(host: mmc_host): void {
    host.can_retune = false;
    host.need_retune = false;
    host.retune_now = false;
  }

  /**
   * Re-tune now if a request start allows it and tuning was asked for. Context: may sleep.
   * A promise only when it tunes: every request start comes through here.
   */
  mmc_retune(host: mmc_host): Promise<number> | number {
    if (!host.retune_now) return 0;
    host.retune_now = false;
    if (!host.need_retune || host.doing_retune || !host.card) return 0;
    host.need_retune = false;
    host.doing_retune = true;
    return this.mmc_retune_tuning(host);
  }

  /** The half of mmc_retune() that sleeps: the tuning itself. */
  private async mmc_retune_tuning(host: mmc_host): Promise<number> {
    // Linux re-tunes HS400 through HS200; no host here runs HS400, so tuning runs in place.
    const err = await this.mmc_execute_tuning(host);
    host.doing_retune = false;
    return err;
  }

  async mmc_execute_tuning(host: mmc_host): Promise<number> {
    if (!host.ops.execute_tuning) return 0;
    const err = await host.ops.execute_tuning(host, MMC_SEND_TUNING_BLOCK_HS200);
    if (err) {
      this.printk.pr_err(`${host.class_dev.name}: tuning execution failed: ${err}\n`);
      return err;
    }
    host.retune_now = false;
    host.need_retune = false;
    this.mmc_retune_enable(host);
    return 0;
  }
}
