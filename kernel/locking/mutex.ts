// SPDX-License-Identifier: GPL-2.0
// Sleeping mutexes (kernel/locking/mutex.c): FIFO hand-off to the first waiter on unlock.
import { inject, injectable } from 'tsyringe';
import type { mutex, mutex_api } from '../../include/linux/mutex.h.ts';
import type { Context } from '../sched/context.ts';
import { Scheduler } from '../sched/core.ts';

class mutex_impl implements mutex {
  owner: Context | null = null;
  readonly waiters: Context[] = [];
  constructor(readonly name: string) {}
}

@injectable()
export class Mutexes implements mutex_api {
  constructor(@inject(Scheduler) private readonly sched: Scheduler) {}

  mutex_init(name: string): mutex {
    return new mutex_impl(name);
  }

  async mutex_lock(m: mutex): Promise<void> {
    const mx = m as mutex_impl;
    this.sched.might_sleep();
    await this.sched.yield_point();
    const me = this.sched.cur();
    if (mx.owner === null) {
      mx.owner = me;
      return;
    }
    mx.waiters.push(me);
    while (mx.owner !== me) await this.sched.sleep(Infinity, `mutex_lock(${mx.name})`);
  }

  mutex_unlock(m: mutex): void {
    const mx = m as mutex_impl;
    const next = mx.waiters.shift() ?? null;
    mx.owner = next;
    if (next) this.sched.wake(next);
  }

  mutex_trylock(m: mutex): boolean {
    const mx = m as mutex_impl;
    if (mx.owner !== null) return false;
    mx.owner = this.sched.cur();
    return true;
  }

  mutex_is_locked(m: mutex): boolean {
    return m.owner !== null;
  }
}
