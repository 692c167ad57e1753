// SPDX-License-Identifier: GPL-2.0
// fs/pstore/Makefile: obj-$(CONFIG_PSTORE) += pstore.o, obj-$(CONFIG_PSTORE_ZONE) += pstore_zone.o,
// obj-$(CONFIG_PSTORE_BLK) += pstore_blk.o; all three initialise at late_initcall, in this order.
import type { kbuild_entry } from '../../include/linux/module.h.ts';

export const kbuild: readonly kbuild_entry[] = [
  { name: 'pstore', config: 'PSTORE', initcall: 'late', load: async () => (await import('./pstore_module.ts')).pstore },
  { name: 'pstore_zone', config: 'PSTORE_ZONE', initcall: 'late', depends: ['pstore'], load: async () => (await import('./zone_module.ts')).pstore_zone },
  { name: 'pstore_blk', config: 'PSTORE_BLK', initcall: 'late', depends: ['pstore_zone'], load: async () => (await import('./blk_module.ts')).pstore_blk },
];
