// SPDX-License-Identifier: GPL-2.0
// Carrying out a plan: each run in order (or, exploring, each point of each run's workload),
// with the K-th of N shard taken from the final list so that shards split evenly.
import { choose_points, type point_choice } from './explore.ts';
import type { planned_run } from './plan.ts';
import type { explored, report_run } from './report.ts';
import { run_in_workers } from './pool.ts';
import { count_points, run_or_error, variant_label, type run_options, type run_result } from './run.ts';

export type progress = (done: number, total: number, what: string) => void;

export interface batch_options {
  readonly seed: number;
  /** The K-th of N parts. */
  readonly shard?: { readonly k: number; readonly n: number };
  readonly progress?: progress;
  readonly trace?: run_options['trace'];
  readonly keep_images?: string;
  readonly bridge?: run_options['bridge'];
  /** Worker threads to run on (default 1: this thread). */
  readonly jobs?: number;
}

const in_shard = (index: number, o: batch_options): boolean => !o.shard || index % o.shard.n === o.shard.k - 1;

const options = (r: planned_run, o: batch_options, point?: number): run_options => ({
  host: r.host,
  variant: r.variant,
  seed: o.seed,
  ...(point !== undefined ? { point } : {}),
  ...(o.trace ? { trace: o.trace } : {}),
  ...(o.keep_images ? { keep_images: o.keep_images } : {}),
  ...(o.bridge ? { bridge: o.bridge } : {}),
});

interface item {
  readonly r: planned_run;
  readonly index: number;
  readonly point?: number;
}

/** Run @items, on worker threads when asked for more than one job. */
const run_items = async (items: readonly item[], o: batch_options, label: (i: item) => string): Promise<report_run[]> => {
  const place = (i: item, res: run_result): report_run => ({ index: i.index, file: i.r.file, variant_arg: i.r.variant, ...res });
  if ((o.jobs ?? 1) > 1) {
    const results = await run_in_workers(
      items.map((i) => ({ scenario: i.r.scenario, options: options(i.r, o, i.point) })),
      o.jobs!,
      (n) => o.progress?.(n, items.length, n < items.length ? label(items[n]!) : ''),
    );
    return items.map((i, k) => place(i, results[k]!));
  }
  const out: report_run[] = [];
  for (const i of items) {
    o.progress?.(out.length, items.length, label(i));
    out.push(place(i, await run_or_error(i.r.scenario, options(i.r, o, i.point))));
  }
  return out;
};

/** Each run (of the shard); with @point, each crashes at that exploration point. */
export const run_planned = (runs: readonly planned_run[], o: batch_options, point?: number): Promise<report_run[]> =>
  run_items(
    runs.filter((r) => in_shard(r.index, o)).map((r) => ({ r, index: r.index, ...(point !== undefined ? { point } : {}) })),
    o,
    (i) => i.r.scenario.name,
  );

export const explore_planned = async (
  runs: readonly planned_run[],
  o: batch_options,
  choice: Omit<point_choice, 'seed'> = {},
): Promise<{ runs: report_run[]; explored: explored[] }> => {
  const explored: explored[] = [];
  const work: item[] = [];
  for (const r of runs) {
    const n = await count_points(r.scenario, options(r, o));
    explored.push({ scenario: r.scenario.name, host: r.host, variant: variant_label(r.variant), seed: o.seed, points: n });
    for (const point of choose_points(n, { ...choice, seed: o.seed })) work.push({ r, point, index: work.length });
  }
  const mine = work.filter((w) => in_shard(w.index, o));
  return { runs: await run_items(mine, o, (i) => `${i.r.scenario.name} point ${i.point}`), explored };
};
