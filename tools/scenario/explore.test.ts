// Exploration: the points chosen, every point of a workload covered, the same histogram from
// the same seed, and a replay that reproduces its point.
import { describe, expect, it } from 'vitest';
import { explore_planned } from './batch.ts';
import { choose_points } from './explore.ts';
import { load_scenarios } from './load.ts';
import { plan_runs } from './plan.ts';
import { count_points, run_scenario } from './run.ts';

describe('choose_points', () => {
  it('takes every point, every N-th, or a seeded sample of distinct points', () => {
    expect(choose_points(5, { seed: 1 })).toEqual([1, 2, 3, 4, 5]);
    expect(choose_points(10, { every: 4, seed: 1 })).toEqual([1, 5, 9]);
    const a = choose_points(1000, { sample: 20, seed: 3 });
    expect(new Set(a).size).toBe(20);
    expect(a).toEqual([...a].sort((x, y) => x - y));
    expect(a.every((k) => k >= 1 && k <= 1000)).toBe(true);
    expect(choose_points(1000, { sample: 20, seed: 3 })).toEqual(a);
    expect(choose_points(1000, { sample: 20, seed: 4 })).not.toEqual(a);
    expect(choose_points(3, { sample: 20, seed: 3 })).toEqual([1, 2, 3]);
  });
});

describe('exploring S05 (a multi-block write in flight)', () => {
  const [s05] = load_scenarios([new URL('../../scenarios/S05-multiblock-write-data-phase.json', import.meta.url).pathname]);
  const { runs } = plan_runs([s05!], { hosts: ['mock'], variants: ['v5'] });

  it('crashes at every yield point of the workload; the same seed gives the same runs', async () => {
    const n = await count_points(s05!.scenario, { host: 'mock', variant: 'v5', seed: 1 });
    expect(n).toBeGreaterThan(10);
    const a = await explore_planned(runs, { seed: 1 });
    expect(a.explored).toEqual([{ scenario: s05!.scenario.name, host: 'mock', variant: 'v5', seed: 1, points: n }]);
    expect(a.runs.map((r) => r.point)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    // The crash really comes at different instants: the crashing boots' logs are not all alike.
    expect(new Set(a.runs.map((r) => r.dmesg)).size).toBeGreaterThan(3);
    const b = await explore_planned(runs, { seed: 1 });
    expect(b.runs.map((r) => [r.point, r.outcome, r.why])).toEqual(a.runs.map((r) => [r.point, r.outcome, r.why]));
    // A replay of one point is that point's run.
    const k = Math.ceil(n / 2);
    const replay = await run_scenario(s05!.scenario, { host: 'mock', variant: 'v5', seed: 1, point: k });
    expect(replay.dmesg).toBe(a.runs[k - 1]!.dmesg);
    expect(replay.outcome).toBe(a.runs[k - 1]!.outcome);
  }, 60_000);

  it('refuses a point past the end of the workload', async () => {
    const n = await count_points(s05!.scenario, { host: 'mock', variant: 'v5', seed: 1 });
    await expect(run_scenario(s05!.scenario, { host: 'mock', variant: 'v5', seed: 1, point: n + 50 })).rejects.toThrow(`point ${n + 50} is past the end of the workload`);
  });
});

describe('exploring with the proposed variant', () => {
  // Found by exploration: a frozen task between its CMD6 (to boot0, or CMDQ on) and mmcblk's
  // update of ext_csd leaves the cache stale; proposed switches unconditionally.
  for (const id of ['S13', 'S14', 'S16']) {
    it(`${id}: every point is recovered`, async () => {
      const scenarios = load_scenarios([]).filter((s) => s.scenario.name.startsWith(id));
      const { runs } = plan_runs(scenarios, { hosts: ['mock'], variants: ['proposed'] });
      const e = await explore_planned(runs, { seed: 1 });
      expect(e.runs.filter((r) => r.outcome !== 'RECOVERED').map((r) => `${r.point}: ${r.outcome} ${r.why}`)).toEqual([]);
    }, 30_000);
  }
});
