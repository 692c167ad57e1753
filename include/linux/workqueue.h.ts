// SPDX-License-Identifier: GPL-2.0
// Workqueues (linux/workqueue.h): work runs in process context on kworker threads of the CPU
// that queued it, so it may sleep.
import { define_token } from './di.h.ts';

export interface work_struct {
  readonly func: (work: work_struct) => Promise<void> | void;
}

export interface delayed_work {
  readonly work: work_struct;
}

export interface workqueue_struct {
  readonly name: string;
}

export interface workqueue_api {
  readonly system_wq: workqueue_struct;
  alloc_workqueue(name: string): workqueue_struct;
  INIT_WORK(func: (work: work_struct) => Promise<void> | void): work_struct;
  INIT_DELAYED_WORK(func: (work: work_struct) => Promise<void> | void): delayed_work;
  /** Returns false if @work was already pending. Context: any. */
  queue_work(wq: workqueue_struct, work: work_struct): boolean;
  schedule_work(work: work_struct): boolean;
  /** Queue after @delay jiffies; returns false if already pending. Context: any. */
  queue_delayed_work(wq: workqueue_struct, dwork: delayed_work, delay: number): boolean;
  /** Like queue_delayed_work(), but moves the timer if already pending. */
  mod_delayed_work(wq: workqueue_struct, dwork: delayed_work, delay: number): boolean;
  schedule_delayed_work(dwork: delayed_work, delay: number): boolean;
  /** Wait until @work is neither pending nor running. Context: may sleep. */
  flush_work(work: work_struct): Promise<boolean>;
  cancel_work_sync(work: work_struct): Promise<boolean>;
  cancel_delayed_work(dwork: delayed_work): boolean;
  cancel_delayed_work_sync(dwork: delayed_work): Promise<boolean>;
  work_pending(work: work_struct): boolean;
  delayed_work_pending(dwork: delayed_work): boolean;
}
export const WORKQUEUE = define_token<workqueue_api>('linux/workqueue#workqueue_api');
