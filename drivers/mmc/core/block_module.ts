// SPDX-License-Identifier: GPL-2.0
// The mmc_block module (block.c mmc_blk_init): the card driver on the mmc bus.
import { register_service } from '../../../include/linux/di.h.ts';
import type { module } from '../../../include/linux/module.h.ts';
import { MmcBlock } from './block.ts';
import { MmcBus } from './bus.ts';

export const mmc_block: module = {
  name: 'mmc_block',
  async module_init(c) {
    register_service(c, MmcBlock);
    return c.resolve(MmcBus).mmc_register_driver(c.resolve(MmcBlock));
  },
  async module_exit(c) {
    await c.resolve(MmcBus).mmc_unregister_driver(c.resolve(MmcBlock));
  },
};
