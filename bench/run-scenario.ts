// Scenario throughput: the catalogue matrix, and an exploration of four SDHCI scenarios at every
// yield point on one worker thread and on two (--jobs 2), through the CLI as a user runs it.
// Run: npx tsx bench/run-scenario.ts
import { spawnSync } from 'node:child_process';

const ROOT = new URL('..', import.meta.url).pathname;
const time = (args: string[]): { s: number; runs: number } => {
  const t = performance.now();
  const r = spawnSync(`${ROOT}tools/run-scenario`, [...args, '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0 && r.status !== 1) throw new Error(r.stderr);
  return { s: (performance.now() - t) / 1000, runs: JSON.parse(r.stdout).runs.length };
};
const FOUR = ['S05-multiblock-write-data-phase', 'S08-pio-only', 'S14-cqe-queued-tasks', 'S19-several-panic-writes'].map((s) => `${ROOT}scenarios/${s}.json`);
const rows: Array<[string, string[]]> = [
  ['matrix (catalogue x mock, sdhci x v4, v5, proposed)', ['--matrix']],
  ['explore S05, S08, S14, S19 on sdhci, v5, 1 thread', [...FOUR, '--host', 'sdhci', '--explore']],
  ['explore S05, S08, S14, S19 on sdhci, v5, --jobs 2', [...FOUR, '--host', 'sdhci', '--explore', '--jobs', '2']],
];
console.log(`node ${process.version}`);
const base: number[] = [];
for (const [label, args] of rows) {
  const { s, runs } = time(args);
  base.push(s / runs);
  console.log(`${label.padEnd(52)} ${String(runs).padStart(5)} runs  ${s.toFixed(2).padStart(6)} s  ${((s / runs) * 1000).toFixed(1).padStart(6)} ms/run`);
}
console.log(`--jobs 2 speed-up on the exploration: ${(base[1]! / base[2]!).toFixed(2)}x`);
