// SPDX-License-Identifier: GPL-2.0
// The panic path as posted in v5 of the series: mmc_panic_claim_host() snapshots and logs what it
// is about to override (claimed, runtime-suspended as read on class_dev, ongoing_mrq), always
// calls panic_prepare, then force-claims; one prepare for the whole write, panic_complete after
// each request.
import { inject, injectable } from 'tsyringe';
import { ENODEV } from '../../../../include/linux/errno.h.ts';
import type { mmc_host } from '../../../../include/linux/mmc/host.h.ts';
import type { mmc_panic_variant, mmcpstore_panic_target } from '../../../../include/linux/mmc/panic.h.ts';
import { PM_RUNTIME, type pm_runtime_api } from '../../../../include/linux/pm_runtime.h.ts';
import { mmcpstore_do_request } from '../mmcpstore_req.ts';
import { SeriesPanic } from './series.ts';

@injectable()
export class PanicV5 implements mmc_panic_variant {
  readonly name = 'v5';

  constructor(
    @inject(SeriesPanic) private readonly s: SeriesPanic,
    @inject(PM_RUNTIME) private readonly rpm: pm_runtime_api,
  ) {}

  /** v5's mmc_panic_claim_host(). The "suspended" probe reads class_dev, which never has runtime PM. */
  async mmc_panic_claim_host(host: mmc_host): Promise<void> {
    const claimed = host.claimed;
    const suspended = this.rpm.pm_runtime_suspended(host.class_dev);
    const ongoing = host.ongoing_mrq !== null;
    if (claimed || suspended || ongoing)
      this.s.printk.pr_info(`${this.s.hostname(host)}: panic claim: claimed=${+claimed} runtime_suspended=${+suspended} ongoing_mrq=${+ongoing}\n`);
    if (host.ops.panic_prepare) {
      const err = await host.ops.panic_prepare(host);
      if (err) this.s.printk.pr_warn(`${this.s.hostname(host)}: panic_prepare failed: ${err}\n`);
    }
    this.s.force_claim(host);
  }

  async panic_write(t: mmcpstore_panic_target, buf: Uint8Array, off: number): Promise<number> {
    if (t.state !== 'READY') return -ENODEV;
    const card = t.card;
    const host = card.host;
    await this.mmc_panic_claim_host(host);
    const ret = await mmcpstore_do_request(t, async (write, sector, chunk) => {
      const err = await this.s.switch_to_user(card);
      if (err) return err;
      return this.s.chunk(card, write, sector, chunk);
    }, true, buf, off);
    await this.s.finish(host);
    return ret;
  }
}
