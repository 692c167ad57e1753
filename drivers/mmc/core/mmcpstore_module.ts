// SPDX-License-Identifier: GPL-2.0
// The mmcpstore module (mmcpstore.c module_init/module_exit, and block.h's IS_BUILTIN hooks):
// built in, it hooks mmc_blk_probe()/mmc_blk_remove(); as a module it finds its card by name.
// Either way it registers the panic variant the config or mmcpstore.variant names.
import { register_service } from '../../../include/linux/di.h.ts';
import { EINVAL } from '../../../include/linux/errno.h.ts';
import { KCONFIG } from '../../../include/linux/kconfig.h.ts';
import { MMC_PANIC_VARIANT } from '../../../include/linux/mmc/panic.h.ts';
import type { module } from '../../../include/linux/module.h.ts';
import { PRINTK } from '../../../include/linux/printk.h.ts';
import { MmcBlock } from './block.ts';
import { Mmcpstore } from './mmcpstore.ts';
import { MMCPSTORE_PARAMS, MMCPSTORE_PARAM_DECL, mmcpstore_params_of } from './mmcpstore_params.ts';
import { PanicProposed } from './panic/proposed.ts';
import { SeriesPanic } from './panic/series.ts';
import { PanicV4 } from './panic/v4.ts';
import { PanicV5 } from './panic/v5.ts';

/** The variants that ship, by name. */
export const MMC_PANIC_VARIANTS = { v4: PanicV4, v5: PanicV5, proposed: PanicProposed } as const;

export const mmcpstore: module = {
  name: 'mmcpstore',
  params: MMCPSTORE_PARAM_DECL,
  async module_init(c, p) {
    const params = mmcpstore_params_of(p);
    const config = c.resolve(KCONFIG);
    const name = params.variant || String(config['MMC_PSTORE_VARIANT'] ?? 'v5');
    const variant = MMC_PANIC_VARIANTS[name as keyof typeof MMC_PANIC_VARIANTS];
    if (!variant) {
      c.resolve(PRINTK).pr_err(`mmcpstore: unknown variant '${name}' (v4, v5 or proposed)\n`);
      return -EINVAL;
    }
    c.register(MMCPSTORE_PARAMS, { useValue: params });
    register_service(c, SeriesPanic);
    for (const cls of Object.values(MMC_PANIC_VARIANTS)) register_service(c, cls);
    c.register(MMC_PANIC_VARIANT, { useToken: variant });
    register_service(c, Mmcpstore);
    const drv = c.resolve(Mmcpstore);
    if (config['MMC_PSTORE'] === 'y') {
      // Cards probed before this late initcall get the hook's treatment now, later ones at probe.
      const mmcblk = c.resolve(MmcBlock);
      mmcblk.set_hooks({
        card_add: (card, disk) => drv.mmcpstore_card_add(card, disk),
        card_remove: (card) => drv.mmcpstore_card_remove(card),
      });
      for (const [card, disk] of mmcblk.cards()) await drv.mmcpstore_card_add(card, disk);
      return 0;
    }
    return drv.mmcpstore_init_module();
  },
  async module_exit(c) {
    await c.resolve(Mmcpstore).unregister();
  },
};
