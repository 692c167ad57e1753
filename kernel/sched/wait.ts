// SPDX-License-Identifier: GPL-2.0
// Wait queues (kernel/sched/wait.c): waiters sleep off-CPU and re-test their condition after
// every wake_up(), as the wait_event() macros do.
import { inject, injectable } from 'tsyringe';
import { JIFFIES, type jiffies_api } from '../../include/linux/jiffies.h.ts';
import type { wait_api, wait_queue_head_t } from '../../include/linux/wait.h.ts';
import { type Context, WAITING } from './context.ts';
import { Scheduler } from './core.ts';
import { VirtualClock } from '../time/clock.ts';

export class wait_queue implements wait_queue_head_t {
  /** In the order they went to sleep; a context sleeps on one queue at a time, so once at most. */
  readonly waiters: Context[] = [];
  /** What a sleeper here waits on (hung-task reports), built once. */
  readonly site: string;
  constructor(readonly name: string) {
    this.site = `wait_event(${name})`;
  }
}

@injectable()
export class WaitQueues implements wait_api {
  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(VirtualClock) private readonly clock: VirtualClock,
    @inject(JIFFIES) private readonly jiffies: jiffies_api,
  ) {}

  init_waitqueue_head(name: string): wait_queue_head_t {
    return new wait_queue(name);
  }

  async wait_event(wq: wait_queue_head_t, condition: () => boolean): Promise<void> {
    await this.wait_event_timeout(wq, condition, Infinity);
  }

  async wait_event_idle(wq: wait_queue_head_t, condition: () => boolean): Promise<void> {
    const me = this.sched.cur();
    me.idle_wait = true;
    try {
      await this.wait_event_timeout(wq, condition, Infinity);
    } finally {
      me.idle_wait = false;
    }
  }

  async wait_event_timeout(wq: wait_queue_head_t, condition: () => boolean, timeout_jiffies: number): Promise<number> {
    // might_sleep() comes first in the wait_event*() macros: a caller in atomic context is
    // reported even when the condition already holds.
    this.sched.might_sleep();
    if (condition()) return Math.max(1, timeout_jiffies);
    // A timeout of 0 (or less) only tests the condition, as ___wait_cond_timeout() does.
    if (timeout_jiffies <= 0) return 0;
    const q = wq as wait_queue;
    const me = this.sched.cur();
    // schedule_timeout(): a timer for jiffy `jiffies + timeout`, so the wait ends on a tick
    // boundary, like every timer (a 1-jiffy timeout armed late in a tick is almost no wait).
    const end = timeout_jiffies === Infinity ? Infinity : this.jiffies.jiffies_to_nsecs(this.jiffies.jiffies + timeout_jiffies);
    for (;;) {
      q.waiters.push(me);
      // Without a timeout there is no timer to arm or cancel: block, as sleep() would.
      let timed_out = false;
      if (end === Infinity) await this.sched.block(WAITING, q.site);
      else timed_out = await this.sched.sleep(end - this.clock.now, q.site);
      const i = q.waiters.indexOf(me);
      if (i >= 0) q.waiters.splice(i, 1);
      if (condition()) return end === Infinity ? Infinity : Math.max(1, this.to_jiffies(end - this.clock.now));
      if (timed_out) return 0;
    }
  }

  wake_up(wq: wait_queue_head_t): void {
    for (const c of (wq as wait_queue).waiters) this.sched.wake(c);
  }

  waitqueue_active(wq: wait_queue_head_t): boolean {
    return (wq as wait_queue).waiters.length > 0;
  }

  private to_jiffies(ns: number): number {
    return Math.ceil(ns / this.jiffies.jiffies_to_nsecs(1));
  }
}
