// SPDX-License-Identifier: GPL-2.0
// What every benchmark needs: a median over repeated runs, and the machine it ran on.
import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Run @f @n times (after one untimed warm-up) and give the median of what it returns. */
export const median_of = async (n: number, f: () => Promise<number>): Promise<number> => {
  await f();
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(await f());
  return median(xs);
};

/** Wall-clock milliseconds @f takes. */
export const time_ms = async (f: () => Promise<unknown>): Promise<number> => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};

const os_name = (): string => {
  try {
    return /^PRETTY_NAME="?(.*?)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? process.platform;
  } catch {
    return process.platform;
  }
};

export const machine_line = (): string =>
  `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${os_name()}, node ${process.version}`;
