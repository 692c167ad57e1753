// SPDX-License-Identifier: GPL-2.0
// What a boot starts from (linux/init.h): the seed of this boot, its CPUs and its command line.
import { define_token } from './di.h.ts';

export interface boot_params {
  /** Seed of the scheduler's choices for this boot; a reboot derives the next one. */
  readonly seed: number;
  /** CPUs brought up (nr_cpu_ids), at most CONFIG_NR_CPUS. */
  readonly nr_cpus: number;
  /** The kernel command line, e.g. "pstore_blk.blkdev=mmcblk0p3 mmcpstore.sector_count=2048". */
  readonly cmdline: string;
  /** Wall-clock time at power-on, ns since the epoch, in whole seconds (the board's RTC). */
  readonly rtc_ns: number;
}
export const BOOT_PARAMS = define_token<boot_params>('linux/init#boot_params');

/** Initcall levels in the order do_initcalls() runs them (include/linux/init.h). */
export const INITCALL_LEVELS = ['pure', 'core', 'postcore', 'arch', 'subsys', 'fs', 'rootfs', 'device', 'late'] as const;
export type initcall_level = (typeof INITCALL_LEVELS)[number];
