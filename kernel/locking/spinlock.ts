// SPDX-License-Identifier: GPL-2.0
// Spinlocks (kernel/locking/spinlock.c, and the old lib/spinlock_debug.c lockup report).
// A contended lock makes its waiter spin: it holds its CPU without consuming host time, is
// woken by the unlock, and after one second of virtual time is reported as a suspected
// lockup naming the lock, its owner CPU and both call sites.
import { inject, injectable } from 'tsyringe';
import { KCONFIG, type kconfig } from '../../include/linux/kconfig.h.ts';
import { NSEC_PER_SEC } from '../../include/linux/ktime.h.ts';
import type { spinlock_api, spinlock_t } from '../../include/linux/spinlock.h.ts';
import { Bugs } from '../bug.ts';
import { BUSY, type Context } from '../sched/context.ts';
import { Scheduler } from '../sched/core.ts';
import { Cpus } from '../sched/cpus.ts';
import { capture_site, site_of, type site_token } from '../sched/site.ts';
import { VirtualClock } from '../time/clock.ts';
import { Tracer } from '../trace/trace.ts';

/** How long a waiter spins before the lockup is reported (about loops_per_jiffy * HZ). */
const LOCKUP_NS = NSEC_PER_SEC;

class raw_spinlock implements spinlock_t {
  owner: Context | null = null;
  /** Where the owner took it (CONFIG_DEBUG_SPINLOCK). */
  owner_site: site_token | null = null;
  spinners: Context[] = [];
  constructor(readonly name: string) {}
}

@injectable()
export class Spinlocks implements spinlock_api {
  /** CONFIG_DEBUG_SPINLOCK: record where each owner took its lock (a stack capture per take). */
  private readonly debug: boolean;

  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(Cpus) private readonly cpus: Cpus,
    @inject(VirtualClock) private readonly clock: VirtualClock,
    @inject(Bugs) private readonly bugs: Bugs,
    @inject(KCONFIG) config: kconfig,
    @inject(Tracer) private readonly tracer: Tracer,
  ) {
    this.debug = config['DEBUG_SPINLOCK'] === 'y';
  }

  spin_lock_init(name: string): spinlock_t {
    return new raw_spinlock(name);
  }

  spin_lock(lock: spinlock_t): Promise<void> {
    this.sched.preempt_disable();
    return this.acquire(lock as raw_spinlock, undefined);
  }

  spin_unlock(lock: spinlock_t): void {
    this.release(lock as raw_spinlock);
    this.sched.preempt_enable();
  }

  spin_lock_irqsave(lock: spinlock_t): Promise<boolean> {
    const flags = this.sched.local_irq_save();
    this.sched.preempt_disable();
    return this.acquire(lock as raw_spinlock, flags);
  }

  spin_unlock_irqrestore(lock: spinlock_t, flags: boolean): void {
    this.release(lock as raw_spinlock);
    this.sched.local_irq_restore(flags);
    this.sched.preempt_enable();
  }

  spin_lock_irq(lock: spinlock_t): Promise<void> {
    this.sched.local_irq_disable();
    this.sched.preempt_disable();
    return this.acquire(lock as raw_spinlock, undefined);
  }

  spin_unlock_irq(lock: spinlock_t): void {
    this.release(lock as raw_spinlock);
    this.sched.local_irq_enable();
    this.sched.preempt_enable();
  }

  spin_trylock(lock: spinlock_t): boolean {
    const l = lock as raw_spinlock;
    if (l.owner !== null) return false;
    this.sched.preempt_disable();
    this.take(l);
    return true;
  }

  spin_is_locked(lock: spinlock_t): boolean {
    return lock.owner !== null;
  }

  private take(l: raw_spinlock): void {
    l.owner = this.sched.cur();
    if (this.debug) l.owner_site = capture_site();
    if (this.tracer.enabled) this.tracer.lock('acquire', l.name);
  }

  /**
   * Take @l at a yield point; resolves to @result. A free lock with no other context picked
   * at the yield point, the common case, is taken at once, without an async frame.
   */
  private acquire<T>(l: raw_spinlock, result: T): Promise<T> {
    const y = this.sched.yield_point();
    if (y === undefined && l.owner === null) {
      this.take(l);
      return Promise.resolve(result);
    }
    return this.contend(l, y, result);
  }

  private async contend<T>(l: raw_spinlock, y: Promise<void> | void, result: T): Promise<T> {
    await y;
    const me = this.sched.cur();
    if (l.owner === null) {
      this.take(l);
      return result;
    }
    if (l.owner === me) await this.recursion(l, me);
    const waiter_site = capture_site();
    const lockup = this.clock.after(LOCKUP_NS, () => this.lockup(l, me, waiter_site));
    while (l.owner !== null) {
      l.spinners.push(me);
      await this.sched.block(BUSY, `spin_lock(${l.name})`);
    }
    this.clock.cancel(lockup);
    this.take(l);
    return result;
  }

  private release(l: raw_spinlock): void {
    if (this.tracer.enabled) this.tracer.lock('release', l.name);
    l.owner = null;
    l.owner_site = null;
    const s = l.spinners;
    if (!s.length) return;
    l.spinners = [];
    for (const c of s) this.sched.wake(c);
  }

  private describe_owner(l: raw_spinlock): string {
    const o = l.owner!;
    const stopped = this.cpus.cpus[o.cpu]!.stopped ? ' (stopped)' : '';
    return ` lock: ${l.name}, .magic: dead4ead, .owner: ${o.comm}/${o.pid}, .owner_cpu: ${o.cpu}${stopped}`;
  }

  private owner_at(l: raw_spinlock): string {
    return ` owner took it at: ${l.owner_site ? site_of(l.owner_site) : '(unknown: CONFIG_DEBUG_SPINLOCK is off)'}`;
  }

  private lockup(l: raw_spinlock, me: Context, waiter_site: site_token): void {
    if (l.owner === null) return;
    this.bugs.report(
      'spinlock_lockup',
      [
        `BUG: spinlock lockup suspected on CPU#${me.cpu}, ${me.comm}/${me.pid}`,
        this.describe_owner(l),
        this.owner_at(l),
        ` waiter spins at: ${site_of(waiter_site)}`,
      ],
      me,
    );
  }

  /** Taking a lock you hold spins forever, as on real hardware, after saying so. */
  private async recursion(l: raw_spinlock, me: Context): Promise<void> {
    this.bugs.report('spinlock_recursion', [
      `BUG: spinlock recursion on CPU#${me.cpu}, ${me.comm}/${me.pid}`,
      this.describe_owner(l),
      this.owner_at(l),
      ` taken again at: ${site_of(capture_site())}`,
    ]);
    for (;;) await this.sched.block(BUSY, `spin_lock(${l.name}) recursion`);
  }
}
