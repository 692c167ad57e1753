// SPDX-License-Identifier: GPL-2.0
// Turn a well-shaped Kconfig.json into checked, parsed symbols. Models: scripts/kconfig/menu.c
// (menu_finalize: dependencies, selects, reverse dependencies) and the property checks of
// parser.y (a range on a bool, a select of an int, an unknown symbol, a default of the wrong type).
import type { Expr } from './expr.ts';
import { ExprSyntaxError, expr_symbols, parse_expr } from './expr.ts';
import { find_cycles } from './cycle.ts';
import { format_hex } from './format.ts';
import type { ConditionalDefault, DefaultValue, KconfigDb, KconfigSymbol, SymbolType } from './symbol.ts';
import { is_tristate_like } from './symbol.ts';

export interface CompiledDefault {
  /** bool/tristate: an expression; int/hex: a number; string: a string. */
  readonly value: Expr | number | string;
  readonly cond: Expr | null;
}

export interface CompiledSymbol {
  readonly name: string;
  readonly type: SymbolType;
  readonly has_prompt: boolean;
  readonly depends_on: Expr | null;
  /** The dependency as written, for messages. */
  readonly depends_text: string;
  readonly defaults: readonly CompiledDefault[];
  readonly select: readonly string[];
  /** Reverse of select: the symbols that select this one (Kconfig's rev_dep). */
  readonly selected_by: readonly string[];
  readonly range: readonly [number, number] | null;
  readonly choices: readonly string[] | null;
}

export interface CompiledDb {
  /** In Kconfig.json order, which is also the order of the resolved config. */
  readonly symbols: ReadonlyMap<string, CompiledSymbol>;
  /** MODULES exists: tristates may be m when it is y. Without it every tristate is a bool. */
  readonly has_modules: boolean;
}

const HEX_STRING_RE = /^0[xX][0-9a-fA-F]+$/;

/** An integer of @type from a Kconfig.json number or (hex only) "0x..." string, or an error text. */
function to_integer(type: 'int' | 'hex', v: DefaultValue): number | string {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) return `${v} is not an integer`;
    if (type === 'hex' && v < 0) return `${v} is negative; hex values are non-negative`;
    return v;
  }
  if (type === 'hex' && HEX_STRING_RE.test(v)) return parseInt(v.slice(2), 16);
  return `${JSON.stringify(v)} is not ${type === 'hex' ? 'an integer or a "0x..." string' : 'an integer'}`;
}

export type compile_result = { readonly ok: true; readonly db: CompiledDb } | { readonly ok: false; readonly errors: string[] };

