// SPDX-License-Identifier: GPL-2.0
// Exploration rate: panic points per second on one thread, for the multi-block-write scenario
// (S05) on the sdhci host. Every point is a run of its own: boot, the workload up to the point,
// the panic, the next boot and its pstore mount (tools/scenario/run.ts).
import 'reflect-metadata';
import { CATALOGUE, load_scenarios } from '../tools/scenario/load.ts';
import { count_points, run_scenario, type run_options, type run_result } from '../tools/scenario/run.ts';
import { median_of, time_ms } from './lib/stats.ts';

export const S05 = `${CATALOGUE}S05-multiblock-write-data-phase.json`;

/** S05 on sdhci with @variant, seed 1: how many points it has, and a run at one of them. */
export const s05_points = async (variant: string): Promise<{ readonly points: number; run(point: number): Promise<run_result> }> => {
  const { scenario } = load_scenarios([S05])[0]!;
  const o: run_options = { host: 'sdhci', variant, seed: 1 };
  return {
    points: await count_points(scenario, o),
    async run(point) {
      const r = await run_scenario(scenario, { ...o, point });
      if (r.outcome === 'ERROR') throw new Error(`S05 point ${point}: ${r.why}`);
      return r;
    },
  };
};

export interface exploration_rate {
  readonly points: number;
  readonly points_per_s: number;
}

/** Every point of S05 on sdhci with @variant, @passes times: the median rate. */
export const exploration_rate = async (passes: number, variant = 'v5'): Promise<exploration_rate> => {
  const { points, run } = await s05_points(variant);
  const ms = await median_of(passes, () =>
    time_ms(async () => {
      for (let point = 1; point <= points; point++) await run(point);
    }),
  );
  return { points, points_per_s: (points * 1000) / ms };
};
