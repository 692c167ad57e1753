// SPDX-License-Identifier: GPL-2.0
// Delays (lib/delay.c, kernel/time/sleep_timeout.c): busy waits hold the CPU for virtual time;
// sleeps give it up and check might_sleep() first.
import { inject, injectable } from 'tsyringe';
import type { delay_api } from '../../include/linux/delay.h.ts';
import { JIFFIES, type jiffies_api } from '../../include/linux/jiffies.h.ts';
import { NSEC_PER_MSEC, NSEC_PER_USEC } from '../../include/linux/ktime.h.ts';
import { Scheduler } from '../sched/core.ts';
import { VirtualClock } from './clock.ts';

@injectable()
export class Delays implements delay_api {
  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(VirtualClock) private readonly clock: VirtualClock,
    @inject(JIFFIES) private readonly jiffies: jiffies_api,
  ) {}

  ndelay(ns: number): Promise<void> | void {
    return this.sched.busy_wait(ns, 'ndelay');
  }

  udelay(us: number): Promise<void> | void {
    return this.sched.busy_wait(us * NSEC_PER_USEC, 'udelay');
  }

  mdelay(ms: number): Promise<void> | void {
    return this.sched.busy_wait(ms * NSEC_PER_MSEC, 'mdelay');
  }

  async msleep(ms: number): Promise<void> {
    this.sched.might_sleep();
    // schedule_timeout(msecs_to_jiffies(ms) + 1): wakes on a tick boundary.
    const wake_tick = this.jiffies.jiffies + this.jiffies.msecs_to_jiffies(ms) + 1;
    await this.sleep_until(this.jiffies.jiffies_to_nsecs(wake_tick), 'msleep');
  }

  async usleep_range(_min: number, max: number): Promise<void> {
    this.sched.might_sleep();
    await this.sleep_until(this.clock.now + max * NSEC_PER_USEC, 'usleep_range');
  }

  async ssleep(s: number): Promise<void> {
    await this.msleep(s * 1000);
  }

  private async sleep_until(t: number, site: string): Promise<void> {
    while (this.clock.now < t) await this.sched.sleep(t - this.clock.now, site);
  }
}