/** compile_kconfig_db() - check the meaning of a Kconfig.json whose shape is already valid. */
export function compile_kconfig_db(db: KconfigDb): compile_result {
  const errors: string[] = [];
  const raw = new Map<string, KconfigSymbol>(Object.entries(db.symbols));
  const err = (sym: string, what: string) => errors.push(`${sym}: ${what}`);

  const parse = (sym: string, field: string, text: string): Expr | null => {
    try {
      const e = parse_expr(text);
      for (const { name, bare } of expr_symbols(e)) {
        const target = raw.get(name);
        if (target === undefined) err(sym, `${field}: unknown symbol ${name} in "${text}"`);
        else if (bare && !is_tristate_like(target.type)) {
          const what = `${target.type === 'int' ? 'an' : 'a'} ${target.type}`;
          err(sym, `${field}: ${name} is ${what}; compare it (e.g. ${name}=...) instead of using it as a condition`);
        }
      }
      return e;
    } catch (x) {
      if (!(x instanceof ExprSyntaxError)) throw x;
      err(sym, `${field}: ${x.message}`);
      return null;
    }
  };

  const selected_by = new Map<string, string[]>();
  const out = new Map<string, CompiledSymbol>();

  for (const [name, s] of raw) {
    const tl = is_tristate_like(s.type);
    const depends_on = s.depends_on === undefined ? null : parse(name, 'depends_on', s.depends_on);

    let range: [number, number] | null = null;
    if (s.range !== undefined) {
      if (s.type !== 'int' && s.type !== 'hex') err(name, `range: only int and hex symbols have a range, this is ${s.type}`);
      else {
        const [lo, hi] = s.range.map((b) => to_integer(s.type as 'int' | 'hex', b));
        if (typeof lo === 'string') err(name, `range: ${lo}`);
        if (typeof hi === 'string') err(name, `range: ${hi}`);
        if (typeof lo === 'number' && typeof hi === 'number') {
          if (lo > hi) err(name, `range: lower bound ${lo} is above upper bound ${hi}`);
          else range = [lo, hi];
        }
      }
    }
    if (s.choices !== undefined && s.type !== 'string') err(name, `choices: only string symbols have choices, this is ${s.type}`);
    const choices = s.type === 'string' && s.choices !== undefined ? s.choices : null;

    let list: readonly ConditionalDefault[] = [];
    if (Array.isArray(s.default)) list = s.default;
    else if (s.default !== undefined) list = [{ value: s.default as DefaultValue }];
    const defaults: CompiledDefault[] = [];
    list.forEach((d, i) => {
      const field = Array.isArray(s.default) ? `default[${i}]` : 'default';
      const cond = d.if === undefined ? null : parse(name, `${field}.if`, d.if);
      let value: Expr | number | string | null = null;
      if (tl) {
        if (typeof d.value !== 'string') err(name, `${field}: a ${s.type} default is an expression string such as "y", "n" or "MMC", not ${d.value}`);
        else value = parse(name, field, d.value);
      } else if (s.type === 'string') {
        if (typeof d.value !== 'string') err(name, `${field}: a string default must be a string, not ${d.value}`);
        else if (choices !== null && !choices.includes(d.value)) err(name, `${field}: ${JSON.stringify(d.value)} is not one of its choices`);
        else value = d.value;
      } else {
        const n = to_integer(s.type, d.value);
        if (typeof n === 'string') err(name, `${field}: ${n}`);
        else if (range !== null && (n < range[0] || n > range[1])) {
          const f = s.type === 'hex' ? format_hex : String;
          err(name, `${field}: ${f(n)} is outside its range ${f(range[0])}..${f(range[1])}`);
        } else value = n;
      }
      if (value !== null) defaults.push({ value, cond });
    });

    const select = s.select ?? [];
    if (select.length > 0 && !tl) err(name, `select: only bool and tristate symbols can select, this is ${s.type}`);
    for (const t of select) {
      const target = raw.get(t);
      if (target === undefined) err(name, `select: unknown symbol ${t}`);
      else if (t === name) err(name, 'select: a symbol cannot select itself');
      else if (!is_tristate_like(target.type)) {
        const what = `${target.type === 'int' ? 'an' : 'a'} ${target.type}`;
        err(name, `select: ${t} is ${what}; only bool and tristate symbols can be selected`);
      }
      else if (tl) selected_by.set(t, [...(selected_by.get(t) ?? []), name]);
    }

    out.set(name, {
      name,
      type: s.type,
      has_prompt: s.prompt !== undefined,
      depends_on,
      depends_text: s.depends_on ?? '',
      defaults,
      select,
      selected_by: [],
      range,
      choices,
    });
  }
  for (const [t, by] of selected_by) out.set(t, { ...out.get(t)!, selected_by: by });

  const has_modules = out.has('MODULES');
  if (has_modules && out.get('MODULES')!.type !== 'bool') err('MODULES', 'must be a bool: it says whether tristates may be m');

  // Value-of edges: dependencies, default values and conditions, selectors, and MODULES for tristates.
  const edges = new Map<string, string[]>();
  for (const s of out.values()) {
    const exprs = [s.depends_on, ...s.defaults.flatMap((d) => [d.cond, typeof d.value === 'object' ? d.value : null])];
    const to = exprs.flatMap((e) => (e === null ? [] : expr_symbols(e).map((x) => x.name)));
    if (s.type === 'tristate' && has_modules) to.push('MODULES');
    edges.set(s.name, [...new Set([...to, ...s.selected_by])].filter((n) => out.has(n)));
  }
  for (const c of find_cycles([...out.keys()], edges)) errors.push(`recursive dependency: ${c.join(' -> ')}`);

  return errors.length > 0 ? { ok: false, errors } : { ok: true, db: { symbols: out, has_modules } };
}
