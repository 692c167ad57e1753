// SPDX-License-Identifier: GPL-2.0
// Cost of a scheduler yield point, the hot path of every simulation, against the floor for a
// promise-based hand-off measured in the same run: two bare coroutines passing control.
// Run: npx tsx bench/sched-yield.ts
import 'reflect-metadata';
import { SCHED } from '../include/linux/sched.h.ts';
import { boot_test_machine } from '../tools/testing/boot.ts';

const N = 2_000_000;
const RUNS = 5;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

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

const measure = async (f: () => Promise<number>): Promise<number> => {
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) xs.push(await f());
  return median(xs);
};

const floor = await measure(bare_handoff);
const rows: Array<[string, number]> = [['bare promise hand-off (floor)', floor]];
for (const cpus of [1, 2, 4]) rows.push([`yield_point, ${cpus} CPU${cpus > 1 ? 's' : ''} runnable`, await measure(() => yields(cpus))]);
console.log(`node ${process.version}, ${N} yields per run, median of ${RUNS} runs`);
for (const [name, ns] of rows) console.log(`${name.padEnd(34)} ${ns.toFixed(1).padStart(6)} ns  ${(ns / floor).toFixed(2)}x floor`);
