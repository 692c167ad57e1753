// SPDX-License-Identifier: GPL-2.0
// pstore_blk's module parameters (fs/pstore/blk.c), with their Kconfig defaults: sizes in KiB,
// -1 (off) for a frontend whose CONFIG_PSTORE_<X> is not set.
import { define_token } from '../../include/linux/di.h.ts';
import type { kconfig } from '../../include/linux/kconfig.h.ts';
import type { kernel_param, module_params } from '../../include/linux/module.h.ts';

export interface pstore_blk_params {
  blkdev: string;
  kmsg_size: number;
  max_reason: number;
  pmsg_size: number;
  console_size: number;
  ftrace_size: number;
  best_effort: boolean;
}
export const PSTORE_BLK_PARAMS = define_token<pstore_blk_params>('fs/pstore#pstore_blk_params');

/** The declarations; a NaN default means "the Kconfig default", filled in by pstore_blk_params_of. */
export const PSTORE_BLK_PARAM_DECL: Readonly<Record<string, kernel_param>> = {
  blkdev: { type: 'charp', default: '\0', desc: 'block device for pstore storage' },
  kmsg_size: { type: 'long', default: Number.NaN, desc: 'kmsg dump record size in kbytes' },
  max_reason: { type: 'int', default: Number.NaN, desc: 'maximum reason for kmsg dump' },
  pmsg_size: { type: 'long', default: Number.NaN, desc: 'pmsg size in kbytes' },
  console_size: { type: 'long', default: Number.NaN, desc: 'console size in kbytes' },
  ftrace_size: { type: 'long', default: Number.NaN, desc: 'ftrace size in kbytes' },
  best_effort: { type: 'bool', default: false, desc: 'use best effort to write (i.e. do not require storage driver pstore support, default: off)' },
};

const kconfig_size = (c: kconfig, frontend: string | null, sym: string): number =>
  frontend && c[frontend] !== 'y' ? -1 : Number(c[sym] ?? -1);

export const pstore_blk_params_of = (p: module_params, c: kconfig): pstore_blk_params => {
  const or = (v: unknown, d: number): number => (typeof v === 'number' && !Number.isNaN(v) ? v : d);
  return {
    blkdev: p['blkdev'] === '\0' ? String(c['PSTORE_BLK_BLKDEV'] ?? '') : String(p['blkdev']),
    kmsg_size: or(p['kmsg_size'], kconfig_size(c, null, 'PSTORE_BLK_KMSG_SIZE')),
    max_reason: or(p['max_reason'], Number(c['PSTORE_BLK_MAX_REASON'] ?? 2)),
    pmsg_size: or(p['pmsg_size'], kconfig_size(c, 'PSTORE_PMSG', 'PSTORE_BLK_PMSG_SIZE')),
    console_size: or(p['console_size'], kconfig_size(c, 'PSTORE_CONSOLE', 'PSTORE_BLK_CONSOLE_SIZE')),
    ftrace_size: or(p['ftrace_size'], kconfig_size(c, 'PSTORE_FTRACE', 'PSTORE_BLK_FTRACE_SIZE')),
    best_effort: p['best_effort'] === true,
  };
};
