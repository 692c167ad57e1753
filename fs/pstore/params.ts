// SPDX-License-Identifier: GPL-2.0
// The pstore module's parameters (fs/pstore/platform.c): pstore.backend, pstore.compress,
// pstore.kmsg_bytes, as the module loader parses them from the command line or modprobe.
import { define_token } from '../../include/linux/di.h.ts';
import type { kernel_param, module_params } from '../../include/linux/module.h.ts';

export interface pstore_params {
  /** Only this backend may register (empty: the first one). */
  readonly backend: string;
  /** "deflate", or anything else for no compression (6.1 leaves an unknown name unselected). */
  readonly compress: string;
  /** 0: CONFIG_PSTORE_DEFAULT_KMSG_BYTES. */
  readonly kmsg_bytes: number;
}
export const PSTORE_PARAMS = define_token<pstore_params>('fs/pstore#pstore_params');

export const PSTORE_PARAM_DECL: Readonly<Record<string, kernel_param>> = {
  backend: { type: 'charp', default: '', desc: 'specific backend to use' },
  compress: { type: 'charp', default: 'deflate', desc: 'compression to use' },
  kmsg_bytes: { type: 'ulong', default: 0, desc: 'amount of kernel log to snapshot (in bytes)' },
};

export const pstore_params_of = (p: module_params): pstore_params => ({
  backend: String(p['backend'] ?? ''),
  compress: String(p['compress'] ?? 'deflate'),
  kmsg_bytes: Number(p['kmsg_bytes'] ?? 0),
});
