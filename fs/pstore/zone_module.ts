// SPDX-License-Identifier: GPL-2.0
// The pstore_zone module (fs/pstore/Makefile: obj-$(CONFIG_PSTORE_ZONE) += pstore_zone.o).
// zone.c has no init of its own; loading it makes register_pstore_zone() available, which
// here means registering PstoreZone under PSTORE_ZONE in the machine's container.
import { register_service } from '../../include/linux/di.h.ts';
import type { module } from '../../include/linux/module.h.ts';
import { PSTORE_ZONE } from '../../include/linux/pstore_zone.h.ts';
import { PstoreZone } from './zone.ts';

export const pstore_zone: module = {
  name: 'pstore_zone',
  async module_init(c) {
    register_service(c, PstoreZone, [PSTORE_ZONE]);
    return 0;
  },
};
