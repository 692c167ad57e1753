// SPDX-License-Identifier: GPL-2.0
// Which runs a command asks for: scenarios × hosts × variants, in a fixed order, and the K-th
// of N shards of that list (every N-th run from the K-th), so that N machines split the work
// and their results merge back into the same report.
import { not_applicable } from './board.ts';
import type { loaded_scenario } from './load.ts';
import type { host_kind } from './schema.ts';

export interface planned_run {
  readonly index: number;
  readonly file: string;
  readonly scenario: loaded_scenario['scenario'];
  readonly host: host_kind;
  readonly variant: string;
}

export interface skipped_run {
  readonly scenario: string;
  readonly host: host_kind;
  readonly why: string;
}

export interface plan_options {
  /** The hosts asked for; with --matrix, all. */
  readonly hosts: readonly host_kind[];
  /** The variants asked for; null means each scenario's own (v5 when it names none). */
  readonly variants: readonly string[] | null;
  readonly shard?: { k: number; n: number };
  /** The serial host's bridge runs in its own process. */
  readonly bridge?: boolean;
}

export const plan_runs = (scenarios: readonly loaded_scenario[], o: plan_options): { runs: planned_run[]; skipped: skipped_run[] } => {
  const runs: planned_run[] = [];
  const skipped: skipped_run[] = [];
  for (const { file, scenario } of scenarios) {
    for (const host of o.hosts) {
      if (scenario.hosts && !scenario.hosts.includes(host)) {
        skipped.push({ scenario: scenario.name, host, why: `the scenario needs ${scenario.hosts.join(' or ')}` });
        continue;
      }
      const why = not_applicable(scenario, host, o.bridge);
      if (why) {
        skipped.push({ scenario: scenario.name, host, why });
        continue;
      }
      for (const variant of o.variants ?? [scenario.variant ?? 'v5']) runs.push({ index: runs.length, file, scenario, host, variant });
    }
  }
  if (!o.shard) return { runs, skipped };
  const { k, n } = o.shard;
  return { runs: runs.filter((r) => r.index % n === k - 1), skipped };
};
