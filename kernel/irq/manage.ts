// SPDX-License-Identifier: GPL-2.0
// Interrupt lines and their handlers (kernel/irq/manage.c, handle.c, spurious.c). A line that
// is high, enabled and not already being handled becomes a hardirq frame on its CPU; after the
// handlers return it is looked at again, as a level-triggered line is. A line that nobody
// handles 100000 times in a row is disabled with Linux's "nobody cared" report.
import { inject, injectable } from 'tsyringe';
import { EBUSY, EINVAL } from '../../include/linux/errno.h.ts';
import {
  IRQ_HANDLED,
  IRQ_WAKE_THREAD,
  IRQF_ONESHOT,
  IRQF_SHARED,
  type irq_api,
  type irq_handler_t,
} from '../../include/linux/interrupt.h.ts';
import { Bugs } from '../bug.ts';
import type { Context } from '../sched/context.ts';
import { Scheduler } from '../sched/core.ts';
import { Cpus } from '../sched/cpus.ts';

const SPURIOUS_LIMIT = 100_000;

interface irqaction {
  readonly handler: irq_handler_t | null;
  readonly thread_fn: irq_handler_t | null;
  readonly flags: number;
  readonly name: string;
  readonly dev_id: unknown;
  thread: Context | null;
  thread_pending: boolean;
}

interface irq_desc {
  readonly irq: number;
  actions: irqaction[];
  level: boolean;
  depth: number;
  cpu: number;
  /** A hardirq frame is queued or running for this line. */
  busy: boolean;
  /** Threaded handlers still to run before a IRQF_ONESHOT line is unmasked. */
  oneshot_pending: number;
  unhandled: number;
}

/** Default handler of a threaded request: wake the thread (irq_default_primary_handler). */
const default_primary = (): typeof IRQ_WAKE_THREAD => IRQ_WAKE_THREAD;

@injectable()
export class Irqs implements irq_api {
  private readonly descs = new Map<number, irq_desc>();

  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(Cpus) private readonly cpus: Cpus,
    @inject(Bugs) private readonly bugs: Bugs,
  ) {}

  private desc(irq: number): irq_desc {
    let d = this.descs.get(irq);
    if (!d) {
      d = { irq, actions: [], level: false, depth: 0, cpu: 0, busy: false, oneshot_pending: 0, unhandled: 0 };
      this.descs.set(irq, d);
    }
    return d;
  }

  request_irq(irq: number, handler: irq_handler_t, flags: number, name: string, dev_id: unknown): number {
    return this.request_threaded_irq(irq, handler, null, flags, name, dev_id);
  }

  request_threaded_irq(
    irq: number,
    handler: irq_handler_t | null,
    thread_fn: irq_handler_t | null,
    flags: number,
    name: string,
    dev_id: unknown,
  ): number {
    if (irq < 0 || (!handler && !thread_fn)) return -EINVAL;
    const d = this.desc(irq);
    if (d.actions.length && !(flags & IRQF_SHARED && d.actions.every((a) => a.flags & IRQF_SHARED))) return -EBUSY;
    const a: irqaction = { handler: handler ?? default_primary, thread_fn, flags, name, dev_id, thread: null, thread_pending: false };
    if (thread_fn) a.thread = this.sched.kthread_run(() => this.irq_thread(d, a), d.cpu, `irq/${irq}-${name}`);
    d.actions.push(a);
    this.check(d);
    return 0;
  }

  free_irq(irq: number, dev_id: unknown): void {
    const d = this.desc(irq);
    d.actions = d.actions.filter((a) => a.dev_id !== dev_id);
  }

  disable_irq_nosync(irq: number): void {
    this.desc(irq).depth++;
  }

  async disable_irq(irq: number): Promise<void> {
    this.disable_irq_nosync(irq);
    await this.synchronize_irq(irq);
  }

  enable_irq(irq: number): void {
    const d = this.desc(irq);
    if (d.depth === 0) {
      this.bugs.WARN_ON(true, `Unbalanced enable for IRQ ${irq}`);
      return;
    }
    d.depth--;
    this.check(d);
  }

  irq_set_affinity(irq: number, cpu: number): number {
    if (!this.cpus.cpus[cpu]) return -EINVAL;
    this.desc(irq).cpu = cpu;
    return 0;
  }

  async synchronize_irq(irq: number): Promise<void> {
    const d = this.desc(irq);
    while (d.busy || d.actions.some((a) => a.thread_pending)) await this.sched.cpu_relax();
  }

  irq_set_level(irq: number, level: boolean): void {
    const d = this.desc(irq);
    d.level = level;
    this.check(d);
  }

  /** Queue a frame when the line wants service. */
  private check(d: irq_desc): void {
    if (!d.level || d.busy || d.depth > 0 || d.oneshot_pending > 0 || !d.actions.length) return;
    d.busy = true;
    const cpu = this.cpus.cpus[d.cpu]!;
    this.sched.raise(cpu, () => {
      if (!d.level || d.depth > 0 || !d.actions.length) {
        d.busy = false;
        return null;
      }
      return this.sched.push_frame(cpu, 'hardirq', `irq/${d.irq}`, () => this.handle(d));
    });
  }

  /** handle_level_irq(): every action, then look at the line again. */
  private async handle(d: irq_desc): Promise<void> {
    let handled = false;
    for (const a of [...d.actions]) {
      const ret = await a.handler!(d.irq, a.dev_id);
      if (ret === IRQ_WAKE_THREAD && a.thread) {
        handled = true;
        if (!a.thread_pending && a.flags & IRQF_ONESHOT) d.oneshot_pending++;
        a.thread_pending = true;
        this.sched.wake(a.thread);
      } else if (ret === IRQ_HANDLED) handled = true;
    }
    d.busy = false;
    d.unhandled = handled ? 0 : d.unhandled + 1;
    if (d.unhandled >= SPURIOUS_LIMIT) {
      this.bugs.report('bug', [`irq ${d.irq}: nobody cared (try booting with the "irqpoll" option)`, `Disabling IRQ #${d.irq}`]);
      d.depth++;
      return;
    }
    this.check(d);
  }

  private async irq_thread(d: irq_desc, a: irqaction): Promise<void> {
    const me = this.sched.cur();
    for (;;) {
      while (!a.thread_pending) {
        me.idle_wait = true;
        await this.sched.sleep(Infinity, `irq_thread(${a.name})`);
      }
      me.idle_wait = false;
      a.thread_pending = false;
      await a.thread_fn!(d.irq, a.dev_id);
      if (a.flags & IRQF_ONESHOT && d.oneshot_pending > 0) {
        d.oneshot_pending--;
        this.check(d);
      }
    }
  }
}
