// SPDX-License-Identifier: GPL-2.0
// Wait queues (linux/wait.h). The condition is a function, evaluated after each wake-up.
import { define_token } from './di.h.ts';

export interface wait_queue_head_t {
  readonly name: string;
}

export interface wait_api {
  init_waitqueue_head(name: string): wait_queue_head_t;
  /** Sleep until @condition() holds. Context: may sleep. */
  wait_event(wq: wait_queue_head_t, condition: () => boolean): Promise<void>;
  /** Returns 0 if the timeout elapsed with @condition() false, else the jiffies left (≥ 1). */
  wait_event_timeout(wq: wait_queue_head_t, condition: () => boolean, timeout_jiffies: number): Promise<number>;
  /** wait_event_idle(): the same, as TASK_IDLE: a thread waiting for work is never a hung task. */
  wait_event_idle(wq: wait_queue_head_t, condition: () => boolean): Promise<void>;
  wake_up(wq: wait_queue_head_t): void;
  waitqueue_active(wq: wait_queue_head_t): boolean;
}
export const WAIT = define_token<wait_api>('linux/wait#wait_api');
