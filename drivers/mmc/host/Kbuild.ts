// SPDX-License-Identifier: GPL-2.0
// drivers/mmc/host/Makefile: obj-$(CONFIG_MMC_MOCK) += mmc_mock.o, and likewise sdhci and mmc_serial
import type { kbuild_entry } from '../../../include/linux/module.h.ts';

export const kbuild: readonly kbuild_entry[] = [
  { name: 'mmc_mock', config: 'MMC_MOCK', initcall: 'device', depends: ['mmc_core'], load: async () => (await import('./mmc_mock.ts')).mmc_mock },
  { name: 'sdhci', config: 'MMC_SDHCI', initcall: 'device', depends: ['mmc_core'], load: async () => (await import('./sdhci.ts')).sdhci },
  { name: 'mmc_serial', config: 'MMC_SERIAL', initcall: 'device', depends: ['mmc_core'], load: async () => (await import('./mmc_serial.ts')).mmc_serial },
];
