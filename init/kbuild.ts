// SPDX-License-Identifier: GPL-2.0
// Every module the tree can build, in link order: the union of the directories' Kbuild lists
// (the obj-$(CONFIG_X) += x.o lines of the Makefiles). The MMC and pstore issues add theirs.
import type { kbuild_entry } from '../include/linux/module.h.ts';

export const KBUILD_TREE: readonly kbuild_entry[] = [];
