// SPDX-License-Identifier: GPL-2.0
// Cost of a scheduler yield point, the hot path of every simulation, against the floor for a
// promise-based hand-off measured in the same run: two bare coroutines passing control.
import 'reflect-metadata';
import { SCHED } from '../include/linux/sched.h.ts';
import { boot_test_machine } from '../tools/testing/boot.ts';
import { median_of } from './lib/stats.ts';

const N = 2_000_000;

/** The floor: two coroutines handing control to each other through promises, no scheduler. */
const bare_handoff = async (): Promise<number> => {
  let wake: (() => void) | null = null;
  const side = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const w = wake;
      const p = new Promise<void>((r) => (wake = r));
      w?.();
      await p;
    }
    wake?.();
  };
  const t0 = performance.now();
  await Promise.all([side(N / 2), side(N / 2)]);
  return ((performance.now() - t0) * 1e6) / N;
};

/** ns per yield_point() with @cpus CPUs each running a task that only yields. */
const yields = async (cpus: number): Promise<number> => {
  const m = await boot_test_machine({ cpus });
  const s = m.resolve(SCHED);
  const per = N / cpus;
  for (let c = 0; c < cpus; c++)
    m.spawn(c, `y${c}`, async () => {
      for (let i = 0; i < per; i++) await s.yield_point();
    });
  const t0 = performance.now();
  await m.run();
  return ((performance.now() - t0) * 1e6) / N;
};

export interface yield_cost {
  readonly label: string;
  readonly ns: number;
}

/** The floor, then yield_point with 1, 2 and 4 CPUs runnable: medians of @runs. */
export const yield_costs = async (runs: number): Promise<yield_cost[]> => {
  const out: yield_cost[] = [{ label: 'bare promise hand-off (the floor)', ns: await median_of(runs, bare_handoff) }];
  for (const cpus of [1, 2, 4]) out.push({ label: `yield_point, ${cpus} CPU${cpus > 1 ? 's' : ''} runnable`, ns: await median_of(runs, () => yields(cpus)) });
  return out;
};
