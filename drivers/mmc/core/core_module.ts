// SPDX-License-Identifier: GPL-2.0
// The mmc_core module (drivers/mmc/core/core.c mmc_init, subsys_initcall): registers the core's
// services in the machine container; host drivers then find MMC_HOST_API.
import { register_service } from '../../../include/linux/di.h.ts';
import { MMC_HOST_API } from '../../../include/linux/mmc/host.h.ts';
import type { module } from '../../../include/linux/module.h.ts';
import { MmcBus } from './bus.ts';
import { MmcCore } from './core.ts';
import { MmcHostCore } from './host.ts';
import { MmcAttach } from './mmc.ts';
import { MmcOps } from './mmc_ops.ts';
import { MmcRescan } from './rescan.ts';
import { Retune } from './retune.ts';

export const MMC_CORE_SERVICES = [Retune, MmcCore, MmcOps, MmcBus, MmcAttach, MmcRescan, MmcHostCore] as const;

export const mmc_core: module = {
  name: 'mmc_core',
  async module_init(c) {
    for (const cls of MMC_CORE_SERVICES) register_service(c, cls, cls === MmcHostCore ? [MMC_HOST_API] : []);
    return 0;
  },
};
