// SPDX-License-Identifier: GPL-2.0
// A panic-path variant of your own, as a module file for `tools/run-scenario --variant`: the
// series' v5, plus one check the review asks for. v5 reads "runtime-suspended" on class_dev,
// which never has runtime PM, so it writes to a controller whose clocks are gated and waits for
// a completion that cannot come. This variant looks where runtime PM really lives (the host's
// parent device) and refuses with -EAGAIN instead, saying so in the log in the words the scenario
// runner counts as REFUSED ("mmcpstore: panic write refused: <why>").
//
//   tools/run-scenario --matrix --variant examples/variant/v5_refuse_suspended.ts
//
// The default export is a module: its module_init registers the variant under MMC_PANIC_VARIANT
// in the machine's container, from which mmcpstore takes its panic path.
import { inject, injectable } from 'tsyringe';
import { EAGAIN } from '../../include/linux/errno.h.ts';
import type { module } from '../../include/linux/module.h.ts';
import { MMC_PANIC_VARIANT, type mmc_panic_variant, type mmcpstore_panic_target } from '../../include/linux/mmc/panic.h.ts';
import { PM_RUNTIME, type pm_runtime_api } from '../../include/linux/pm_runtime.h.ts';
import { PRINTK, type printk_api } from '../../include/linux/printk.h.ts';
import { PanicV5 } from '../../drivers/mmc/core/panic/v5.ts';

@injectable()
class V5RefuseSuspended implements mmc_panic_variant {
  readonly name = 'v5_refuse_suspended';

  constructor(
    @inject(PanicV5) private readonly v5: PanicV5,
    @inject(PM_RUNTIME) private readonly rpm: pm_runtime_api,
    @inject(PRINTK) private readonly printk: printk_api,
  ) {}

  async panic_write(t: mmcpstore_panic_target, buf: Uint8Array, off: number): Promise<number> {
    const host = t.card.host;
    if (this.rpm.pm_runtime_suspended(host.parent)) {
      this.printk.pr_err(`mmcpstore: panic write refused: ${host.class_dev.name} is runtime-suspended\n`);
      return -EAGAIN;
    }
    return this.v5.panic_write(t, buf, off);
  }
}

export default {
  name: 'v5_refuse_suspended',
  async module_init(c) {
    c.register(MMC_PANIC_VARIANT, { useClass: V5RefuseSuspended });
    return 0;
  },
} satisfies module;
