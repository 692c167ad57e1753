// SPDX-License-Identifier: GPL-2.0
// Find dependency loops between symbols. Models: sym_check_deps() in scripts/kconfig/symbol.c
// ("recursive dependency detected"), which rejects them before any value is computed.

/**
 * find_cycles() - every loop in a "value of A depends on value of B" graph, each once, as the
 * path A -> B -> ... -> A. @order fixes the search order so the report is deterministic.
 */
export function find_cycles(order: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    state.set(v, 'open');
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      const s = state.get(w);
      if (s === 'open') cycles.push([...stack.slice(stack.indexOf(w)), w]);
      else if (s === undefined) visit(w);
    }
    stack.pop();
    state.set(v, 'done');
  };
  for (const v of order) if (!state.has(v)) visit(v);
  return cycles;
}
