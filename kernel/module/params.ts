// SPDX-License-Identifier: GPL-2.0
// Parsing module parameters (kernel/params.c param_set_*, lib/kstrtox.c): the same accepted
// spellings and the same messages as Linux.
import type { kernel_param, module_params, param_type, param_value } from '../../include/linux/module.h.ts';

/**
 * kstrtobool(): only the first character counts: y/Y/t/T/1 and n/N/f/F/0, or o/O followed by
 * n/N ("on") or f/F ("off"); so "yes", "no", "true" and "Off" work, "2" and "x" do not. An
 * empty value is a bare "mod.param" on the command line, which param_set_bool takes as "1".
 */
const parse_bool = (s: string): boolean | null => {
  if (s === '') return true;
  const c = s[0]!;
  if ('YyTt1'.includes(c)) return true;
  if ('NnFf0'.includes(c)) return false;
  if (c === 'o' || c === 'O') {
    if (s[1] === 'n' || s[1] === 'N') return true;
    if (s[1] === 'f' || s[1] === 'F') return false;
  }
  return null;
};

/**
 * kstrtoll()/kstrtoull() with base 0: decimal, 0x hex or 0 octal, an optional sign ('-' only
 * for signed types), one optional trailing newline, nothing else. Exact, in BigInt.
 */
const parse_integer = (s: string, signed: boolean): bigint | null => {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)\n?$/.exec(s);
  if (!m || (m[1] === '-' && !signed)) return null;
  const body = m[2]!;
  const v = body[0] !== '0' || body.length === 1 ? BigInt(body) : /^0[xX]/.test(body) ? BigInt(body) : BigInt('0o' + body.slice(1));
  return m[1] === '-' ? -v : v;
};

const LIMITS: Record<Exclude<param_type, 'bool' | 'charp'>, readonly [bigint, bigint]> = {
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  uint: [0n, 2n ** 32n - 1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
  ulong: [0n, 2n ** 64n - 1n],
};

/**
 * The value of one parameter, or null when Linux would reject it. Integers are checked for
 * range exactly; long/ulong values beyond 2^53 lose precision in the number they become.
 */
export const parse_param = (p: kernel_param, raw: string | number | boolean): param_value | null => {
  const s = String(raw);
  if (p.type === 'charp') return s;
  if (p.type === 'bool') return typeof raw === 'boolean' ? raw : parse_bool(s);
  const [lo, hi] = LIMITS[p.type];
  const v = parse_integer(s, lo < 0n);
  return v === null || v < lo || v > hi ? null : Number(v);
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
