// SPDX-License-Identifier: GPL-2.0
// --jobs N: runs spread over N worker threads of this machine. Every run is deterministic on its
// own, so the results (put back in job order) are the same as one thread's.
import { Worker } from 'node:worker_threads';
import type { run_options, run_result } from './run.ts';
import type { scenario } from './schema.ts';
import type { worker_job } from './worker.ts';

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

export interface pool_job {
  readonly scenario: scenario;
  readonly options: run_options;
}

/** Run @jobs on @n workers; @done is told of each finished job. Results in job order. */
export const run_in_workers = async (jobs: readonly pool_job[], n: number, done?: (finished: number) => void): Promise<run_result[]> => {
  const results: run_result[] = new Array(jobs.length);
  let next = 0;
  let finished = 0;
  const worker = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const w = new Worker(ENTRY);
      const feed = (): void => {
        if (next >= jobs.length) {
          void w.terminate().then(() => resolve());
          return;
        }
        const id = next++;
        w.postMessage({ id, ...jobs[id]! } satisfies worker_job);
      };
      w.on('message', (m: { id: number; result: run_result }) => {
        results[m.id] = m.result;
        done?.(++finished);
        feed();
      });
      w.on('error', reject);
      feed();
    });
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, jobs.length)) }, worker));
  return results;
};
