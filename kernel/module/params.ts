// SPDX-License-Identifier: GPL-2.0
// Parsing module parameters (kernel/params.c param_set_*, lib/kstrtox.c): the same accepted
// spellings and the same messages as Linux.
import type { kernel_param, module_params, param_value } from '../../include/linux/module.h.ts';

/** kstrtobool(): y/Y/1/on and n/N/0/off. */
const parse_bool = (s: string): boolean | null => {
  if (/^(y|Y|1|on|ON|On)$/.test(s)) return true;
  if (/^(n|N|0|off|OFF|Off)$/.test(s)) return false;
  return s === '' ? true : null;
};

/** kstrtol/ul(): decimal, 0x hex or 0 octal; the whole string must be a number. */
const parse_integer = (s: string): number | null => {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)\n?$/.exec(s);
  if (!m) return null;
  const body = m[2]!;
  const v = /^0[xX]/.test(body) ? parseInt(body.slice(2), 16) : body.length > 1 && body[0] === '0' ? parseInt(body, 8) : Number(body);
  return m[1] === '-' ? -v : v;
};

const LIMITS: Record<string, [number, number]> = {
  int: [-(2 ** 31), 2 ** 31 - 1],
  uint: [0, 2 ** 32 - 1],
  long: [-(2 ** 63), 2 ** 63 - 1],
  ulong: [0, 2 ** 64 - 1],
};

/** The value of one parameter, or null when Linux would reject it. */
export const parse_param = (p: kernel_param, raw: string | number | boolean): param_value | null => {
  const s = String(raw);
  if (p.type === 'charp') return s;
  if (p.type === 'bool') return typeof raw === 'boolean' ? raw : parse_bool(s);
  const v = parse_integer(s);
  if (v === null) return null;
  const [lo, hi] = LIMITS[p.type]!;
  return v < lo || v > hi ? null : v;
};

export interface parsed_params {
  values: module_params;
  /** Messages Linux prints: unknown parameters are ignored, bad values fail the load. */
  warnings: string[];
  errors: string[];
}

/** Defaults overridden by @given, as parse_args() does for one module. */
export const parse_module_params = (
  mod: string,
  decl: Readonly<Record<string, kernel_param>>,
  given: Record<string, string | number | boolean>,
): parsed_params => {
  const values: Record<string, param_value> = {};
  for (const [k, p] of Object.entries(decl)) values[k] = p.default;
  const warnings: string[] = [];
  const errors: string[] = [];
  for (const [k, raw] of Object.entries(given)) {
    const p = decl[k];
    if (!p) {
      warnings.push(`${mod}: unknown parameter '${k}' ignored`);
      continue;
    }
    const v = parse_param(p, raw);
    if (v === null) errors.push(`${mod}: '${String(raw)}' invalid for parameter '${k}'`);
    else values[k] = v;
  }
  return { values, warnings, errors };
};
