// SPDX-License-Identifier: GPL-2.0
// Carrying out a plan: each run in order (or, exploring, each point of each run's workload),
// with the K-th of N shard taken from the final list so that shards split evenly.
import { choose_points, type point_choice } from './explore.ts';
import type { planned_run } from './plan.ts';
import type { explored, report_run } from './report.ts';
import { count_points, run_or_error, variant_label, type run_options } from './run.ts';

export type progress = (done: number, total: number, what: string) => void;

export interface batch_options {
  readonly seed: number;
  /** The K-th of N parts. */
  readonly shard?: { readonly k: number; readonly n: number };
  readonly progress?: progress;
  readonly trace?: run_options['trace'];
  readonly keep_images?: string;
}

const in_shard = (index: number, o: batch_options): boolean => !o.shard || index % o.shard.n === o.shard.k - 1;

const one = async (r: planned_run, o: batch_options, index: number, point?: number): Promise<report_run> => ({
  index,
  file: r.file,
  variant_arg: r.variant,
  ...(await run_or_error(r.scenario, {
    host: r.host,
    variant: r.variant,
    seed: o.seed,
    ...(point !== undefined ? { point } : {}),
    ...(o.trace ? { trace: o.trace } : {}),
    ...(o.keep_images ? { keep_images: o.keep_images } : {}),
  })),
});

/** Each run (of the shard); with @point, each crashes at that exploration point. */
export const run_planned = async (runs: readonly planned_run[], o: batch_options, point?: number): Promise<report_run[]> => {
  const mine = runs.filter((r) => in_shard(r.index, o));
  const out: report_run[] = [];
  for (const r of mine) {
    o.progress?.(out.length, mine.length, r.scenario.name);
    out.push(await one(r, o, r.index, point));
  }
  return out;
};

export const explore_planned = async (
  runs: readonly planned_run[],
  o: batch_options,
  choice: Omit<point_choice, 'seed'> = {},
): Promise<{ runs: report_run[]; explored: explored[] }> => {
  const explored: explored[] = [];
  const work: Array<{ r: planned_run; point: number; index: number }> = [];
  for (const r of runs) {
    const n = await count_points(r.scenario, { host: r.host, variant: r.variant, seed: o.seed });
    explored.push({ scenario: r.scenario.name, host: r.host, variant: variant_label(r.variant), seed: o.seed, points: n });
    for (const point of choose_points(n, { ...choice, seed: o.seed })) work.push({ r, point, index: work.length });
  }
  const mine = work.filter((w) => in_shard(w.index, o));
  const out: report_run[] = [];
  for (const w of mine) {
    o.progress?.(out.length, mine.length, `${w.r.scenario.name} point ${w.point}`);
    out.push(await one(w.r, o, w.index, w.point));
  }
  return { runs: out, explored };
};
