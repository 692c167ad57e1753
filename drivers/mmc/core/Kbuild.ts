// SPDX-License-Identifier: GPL-2.0
// drivers/mmc/core/Makefile: obj-$(CONFIG_MMC) += mmc_core.o, obj-$(CONFIG_MMC_BLOCK) += mmc_block.o,
// obj-$(CONFIG_MMC_PSTORE) += mmcpstore.o
import type { kbuild_entry } from '../../../include/linux/module.h.ts';

export const kbuild: readonly kbuild_entry[] = [
  { name: 'mmc_core', config: 'MMC', initcall: 'subsys', load: async () => (await import('./core_module.ts')).mmc_core },
  { name: 'mmc_block', config: 'MMC_BLOCK', initcall: 'device', depends: ['mmc_core'], load: async () => (await import('./block_module.ts')).mmc_block },
  { name: 'mmcpstore', config: 'MMC_PSTORE', initcall: 'late', depends: ['mmc_block', 'pstore_blk'], load: async () => (await import('./mmcpstore_module.ts')).mmcpstore },
];
