// SPDX-License-Identifier: GPL-2.0
// Compare what the user asked for with what resolution gave, and report every difference.
// Models the "unmet direct dependencies" warning of scripts/kconfig/symbol.c and the silent
// clamping of conf.c olddefconfig, both of which are errors here.
import type { kconfig_value, tristate } from '../../include/linux/kconfig.h.ts';
import type { symbol_state } from './calc.ts';
import type { CompiledDb, CompiledSymbol } from './compile.ts';
import { expr_symbols } from './expr.ts';
import { format_value } from './format.ts';
import { is_tristate_like } from './symbol.ts';
import { M, N, tri_name, tri_of } from './tristate.ts';
import type { tri } from './tristate.ts';

type states = ReadonlyMap<string, symbol_state>;

/** "depends on A && B, which is n (A=y, B=n)" */
function dependency(db: CompiledDb, sym: CompiledSymbol, st: states): string {
  const names = sym.depends_on === null ? [] : expr_symbols(sym.depends_on).map((x) => x.name);
  const shown = names.map((n) => `${n}=${format_value(db.symbols.get(n)!.type, st.get(n)!.value)}`);
  return `depends on ${sym.depends_text}, which is ${tri_name(st.get(sym.name)!.dep_raw)} (${shown.join(', ')})`;
}

const tri_value = (v: kconfig_value | undefined): tristate => (v === 'y' || v === 'm' ? v : 'n');

/** "A=y", for each symbol selecting @sym with a value above @floor. */
const selectors_above = (sym: CompiledSymbol, floor: tri, st: states): string[] =>
  sym.selected_by.filter((b) => tri_of(tri_value(st.get(b)!.value)) > floor).map((b) => `${b}=${tri_value(st.get(b)!.value)}`);

/** Problems with one user-set symbol; at most one, the first that applies. */
function check_user_value(db: CompiledDb, sym: CompiledSymbol, asked: kconfig_value, st: states): string | undefined {
  const s = st.get(sym.name)!;
  const tl = is_tristate_like(sym.type);
  const shown = `${sym.name}=${format_value(sym.type, asked)}`;
  if (!sym.has_prompt) {
    const same = tl ? tri_value(asked) === tri_value(s.value) : asked === s.value;
    if (same) return undefined;
    const is = format_value(sym.type, s.value);
    const by = selectors_above(sym, N, st);
    let why: string;
    if (by.length > 0) why = `${by.join(' and ')} ${by.length > 1 ? 'select' : 'selects'} it`;
    else if (s.value === undefined) why = 'its dependencies are unmet';
    else why = sym.defaults.length > 0 ? 'that is its default' : 'nothing selects it';
    return `${shown}: cannot be set: it has no prompt, so only defaults and selects set it; it is ${is} because ${why}`;
  }
  if (s.dep === N) {
    // Asking for n (not set) where the dependency already forces n is no contradiction.
    if (tl && asked === 'n') return undefined;
    return `${shown}: unmet dependency: ${sym.name} ${dependency(db, sym, st)}`;
  }
  if (!tl) return undefined;
  const modules = db.has_modules && st.get('MODULES')?.value === 'y';
  if (asked === 'm' && !modules) {
    if (!db.has_modules) return `${shown}: m is impossible: there is no MODULES symbol`;
    return `${shown}: m needs loadable module support, but MODULES=n`;
  }
  const want = tri_of(asked as tristate);
  if (want > s.vis) return `${shown}: can be at most ${tri_name(s.vis)} because it ${dependency(db, sym, st)}`;
  if (want < s.rev) {
    const by = selectors_above(sym, want, st);
    const need = s.rev === M ? 'at least m' : 'y';
    return `${shown}: must be ${need} because ${by.join(' and ')} ${by.length > 1 ? 'select' : 'selects'} it`;
  }
  return undefined;
}

/** Every select from a symbol that is on, to a target whose own dependencies do not allow that much. */
function check_selects(db: CompiledDb, sym: CompiledSymbol, st: states): string[] {
  const v = tri_value(st.get(sym.name)!.value);
  if (v === 'n') return [];
  const out: string[] = [];
  for (const t of sym.select) {
    const target = db.symbols.get(t)!;
    const ts = st.get(t)!;
    if (ts.dep < tri_of(v)) out.push(`${sym.name}=${v} selects ${t}, but ${t} ${dependency(db, target, st)}`);
  }
  return out;
}

/**
 * check_config() - every rejection, in Kconfig.json order: per user-set symbol the first
 * problem (unmet dependency, m without MODULES, above what the dependency allows, below what a
 * select forces), then every select into unmet dependencies.
 */
export function check_config(db: CompiledDb, user: ReadonlyMap<string, kconfig_value>, st: states): string[] {
  const out: string[] = [];
  for (const sym of db.symbols.values()) {
    const asked = user.get(sym.name);
    if (asked === undefined) continue;
    const e = check_user_value(db, sym, asked, st);
    if (e !== undefined) out.push(e);
  }
  for (const sym of db.symbols.values()) out.push(...check_selects(db, sym, st));
  return out;
}
