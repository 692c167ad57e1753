// SPDX-License-Identifier: GPL-2.0
// Completions (kernel/sched/completion.c), on top of a wait queue.
import { inject, injectable } from 'tsyringe';
import type { completion, completion_api } from '../../include/linux/completion.h.ts';
import { WAIT, type wait_api, type wait_queue_head_t } from '../../include/linux/wait.h.ts';

const UINT_MAX = 0xffffffff;

class completion_impl implements completion {
  done = 0;
  constructor(readonly wait: wait_queue_head_t) {}

  /**
   * The wait condition of do_wait_for_common(), which also consumes one completion when it
   * holds: a waiter that sees it takes it before any other context runs.
   */
  readonly take = (): boolean => {
    if (!this.done) return false;
    if (this.done !== UINT_MAX) this.done--;
    return true;
  };
}

@injectable()
export class Completions implements completion_api {
  constructor(@inject(WAIT) private readonly wq: wait_api) {}

  init_completion(): completion {
    return new completion_impl(this.wq.init_waitqueue_head('completion'));
  }

  reinit_completion(x: completion): void {
    (x as completion_impl).done = 0;
  }

  complete(x: completion): void {
    const c = x as completion_impl;
    if (c.done !== UINT_MAX) c.done++;
    this.wq.wake_up(c.wait);
  }

  complete_all(x: completion): void {
    const c = x as completion_impl;
    c.done = UINT_MAX;
    this.wq.wake_up(c.wait);
  }

  async wait_for_completion(x: completion): Promise<void> {
    await this.wait_for_completion_timeout(x, Infinity);
  }

  wait_for_completion_timeout(x: completion, timeout_jiffies: number): Promise<number> {
    const c = x as completion_impl;
    return this.wq.wait_event_timeout(c.wait, c.take, timeout_jiffies);
  }

  try_wait_for_completion(x: completion): boolean {
    return (x as completion_impl).take();
  }

  completion_done(x: completion): boolean {
    return x.done > 0;
  }
}
