// SPDX-License-Identifier: GPL-2.0
// How values appear in messages. Models the value printing in scripts/kconfig/symbol.c.
import type { kconfig_value } from '../../include/linux/kconfig.h.ts';
import type { SymbolType } from './symbol.ts';

/** A resolved value as the user would write it: y, 64, 0x1f, "text"; absent shows as "n" or (unset). */
export function format_value(type: SymbolType, v: kconfig_value | undefined): string {
  if (type === 'bool' || type === 'tristate') return v === undefined ? 'n' : String(v);
  if (v === undefined) return '(unset)';
  if (type === 'hex' && typeof v === 'number') return format_hex(v);
  if (type === 'string') return JSON.stringify(v);
  return String(v);
}

export const format_hex = (n: number): string => (n < 0 ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`);

/** Any user-supplied JSON value, for "got ..." in messages. */
export function describe_input(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return JSON.stringify(v);
}
