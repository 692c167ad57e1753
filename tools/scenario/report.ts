// SPDX-License-Identifier: GPL-2.0
// What a command's runs add up to, in the forms people and machines read: the table, the
// matrix grid, the JSON report (which --merge combines across shards) and JUnit XML for CI.
import type { skipped_run } from './plan.ts';
import type { run_result } from './run.ts';
import { OUTCOME_SHORT } from './schema.ts';

/** A run with its place in the plan (merged shards come back in order), its file and --variant. */
export type report_run = run_result & { readonly index: number; readonly file: string; readonly variant_arg: string };

/** An explored scenario: how many yield points its workload has. */
export interface explored {
  readonly scenario: string;
  readonly host: string;
  readonly variant: string;
  readonly seed: number;
  readonly points: number;
}

export interface run_report {
  readonly format: 'mmcpstore-ts/run-scenario';
  readonly version: 1;
  readonly runs: readonly report_run[];
  readonly skipped: readonly skipped_run[];
  readonly explored?: readonly explored[];
}

export const make_report = (runs: readonly report_run[], skipped: readonly skipped_run[], explored?: readonly explored[]): run_report => ({
  format: 'mmcpstore-ts/run-scenario',
  version: 1,
  runs,
  skipped,
  ...(explored ? { explored } : {}),
});

const ms = (v: number | null): string => (v === null ? '-' : v.toFixed(1));

const columns = (rows: readonly string[][]): string => {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd()).join('\n') + '\n';
};

export const format_table = (r: run_report): string => {
  const rows = [['SCENARIO', 'HOST', 'VARIANT', 'OUTCOME', 'EXPECTED', 'PANIC-WRITE ms', 'RESULT']];
  for (const x of r.runs) rows.push([x.scenario, x.host, x.variant, x.outcome, x.expected ?? '-', ms(x.panic_write_ms), x.failures.length ? 'FAIL' : 'ok']);
  let out = columns(rows);
  for (const x of r.runs) for (const f of x.failures) out += `FAIL ${x.scenario} on ${x.host} with ${x.variant}: ${f}\n`;
  return out + summary(r);
};


/** One row per scenario, one column per host and variant; * marks an outcome the scenario did not expect. */
export const format_matrix = (r: run_report): string => {
  const cols = [...new Set(r.runs.map((x) => `${x.host}/${x.variant}`))];
  const names = [...new Set([...r.runs.map((x) => x.scenario), ...r.skipped.map((s) => s.scenario)])];
  const rows = [['SCENARIO', ...cols]];
  for (const name of names) {
    rows.push([
      name,
      ...cols.map((col) => {
        const x = r.runs.find((y) => y.scenario === name && `${y.host}/${y.variant}` === col);
        return x ? OUTCOME_SHORT[x.outcome] + (x.failures.length ? '*' : '') : '·';
      }),
    ]);
  }
  const legend = Object.entries(OUTCOME_SHORT).map(([k, v]) => `${v}=${k}`).join(' ');
  return columns(rows) + `\n${legend}; * = not what the scenario expects; · = not run\n` + summary(r);
};

export const summary = (r: run_report): string => {
  const failed = r.runs.filter((x) => x.failures.length).length;
  const reasons = new Map<string, number>();
  for (const s of r.skipped) reasons.set(`on ${s.host}: ${s.why}`, (reasons.get(`on ${s.host}: ${s.why}`) ?? 0) + 1);
  const skipped = r.skipped.length ? `, ${r.skipped.length} skipped (${[...reasons].map(([why, n]) => `${n} ${why}`).join('; ')})` : '';
  return `${r.runs.length} runs: ${r.runs.length - failed} as expected, ${failed} not${skipped}\n`;
};

const xml = (s: string): string => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

export const format_junit = (r: run_report): string => {
  const failed = r.runs.filter((x) => x.failures.length).length;
  const cases = r.runs.map((x) => {
    const name = xml(`${x.scenario} [${x.host}, ${x.variant}, seed ${x.seed}]`);
    const time = ((x.panic_write_ms ?? 0) / 1000).toFixed(6);
    const body = x.failures.length ? `<failure message="${xml(x.failures[0]!)}">${xml(x.failures.join('\n'))}</failure>` : '';
    return `    <testcase classname="run-scenario.${xml(x.host)}.${xml(x.variant)}" name="${name}" time="${time}">${body}</testcase>`;
  });
  const skips = r.skipped.map((s) => `    <testcase classname="run-scenario.${xml(s.host)}" name="${xml(s.scenario)} [${xml(s.host)}]"><skipped message="${xml(s.why)}"/></testcase>`);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="run-scenario" tests="${r.runs.length + r.skipped.length}" failures="${failed}" skipped="${r.skipped.length}">\n` +
    [...cases, ...skips].join('\n') +
    `\n  </testsuite>\n</testsuites>\n`
  );
};

/** Combine shard reports: runs in scenario, host, variant order; skips once each. */
export const merge_reports = (reports: readonly run_report[]): run_report => {
  const runs = reports.flatMap((r) => r.runs).sort((a, b) => a.index - b.index);
  const key = (x: { scenario: string; host: string }) => `${x.scenario}\0${x.host}`;
  const skipped = [...new Map(reports.flatMap((r) => r.skipped).map((s) => [`${key(s)}\0${s.why}`, s])).values()];
  const explored = reports.some((r) => r.explored)
    ? [...new Map(reports.flatMap((r) => r.explored ?? []).map((e) => [`${e.scenario}\0${e.host}\0${e.variant}\0${e.seed}`, e])).values()]
    : undefined;
  return make_report(runs, skipped, explored);
};

/** One run in full: the table row, what failed, the crashing boot's log and the next boot's. */
export const format_replay = (r: run_report): string => {
  let out = format_table(r);
  for (const x of r.runs) {
    out += `\n${x.scenario} on ${x.host} with ${x.variant}, seed ${x.seed}${x.point ? `, panic at yield point ${x.point}` : ''}: ${x.outcome} (${x.why})\n`;
    out += `\n---- the crashing boot\n${x.dmesg}\n---- the next boot\n${x.next_dmesg}`;
  }
  return out;
};
