// SPDX-License-Identifier: GPL-2.0
// pstore/blk (include/linux/pstore_blk.h): how a device driver such as mmcpstore or mtdpstore
// registers an area with pstore/zone, and the configuration it reads from pstore/blk.
import { define_token } from './di.h.ts';
import type { pstore_zone_info } from './pstore_zone.h.ts';

/** struct pstore_device_info. @flags 0 means every frontend. */
export interface pstore_device_info {
  flags: number;
  zone: pstore_zone_info;
}

/** struct pstore_blk_config: the module parameters, normalised, sizes in bytes. */
export interface pstore_blk_config {
  device: string;
  max_reason: number;
  kmsg_size: number;
  pmsg_size: number;
  console_size: number;
  ftrace_size: number;
}

export interface pstore_blk_api {
  /** Copies the normalised module sizes over @dev.zone, names it "pstore_blk", registers with pstore/zone. */
  register_pstore_device(dev: pstore_device_info): Promise<number>;
  unregister_pstore_device(dev: pstore_device_info): Promise<void>;
  /** 0, filling @info from the module parameters. */
  pstore_blk_get_config(info: pstore_blk_config): number;
}
export const PSTORE_BLK = define_token<pstore_blk_api>('linux/pstore_blk#pstore_blk_api');
