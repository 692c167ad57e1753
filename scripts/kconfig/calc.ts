// SPDX-License-Identifier: GPL-2.0
// One symbol's value from the values of the others. Models: sym_calc_value() and
// sym_calc_visibility() in scripts/kconfig/symbol.c.
import type { kconfig_value, tristate } from '../../include/linux/kconfig.h.ts';
import type { CompiledSymbol } from './compile.ts';
import { expr_eval } from './expr.ts';
import type { Expr, ExprEnv } from './expr.ts';
import { M, N, Y, tri_and, tri_name, tri_of, tri_or } from './tristate.ts';
import type { tri } from './tristate.ts';

export interface symbol_state {
  /** depends_on; for a bool (or any tristate without MODULES) m counts as y, as in Kconfig. */
  readonly dep: tri;
  /** depends_on as evaluated, before that bool adjustment: for messages. */
  readonly dep_raw: tri;
  /** The most a user may ask for: dep if the symbol has a prompt, else n. */
  readonly vis: tri;
  /** The strongest select on it (bool-adjusted like dep). */
  readonly rev: tri;
  /** undefined when dep is n and nothing selects it: "is not set", absent from the config. */
  readonly value: kconfig_value | undefined;
}

/** Where m cannot exist (a bool, or no modules), Kconfig turns it into y. */
const no_m = (sym: CompiledSymbol, modules: boolean, t: tri): tri => (t === M && (sym.type === 'bool' || !modules) ? Y : t);

/**
 * calc_symbol() - compute @sym from the current values in @env and the user's wish @user
 * (already type-checked). Defaults and user values are clamped to the dependency, then
 * raised by selects, as olddefconfig does; check.ts reports where that overrode the user.
 */
export function calc_symbol(sym: CompiledSymbol, user: kconfig_value | undefined, env: ExprEnv, selectors: readonly tristate[]): symbol_state {
  const dep_raw = sym.depends_on === null ? Y : expr_eval(sym.depends_on, env);
  const dep = no_m(sym, env.modules, dep_raw);
  const vis = sym.has_prompt ? dep : N;

  if (sym.type !== 'bool' && sym.type !== 'tristate') {
    let value: kconfig_value | undefined;
    if (dep !== N) {
      if (user !== undefined && vis !== N) value = user;
      else {
        const d = sym.defaults.find((x) => x.cond === null || expr_eval(x.cond, env) !== N);
        // No default that applies: 0 clamped into the range, "" or the first choice.
        if (d !== undefined) value = d.value as number | string;
        else if (sym.type === 'string') value = sym.choices?.[0] ?? '';
        else value = sym.range === null ? 0 : Math.min(Math.max(0, sym.range[0]), sym.range[1]);
      }
    }
    return { dep, dep_raw, vis, rev: N, value };
  }

  // A default's value is not a dependency: `default m` stays m (and becomes y without MODULES).
  const value_env: ExprEnv = { type: env.type, value: env.value, modules: true };
  const rev = no_m(sym, env.modules, selectors.reduce<tri>((a, s) => tri_or(a, tri_of(s)), N));
  let v: tri = N;
  if (user !== undefined && vis !== N) v = tri_and(tri_of(user as tristate), vis);
  else {
    for (const d of sym.defaults) {
      const cond = d.cond === null ? Y : expr_eval(d.cond, env);
      if (cond === N) continue;
      v = tri_and(tri_and(expr_eval(d.value as Expr, value_env), cond), dep);
      break;
    }
  }
  v = no_m(sym, env.modules, tri_or(v, rev));
  return { dep, dep_raw, vis, rev, value: dep === N && v === N ? undefined : tri_name(v) };
}
