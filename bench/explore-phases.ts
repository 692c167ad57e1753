// SPDX-License-Identifier: GPL-2.0
// Where the time of an exploration point goes. For one pass over S05's points, the methods that
// bound a point's phases (Machine.boot, the pstore mount, panic(), Machine.reboot) are wrapped to
// note when they start and end, as a tracing profiler would; they are put back afterwards. The
// panic's share bounds what any faster exploration could reach: a point, however it reaches its
// machine, still panics and writes its record there. Run it warm: bench/index.ts runs it after
// exploration_rate, whose passes run the same points.
import 'reflect-metadata';
import { PstoreFs } from '../fs/pstore/inode.ts';
import { Machine } from '../init/machine.ts';
import { Panic } from '../kernel/panic.ts';
import { s05_points } from './explore.ts';

export const PHASES = ['boots', 'mounts', 'workload', 'panic', 'rest'] as const;
export type phase = (typeof PHASES)[number];

export const PHASE_LABEL: Record<phase, string> = {
  boots: 'the two boots (initcalls, card enumeration, partition scan, pstore registration)',
  mounts: "the two pstore mounts (zone recovery, every zone's header read one MMC request at a time, then the records)",
  workload: 'the workload, from the first mount to the panic',
  panic: 'the panic, from panic() to the reboot (kmsg_dump, compression, the panic write, the halt)',
  rest: 'the rest (config, board, the verdict)',
};

type mark = 'boot' | 'booted' | 'mount' | 'mounted' | 'panic' | 'reboot';

/** Replace @obj[@name] by a function that notes @before when called and @after when it returns (or settles). */
const wrap = (obj: object, name: string, note: (m: mark) => void, before: mark, after?: mark): (() => void) => {
  const target = obj as Record<string, (...a: unknown[]) => unknown>;
  const orig = target[name]!;
  target[name] = function (this: unknown, ...a: unknown[]) {
    note(before);
    const r = orig.apply(this, a);
    if (after && r instanceof Promise) return r.finally(() => note(after));
    if (after) note(after);
    return r;
  };
  return () => {
    target[name] = orig;
  };
};

/** The phases of a run, ms, from its marks in order. */
const phases_of = (marks: ReadonlyArray<{ m: mark; t: number }>, total: number): Record<phase, number> => {
  const out: Record<phase, number> = { boots: 0, mounts: 0, workload: 0, panic: 0, rest: 0 };
  const open: Partial<Record<'boot' | 'mount', number>> = {};
  let mounted = 0;
  let panic = -1;
  for (const { m, t } of marks) {
    if (m === 'boot' || m === 'mount') open[m] = t;
    else if (m === 'booted') out.boots += t - open.boot!;
    else if (m === 'mounted') {
      out.mounts += t - open.mount!;
      if (panic < 0) mounted = t;
    } else if (m === 'panic') {
      panic = t;
      out.workload = t - mounted;
    } else if (m === 'reboot' && panic >= 0) out.panic = t - panic;
  }
  out.rest = total - out.boots - out.mounts - out.workload - out.panic;
  return out;
};

/** ms a point spends in each phase, averaged over one pass of S05's points on sdhci with @variant. */
export const exploration_phases = async (variant = 'v5'): Promise<Record<phase, number>> => {
  const { points, run } = await s05_points(variant);
  let marks: Array<{ m: mark; t: number }> = [];
  const note = (m: mark) => marks.push({ m, t: performance.now() });
  const unwrap = [
    wrap(Machine, 'boot', note, 'boot', 'booted'),
    wrap(PstoreFs.prototype, 'mount', note, 'mount', 'mounted'),
    wrap(Panic.prototype, 'panic', note, 'panic'),
    wrap(Machine.prototype, 'reboot', note, 'reboot'),
  ];
  const sum: Record<phase, number> = { boots: 0, mounts: 0, workload: 0, panic: 0, rest: 0 };
  try {
    for (let point = 1; point <= points; point++) {
      marks = [];
      const t = performance.now();
      await run(point);
      const p = phases_of(marks, performance.now() - t);
      if (p.panic === 0) throw new Error(`S05 point ${point}: no panic and reboot to time`);
      for (const k of PHASES) sum[k] += p[k];
    }
  } finally {
    for (const u of unwrap) u();
  }
  for (const k of PHASES) sum[k] /= points;
  return sum;
};
