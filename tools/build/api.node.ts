// SPDX-License-Identifier: GPL-2.0
// The package's Node entry (dist/node.js): init/api.ts, and runScenario(), one run of the
// scenario runner. It lives in tools/ because the runner reads files (Node), which init/ may not
// (the layering rule, and tsconfig.core.json type-checks init/ without Node's types).
// First: tsyringe, which what follows imports, needs the polyfill before it loads.
import 'reflect-metadata';
import { UsageError } from '../lib/cli.ts';
import { load_scenarios } from '../scenario/load.ts';
import { plan_runs } from '../scenario/plan.ts';
import { run_or_error, type run_result } from '../scenario/run.ts';
import { check_scenario, type host_kind, type scenario } from '../scenario/schema.ts';

export * from '../../init/api.ts';
/** What runScenario returns; the host names; a scenario as its JSON file holds it. */
export type { run_result, host_kind, scenario };

/** How runScenario runs its scenario. */
export interface run_scenario_options {
  /** mock (default), sdhci or serial (the bridge's device end in-process). */
  readonly host?: host_kind;
  /** v4, v5, proposed, or the path of a module registering a variant; default: the scenario's, else v5. */
  readonly variant?: string;
  /** Seed of the scheduler's choices; default 1. */
  readonly seed?: number;
}

const loaded = (s: string | scenario): { file: string; scenario: scenario } => {
  if (typeof s !== 'string') {
    const r = check_scenario(s);
    if (!r.ok) throw new UsageError(r.errors);
    return { file: '', scenario: r.scenario };
  }
  const all = load_scenarios([s]);
  if (all.length !== 1) throw new UsageError([`${s}: ${all.length} scenarios; runScenario runs one`]);
  return all[0]!;
};

/**
 * Run one scenario (a file, as tools/run-scenario takes it, or its object, a card image in it
 * named by an absolute path) as tools/run-scenario would: the outcome computed from what
 * happened, the one expected, the failures and the logs.
 * A run that cannot be carried out is an ERROR result; bad input, or a scenario that does not
 * apply to @host, throws (UsageError: one message per problem).
 */
export const runScenario = async (s: string | scenario, o: run_scenario_options = {}): Promise<run_result> => {
  const host = o.host ?? 'mock';
  const { runs, skipped } = plan_runs([loaded(s)], { hosts: [host], variants: o.variant ? [o.variant] : null });
  if (!runs.length) throw new UsageError([`${skipped[0]!.scenario} on ${host}: skipped, ${skipped[0]!.why}`]);
  return run_or_error(runs[0]!.scenario, { host, variant: runs[0]!.variant, seed: o.seed ?? 1 });
};
