// SPDX-License-Identifier: GPL-2.0
// Every module the tree can build, in link order: the union of the directories' Kbuild lists
// (the obj-$(CONFIG_X) += x.o lines of the Makefiles), in the kernel's link order.
import type { kbuild_entry } from '../include/linux/module.h.ts';
import { kbuild as mmc_core } from '../drivers/mmc/core/Kbuild.ts';
import { kbuild as mmc_host } from '../drivers/mmc/host/Kbuild.ts';
import { kbuild as pstore } from '../fs/pstore/Kbuild.ts';

/** fs/ links before drivers/ (the top Makefile's core-y before drivers-y): at one initcall level, pstore runs first. */
export const KBUILD_TREE: readonly kbuild_entry[] = [...pstore, ...mmc_core, ...mmc_host];
