// SPDX-License-Identifier: GPL-2.0
// Memory: RSS growth of a machine with a 256 GiB card after 64 MiB written through mmcblk, in a
// process of its own (node --expose-gc) so nothing else this run allocated is counted.
import { spawnSync } from 'node:child_process';

export const CARD = '256GiB';
export const CARD_LABEL = '256 GiB';
export const WRITTEN_MIB = 64;

export interface memory_growth {
  /** MiB of RSS over the process's before the machine existed, after boot and after the writes. */
  readonly boot_mib: number;
  readonly written_mib: number;
}

export const memory_growth = (): memory_growth => {
  const child = new URL('./memory-child.ts', import.meta.url).pathname;
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', child], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`memory benchmark failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as memory_growth;
};
