// SPDX-License-Identifier: GPL-2.0
// Timer wheel stand-in (kernel/time/timer.c): each armed timer is a clock event; on expiry it
// joins its CPU's expired list, and one softirq frame per CPU runs the list in order.
import { inject, injectable } from 'tsyringe';
import { JIFFIES, type jiffies_api } from '../../include/linux/jiffies.h.ts';
import type { clock_event } from '../../include/linux/ktime.h.ts';
import type { timer_api, timer_list } from '../../include/linux/timer.h.ts';
import type { Cpu } from '../sched/context.ts';
import { Scheduler } from '../sched/core.ts';
import { Cpus } from '../sched/cpus.ts';
import { VirtualClock } from './clock.ts';

class timer_impl implements timer_list {
  expires = 0;
  cpu = 0;
  event: clock_event | null = null;
  running = false;
  readonly function: (t: timer_list) => Promise<void> | void;
  constructor(fn: (t: timer_list) => Promise<void> | void, readonly name: string) {
    this.function = fn;
  }
}

@injectable()
export class Timers implements timer_api {
  /** Per CPU: timers that expired and wait for the softirq. */
  private readonly expired: timer_impl[][];
  private readonly in_softirq: boolean[];

  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(Cpus) private readonly cpus: Cpus,
    @inject(VirtualClock) private readonly clock: VirtualClock,
    @inject(JIFFIES) private readonly jiffies: jiffies_api,
  ) {
    this.expired = cpus.cpus.map(() => []);
    this.in_softirq = cpus.cpus.map(() => false);
  }

  timer_setup(fn: (t: timer_list) => Promise<void> | void, name: string): timer_list {
    return new timer_impl(fn, name);
  }

  mod_timer(t: timer_list, expires: number): number {
    const ti = t as timer_impl;
    const was = this.del_timer(ti);
    ti.expires = expires;
    ti.cpu = this.cpus.current?.cpu ?? 0;
    const when = Math.max(this.jiffies.jiffies_to_nsecs(expires), this.jiffies.jiffies_to_nsecs(this.jiffies.jiffies + 1));
    ti.event = this.clock.at(when, () => this.expire(ti));
    return was;
  }

  del_timer(t: timer_list): number {
    const ti = t as timer_impl;
    let was = 0;
    if (ti.event && !ti.event.cancelled) {
      this.clock.cancel(ti.event);
      was = 1;
    }
    ti.event = null;
    const list = this.expired[ti.cpu]!;
    const i = list.indexOf(ti);
    if (i >= 0) {
      list.splice(i, 1);
      was = 1;
    }
    return was;
  }

  async del_timer_sync(t: timer_list): Promise<number> {
    const ti = t as timer_impl;
    const was = this.del_timer(ti);
    while (ti.running) await this.sched.cpu_relax();
    return was;
  }

  timer_pending(t: timer_list): boolean {
    const ti = t as timer_impl;
    return (ti.event !== null && !ti.event.cancelled) || this.expired[ti.cpu]!.includes(ti);
  }

  private expire(t: timer_impl): void {
    t.event = null;
    this.expired[t.cpu]!.push(t);
    const cpu = this.cpus.cpus[t.cpu]!;
    this.sched.raise(cpu, () => this.softirq(cpu));
  }

  /** The TIMER_SOFTIRQ frame: one per CPU at a time, draining what expired. */
  private softirq(cpu: Cpu) {
    if (this.in_softirq[cpu.id]) return null;
    this.in_softirq[cpu.id] = true;
    return this.sched.push_frame(cpu, 'softirq', `ksoftirqd/${cpu.id}`, async () => {
      const list = this.expired[cpu.id]!;
      try {
        for (let t = list.shift(); t; t = list.shift()) {
          t.running = true;
          try {
            await t.function(t);
          } finally {
            t.running = false;
          }
        }
      } finally {
        // A callback that died (BUG) ends this frame; the next expiry raises a new one.
        this.in_softirq[cpu.id] = false;
      }
    });
  }
}
