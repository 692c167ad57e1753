// SPDX-License-Identifier: GPL-2.0
// Read a user's config: a JSON object of symbol -> value. Models: conf_read_simple() in
// scripts/kconfig/confdata.c, but strict: what Kconfig would warn about and ignore is an error here.
import type { kconfig_value } from '../../include/linux/kconfig.h.ts';
import type { CompiledDb, CompiledSymbol } from './compile.ts';
import { describe_input, format_hex } from './format.ts';
import { suggest_symbol } from './suggest.ts';
import { printable_key } from '../../lib/printable_key.ts';

export const CONFIG_PREFIX = 'CONFIG_';

const DECIMAL_RE = /^-?[0-9]+$/;
const HEX_RE = /^0[xX][0-9a-fA-F]+$/;

/** The value @v means for @sym, or a message saying why it is not one. */
function parse_value(sym: CompiledSymbol, v: unknown): { value: kconfig_value } | { error: string } {
  const got = describe_input(v);
  switch (sym.type) {
    case 'bool':
      if (v === 'y' || v === true) return { value: 'y' };
      if (v === 'n' || v === false) return { value: 'n' };
      return { error: `${got} is not a bool value (expected "y", "n", true or false)` };
    case 'tristate':
      if (v === 'y' || v === 'm' || v === 'n') return { value: v };
      return { error: `${got} is not a tristate value (expected "y", "m" or "n")` };
    case 'string':
      if (typeof v !== 'string') return { error: `${got} is not a string` };
      if (sym.choices !== null && !sym.choices.includes(v)) {
        return { error: `${got} is not one of its choices: ${sym.choices.map((c) => JSON.stringify(c)).join(', ')}` };
      }
      return { value: v };
    case 'int':
    case 'hex': {
      let n: number | undefined;
      if (typeof v === 'number' && Number.isSafeInteger(v)) n = v;
      else if (typeof v === 'string' && sym.type === 'int' && DECIMAL_RE.test(v)) n = Number(v);
      else if (typeof v === 'string' && sym.type === 'hex' && HEX_RE.test(v)) n = parseInt(v.slice(2), 16);
      if (n === undefined || !Number.isSafeInteger(n) || (sym.type === 'hex' && n < 0)) {
        const want = sym.type === 'int' ? 'an integer number or a decimal string' : 'a non-negative integer number or a "0x..." string';
        return { error: `${got} is not ${sym.type === 'int' ? 'an int' : 'a hex'} value (expected ${want})` };
      }
      if (sym.range !== null && (n < sym.range[0] || n > sym.range[1])) {
        const f = sym.type === 'hex' ? format_hex : String;
        return { error: `${f(n)} is out of range (must be ${f(sym.range[0])}..${f(sym.range[1])})` };
      }
      return { value: n };
    }
  }
}

export interface user_config {
  /** Canonical name (no CONFIG_ prefix) -> the value asked for; invalid entries are left out. */
  readonly values: ReadonlyMap<string, kconfig_value>;
  readonly errors: readonly string[];
}

/**
 * parse_user_config() - check every entry of a user config: known symbol, given once (with or
 * without CONFIG_), a value of the symbol's type, in range, among its choices.
 */
export function parse_user_config(db: CompiledDb, user: unknown): user_config {
  const values = new Map<string, kconfig_value>();
  const errors: string[] = [];
  if (user === null || typeof user !== 'object' || Array.isArray(user)) {
    return { values, errors: [`a config must be a JSON object of SYMBOL: value, not ${describe_input(user)}`] };
  }
  const key_of = new Map<string, string>();
  for (const [key, v] of Object.entries(user)) {
    const name = key.startsWith(CONFIG_PREFIX) ? key.slice(CONFIG_PREFIX.length) : key;
    const first = key_of.get(name);
    if (first !== undefined) {
      errors.push(`${printable_key(name)}: given twice, as ${printable_key(first)} and as ${printable_key(key)}`);
      continue;
    }
    key_of.set(name, key);
    const sym = db.symbols.get(name);
    if (sym === undefined) {
      const hint = suggest_symbol(name, db.symbols.keys());
      errors.push(`${printable_key(key)}: unknown symbol${hint === undefined ? '' : ` (did you mean ${hint}?)`}`);
      continue;
    }
    const r = parse_value(sym, v);
    if ('error' in r) errors.push(`${name}: ${r.error}`);
    else values.set(name, r.value);
  }
  return { values, errors };
}
