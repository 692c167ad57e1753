// SPDX-License-Identifier: GPL-2.0
// The resolved configuration as the rest of the tree sees it (linux/kconfig.h).
// Models: include/linux/kconfig.h (IS_ENABLED, IS_BUILTIN, IS_MODULE).
import { define_token } from './di.h.ts';

export type tristate = 'n' | 'm' | 'y';

/** One resolved value: bool and tristate as 'n'|'m'|'y', int and hex as numbers, strings as strings. */
export type kconfig_value = tristate | number | string;

/**
 * A resolved config, like a `.config` after `make olddefconfig`: symbol names without the
 * `CONFIG_` prefix. A symbol whose dependencies are unmet is absent ("is not set").
 */
export type kconfig = Readonly<Record<string, kconfig_value>>;

export const KCONFIG = define_token<kconfig>('linux/kconfig#kconfig');

export const IS_BUILTIN = (c: kconfig, sym: string): boolean => c[sym] === 'y';
export const IS_MODULE = (c: kconfig, sym: string): boolean => c[sym] === 'm';
export const IS_ENABLED = (c: kconfig, sym: string): boolean => c[sym] === 'y' || c[sym] === 'm';
