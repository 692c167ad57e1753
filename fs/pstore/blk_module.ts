// SPDX-License-Identifier: GPL-2.0
// The pstore_blk module (fs/pstore/blk.c pstore_blk_init, late_initcall): its parameters, the
// device registration API, and best_effort attachment when asked for.
import { register_service } from '../../include/linux/di.h.ts';
import { KCONFIG } from '../../include/linux/kconfig.h.ts';
import type { module } from '../../include/linux/module.h.ts';
import { PSTORE_BLK } from '../../include/linux/pstore_blk.h.ts';
import { PstoreBlk } from './blk.ts';
import { PSTORE_BLK_PARAMS, PSTORE_BLK_PARAM_DECL, pstore_blk_params_of } from './blk_params.ts';

export const pstore_blk: module = {
  name: 'pstore_blk',
  params: PSTORE_BLK_PARAM_DECL,
  async module_init(c, params) {
    c.register(PSTORE_BLK_PARAMS, { useValue: pstore_blk_params_of(params, c.resolve(KCONFIG)) });
    register_service(c, PstoreBlk, [PSTORE_BLK]);
    return c.resolve(PstoreBlk).pstore_blk_init();
  },
  async module_exit(c) {
    await c.resolve(PstoreBlk).pstore_blk_exit();
  },
};
