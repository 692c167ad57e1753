// SPDX-License-Identifier: GPL-2.0
// Exploration: which instants of a scenario's workload a panic may come at (every yield point,
// every N-th, or a seeded sample), and what the runs at those instants add up to: a histogram
// of outcome classes with, for each class, its first point and the command that replays it.
import { Rng } from '../../kernel/sched/rng.ts';
import { summary, type report_run, type run_report } from './report.ts';

export interface point_choice {
  /** Every N-th point (1, 1+N, 1+2N, ...). */
  readonly every?: number;
  /** A sample of this many distinct points, drawn with @seed. */
  readonly sample?: number;
  readonly seed: number;
}

/** The points (1-based, ascending) to crash at among @n. */
export const choose_points = (n: number, c: point_choice): number[] => {
  const all = Array.from({ length: n }, (_, i) => i + 1);
  if (c.every) return all.filter((k) => (k - 1) % c.every! === 0);
  if (c.sample === undefined || c.sample >= n) return all;
  // Partial Fisher-Yates: the first @sample of a seeded shuffle.
  const rng = new Rng(c.seed);
  for (let i = 0; i < c.sample; i++) {
    const j = i + rng.below(n - i);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, c.sample).sort((a, b) => a - b);
};

/** The command that re-runs one point of an exploration, exactly. */
export const replay_command = (r: report_run): string =>
  `tools/run-scenario ${r.file} --host ${r.host} --variant ${r.variant_arg} --seed ${r.seed} --replay ${r.point}`;

/** One block per scenario, host and variant: how many points, and each class with its first point. */
export const format_exploration = (report: run_report): string => {
  const points = new Map((report.explored ?? []).map((e) => [`${e.scenario} on ${e.host} with ${e.variant}, seed ${e.seed}`, e.points]));
  const groups = new Map<string, report_run[]>();
  for (const r of report.runs) {
    const key = `${r.scenario} on ${r.host} with ${r.variant}, seed ${r.seed}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  let out = '';
  for (const [key, runs] of groups) {
    const total = points.get(key);
    out += `${key}: ${total === undefined ? '' : `${total} yield points, `}${runs.length} runs\n`;
    const classes = new Map<string, report_run[]>();
    for (const r of runs) classes.set(r.outcome, [...(classes.get(r.outcome) ?? []), r]);
    const width = Math.max(...runs.map((r) => String(r.point).length));
    for (const [cls, rs] of [...classes].sort((a, b) => b[1].length - a[1].length)) {
      const first = rs.reduce((a, b) => (a.point! <= b.point! ? a : b));
      const bar = '#'.repeat(Math.max(1, Math.round((rs.length / runs.length) * 30)));
      out += `  ${cls.padEnd(15)} ${String(rs.length).padStart(6)}  ${bar.padEnd(30)}  first at ${String(first.point).padStart(width)}: ${replay_command(first)}\n`;
    }
  }
  return out + summary(report);
};
