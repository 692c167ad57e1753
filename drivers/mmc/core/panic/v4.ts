// SPDX-License-Identifier: GPL-2.0
// The panic path as posted in v4 of the series: the caller (mmcpstore's stop_all_background_io)
// runs panic_prepare, force-claims, waits 5 ms; then every chunk re-claims, switches to the user
// area if needed, wipes the host's software state with panic_complete *before* the request, and
// polls it to completion.
import { inject, injectable } from 'tsyringe';
import { ENODEV } from '../../../../include/linux/errno.h.ts';
import type { mmc_panic_variant, mmcpstore_panic_target } from '../../../../include/linux/mmc/panic.h.ts';
import { mmcpstore_do_request } from '../mmcpstore_req.ts';
import { SeriesPanic } from './series.ts';

@injectable()
export class PanicV4 implements mmc_panic_variant {
  readonly name = 'v4';

  constructor(@inject(SeriesPanic) private readonly s: SeriesPanic) {}

  async panic_write(t: mmcpstore_panic_target, buf: Uint8Array, off: number): Promise<number> {
    if (t.state !== 'READY') return -ENODEV;
    const card = t.card;
    const host = card.host;
    await host.ops.panic_prepare?.(host);
    this.s.force_claim(host);
    await this.s.delay.mdelay(5);
    const ret = await mmcpstore_do_request(t, async (write, sector, chunk) => {
      this.s.force_claim(host);
      const err = await this.s.switch_to_user(card);
      if (err) return err;
      await host.ops.panic_complete?.(host, null);
      return this.s.chunk(card, write, sector, chunk);
    }, true, buf, off);
    await this.s.finish(host);
    return ret;
  }
}
