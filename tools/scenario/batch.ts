// SPDX-License-Identifier: GPL-2.0
// Carrying out a plan: each run in order (or, exploring, each point of each run's workload),
// with the K-th of N shard taken from the final list so that shards split evenly.
import { choose_points, type point_choice } from './explore.ts';
import type { planned_run } from './plan.ts';
import type { explored, report_run } from './report.ts';
import { count_points, run_or_error, variant_label } from './run.ts';

export type progress = (done: number, total: number, what: string) => void;

export interface shard {
  readonly k: number;
  readonly n: number;
}

const in_shard = (index: number, s?: shard): boolean => !s || index % s.n === s.k - 1;

const one = async (r: planned_run, seed: number, index: number, point?: number): Promise<report_run> => ({
  index,
  file: r.file,
  variant_arg: r.variant,
  ...(await run_or_error(r.scenario, { host: r.host, variant: r.variant, seed, ...(point !== undefined ? { point } : {}) })),
});

/** Each run (of the shard); with @point, each crashes at that exploration point. */
export const run_planned = async (runs: readonly planned_run[], seed: number, s?: shard, p?: progress, point?: number): Promise<report_run[]> => {
  const mine = runs.filter((r) => in_shard(r.index, s));
  const out: report_run[] = [];
  for (const r of mine) {
    p?.(out.length, mine.length, r.scenario.name);
    out.push(await one(r, seed, r.index, point));
  }
  return out;
};

export const explore_planned = async (
  runs: readonly planned_run[],
  seed: number,
  choice: Omit<point_choice, 'seed'>,
  s?: shard,
  p?: progress,
): Promise<{ runs: report_run[]; explored: explored[] }> => {
  const explored: explored[] = [];
  const work: Array<{ r: planned_run; point: number; index: number }> = [];
  for (const r of runs) {
    const n = await count_points(r.scenario, { host: r.host, variant: r.variant, seed });
    explored.push({ scenario: r.scenario.name, host: r.host, variant: variant_label(r.variant), seed, points: n });
    for (const point of choose_points(n, { ...choice, seed })) work.push({ r, point, index: work.length });
  }
  const mine = work.filter((w) => in_shard(w.index, s));
  const out: report_run[] = [];
  for (const w of mine) {
    p?.(out.length, mine.length, `${w.r.scenario.name} point ${w.point}`);
    out.push(await one(w.r, seed, w.index, w.point));
  }
  return { runs: out, explored };
};
