// SPDX-License-Identifier: GPL-2.0
// Workqueues (kernel/workqueue.c), per-CPU pools with the essential concurrency management:
// when every worker of a CPU is busy (possibly sleeping) and work arrives, another kworker is
// started, so one sleeping work item does not stall the rest.
import { inject, injectable } from 'tsyringe';
import type { delayed_work, work_struct, workqueue_api, workqueue_struct } from '../include/linux/workqueue.h.ts';
import { TIMER, type timer_api, type timer_list } from '../include/linux/timer.h.ts';
import { JIFFIES, type jiffies_api } from '../include/linux/jiffies.h.ts';
import { WAIT, type wait_api, type wait_queue_head_t } from '../include/linux/wait.h.ts';
import type { Context } from './sched/context.ts';
import { Scheduler } from './sched/core.ts';
import { Cpus } from './sched/cpus.ts';

class work_impl implements work_struct {
  pending = false;
  running = 0;
  /** While it runs: the deferred-items list of the worker running it (worker->scheduled). */
  executing: work_impl[] | null = null;
  constructor(readonly func: (work: work_struct) => Promise<void> | void) {}
}

class dwork_impl implements delayed_work {
  wq: workqueue_struct | null = null;
  constructor(
    readonly work: work_impl,
    readonly timer: timer_list,
  ) {}
}

interface worker_pool {
  readonly cpu: number;
  readonly worklist: work_impl[];
  readonly workers: Context[];
  idle: number;
  readonly more: wait_queue_head_t;
}

@injectable()
export class Workqueues implements workqueue_api {
  readonly system_wq: workqueue_struct = { name: 'events' };
  private readonly pools: worker_pool[];
  /** Wakes flush_work()/cancel_work_sync() waiters whenever any work item finishes. */
  private readonly done: wait_queue_head_t;

  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(Cpus) private readonly cpus: Cpus,
    @inject(TIMER) private readonly timers: timer_api,
    @inject(JIFFIES) private readonly jiffies: jiffies_api,
    @inject(WAIT) private readonly wait: wait_api,
  ) {
    this.pools = cpus.cpus.map((c) => ({
      cpu: c.id,
      worklist: [],
      workers: [],
      idle: 0,
      more: wait.init_waitqueue_head(`worker_pool/${c.id}`),
    }));
    this.done = wait.init_waitqueue_head('work_done');
  }

  alloc_workqueue(name: string): workqueue_struct {
    return { name };
  }

  INIT_WORK(func: (work: work_struct) => Promise<void> | void): work_struct {
    return new work_impl(func);
  }

  INIT_DELAYED_WORK(func: (work: work_struct) => Promise<void> | void): delayed_work {
    const d: dwork_impl = new dwork_impl(
      new work_impl(func),
      this.timers.timer_setup(() => {
        this.queue_work(d.wq ?? this.system_wq, d.work);
      }, 'delayed_work_timer_fn'),
    );
    return d;
  }

  queue_work(_wq: workqueue_struct, work: work_struct): boolean {
    const w = work as work_impl;
    if (w.pending) return false;
    w.pending = true;
    const pool = this.pools[this.cpus.current?.cpu ?? 0]!;
    pool.worklist.push(w);
    if (pool.idle === 0) this.create_worker(pool);
    else this.wait.wake_up(pool.more);
    return true;
  }

  schedule_work(work: work_struct): boolean {
    return this.queue_work(this.system_wq, work);
  }

  queue_delayed_work(wq: workqueue_struct, dwork: delayed_work, delay: number): boolean {
    const d = dwork as dwork_impl;
    if (d.work.pending || this.timers.timer_pending(d.timer)) return false;
    return this.arm(wq, d, delay);
  }

  mod_delayed_work(wq: workqueue_struct, dwork: delayed_work, delay: number): boolean {
    const d = dwork as dwork_impl;
    const was = this.cancel_delayed_work(d);
    this.arm(wq, d, delay);
    return was;
  }

  schedule_delayed_work(dwork: delayed_work, delay: number): boolean {
    return this.queue_delayed_work(this.system_wq, dwork, delay);
  }

  async flush_work(work: work_struct): Promise<boolean> {
    const w = work as work_impl;
    const busy = w.pending || w.running > 0;
    if (busy) await this.wait.wait_event(this.done, () => !w.pending && w.running === 0);
    return busy;
  }

  async cancel_work_sync(work: work_struct): Promise<boolean> {
    const w = work as work_impl;
    const was = this.unqueue(w);
    if (w.running) await this.wait.wait_event(this.done, () => w.running === 0);
    return was;
  }

  cancel_delayed_work(dwork: delayed_work): boolean {
    const d = dwork as dwork_impl;
    return this.timers.del_timer(d.timer) === 1 || this.unqueue(d.work);
  }

  async cancel_delayed_work_sync(dwork: delayed_work): Promise<boolean> {
    const d = dwork as dwork_impl;
    const was = this.timers.del_timer(d.timer) === 1;
    return (await this.cancel_work_sync(d.work)) || was;
  }

  work_pending(work: work_struct): boolean {
    return (work as work_impl).pending;
  }

  delayed_work_pending(dwork: delayed_work): boolean {
    const d = dwork as dwork_impl;
    return d.work.pending || this.timers.timer_pending(d.timer);
  }

  private arm(wq: workqueue_struct, d: dwork_impl, delay: number): boolean {
    d.wq = wq;
    if (delay <= 0) return this.queue_work(wq, d.work);
    this.timers.mod_timer(d.timer, this.jiffies.jiffies + delay);
    return true;
  }

  private unqueue(w: work_impl): boolean {
    if (!w.pending) return false;
    for (const list of [...this.pools.map((p) => p.worklist), w.executing ?? []]) {
      const i = list.indexOf(w);
      if (i >= 0) list.splice(i, 1);
    }
    w.pending = false;
    return true;
  }

  private create_worker(pool: worker_pool): void {
    const id = pool.workers.length;
    const t = this.sched.kthread_run(() => this.worker_thread(pool), pool.cpu, `kworker/${pool.cpu}:${id}`);
    pool.workers.push(t);
    pool.idle++;
  }

  private async worker_thread(pool: worker_pool): Promise<void> {
    /** Items deferred to this worker because it was running them when they came up again. */
    const scheduled: work_impl[] = [];
    for (;;) {
      const w = pool.worklist.shift();
      if (!w) {
        await this.wait.wait_event_idle(pool.more, () => pool.worklist.length > 0);
        continue;
      }
      // Non-reentrant: an item already running on some worker runs next on that worker,
      // never concurrently with itself (find_worker_executing_work + move_linked_works).
      if (w.executing) {
        w.executing.push(w);
        continue;
      }
      pool.idle--;
      // More work is waiting and this worker may sleep in its item: make sure someone else
      // can take it (Linux keeps an idle worker in reserve and wakes it when a worker sleeps).
      if (pool.worklist.length) {
        if (pool.idle === 0) this.create_worker(pool);
        else this.wait.wake_up(pool.more);
      }
      for (let x: work_impl | undefined = w; x; x = scheduled.shift()) await this.process_one_work(x, scheduled);
      pool.idle++;
    }
  }

  private async process_one_work(w: work_impl, scheduled: work_impl[]): Promise<void> {
    w.pending = false;
    w.running++;
    w.executing = scheduled;
    try {
      await w.func(w);
    } finally {
      w.running--;
      w.executing = null;
      this.wait.wake_up(this.done);
    }
  }
}
