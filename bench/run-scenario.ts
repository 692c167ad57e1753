// SPDX-License-Identifier: GPL-2.0
// Scenario throughput through the CLI as a user runs it (process start and tsx compile
// included): the catalogue matrix, and S05's exploration on one worker thread and on two.
import { spawnSync } from 'node:child_process';
import { S05 } from './explore.ts';

const ROOT = new URL('..', import.meta.url).pathname;

export interface cli_row {
  readonly label: string;
  readonly runs: number;
  readonly s: number;
}

const time = (label: string, args: string[]): cli_row => {
  const t = performance.now();
  const r = spawnSync(`${ROOT}tools/run-scenario`, [...args, '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`tools/run-scenario ${args.join(' ')}: ${r.stderr}`);
  return { label, runs: (JSON.parse(r.stdout) as { runs: unknown[] }).runs.length, s: (performance.now() - t) / 1000 };
};

export const cli_throughput = (): cli_row[] => [
  time('matrix (catalogue × mock, sdhci × v4, v5, proposed)', ['--matrix']),
  time('explore S05 on sdhci, v5, 1 worker', [S05, '--host', 'sdhci', '--explore']),
  time('explore S05 on sdhci, v5, --jobs 2', [S05, '--host', 'sdhci', '--explore', '--jobs', '2']),
];
