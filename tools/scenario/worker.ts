// SPDX-License-Identifier: GPL-2.0
// A --jobs worker: runs the scenarios it is sent, one at a time, and posts each result back.
import 'reflect-metadata';
import { parentPort } from 'node:worker_threads';
import { run_or_error, type run_options } from './run.ts';
import type { scenario } from './schema.ts';

export interface worker_job {
  readonly id: number;
  readonly scenario: scenario;
  readonly options: run_options;
}

parentPort!.on('message', async (job: worker_job) => {
  parentPort!.postMessage({ id: job.id, result: await run_or_error(job.scenario, job.options) });
});
