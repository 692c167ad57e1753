// SPDX-License-Identifier: GPL-2.0
// Compute every symbol until nothing changes. Models the recursion of sym_calc_value() in
// scripts/kconfig/symbol.c as passes in Kconfig.json order (olddefconfig's effect).
import type { kconfig_value, tristate } from '../../include/linux/kconfig.h.ts';
import { calc_symbol } from './calc.ts';
import type { symbol_state } from './calc.ts';
import type { CompiledDb } from './compile.ts';
import type { ExprEnv } from './expr.ts';

export interface fixpoint_result {
  readonly states: ReadonlyMap<string, symbol_state>;
  /** Symbols still changing when the pass budget ran out; empty when it converged. */
  readonly unstable: readonly string[];
}

/**
 * calc_fixpoint() - every symbol's state given the user's (type-checked) values. compile.ts
 * rejects dependency loops, so a pass per level of the dependency graph suffices; the budget
 * (one pass per symbol, plus two) only guards against a loop that slipped through.
 */
export function calc_fixpoint(db: CompiledDb, user: ReadonlyMap<string, kconfig_value>): fixpoint_result {
  const values = new Map<string, kconfig_value | undefined>();
  const states = new Map<string, symbol_state>();
  const env: ExprEnv = {
    type: (name) => db.symbols.get(name)!.type,
    value: (name) => values.get(name),
    get modules() {
      return db.has_modules && values.get('MODULES') === 'y';
    },
  };
  let changed: string[] = [];
  for (let pass = 0; pass < db.symbols.size + 2; pass++) {
    changed = [];
    for (const sym of db.symbols.values()) {
      const selectors = sym.selected_by.map((s) => (values.get(s) ?? 'n') as tristate);
      const st = calc_symbol(sym, user.get(sym.name), env, selectors);
      const prev = states.get(sym.name);
      if (prev === undefined || prev.value !== st.value || prev.dep !== st.dep || prev.rev !== st.rev) changed.push(sym.name);
      states.set(sym.name, st);
      values.set(sym.name, st.value);
    }
    if (changed.length === 0) break;
  }
  return { states, unstable: changed };
}
