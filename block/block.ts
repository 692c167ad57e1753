// SPDX-License-Identifier: GPL-2.0
// The block layer's registrations in a machine container (block/genhd.c genhd_device_init).
import type { DependencyContainer } from 'tsyringe';
import { BLOCK } from '../include/linux/blkdev.h.ts';
import { register_service } from '../include/linux/di.h.ts';
import { register_partitions } from './partitions/check.ts';
import { Genhd } from './genhd.ts';

export const blk_init = (c: DependencyContainer): void => {
  register_service(c, Genhd, [BLOCK]);
  register_partitions(c);
};
