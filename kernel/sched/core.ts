// SPDX-License-Identifier: GPL-2.0
// The deterministic scheduler of the simulated machine (kernel/sched/core.c in spirit).
// Exactly one context executes JavaScript at a time; at every yield point the scheduler picks,
// with the boot's seeded RNG, which runnable CPU goes next, and hands control to that CPU's top
// context by resolving its waiter. When no CPU can run, virtual time jumps to the next event.
// Interrupt frames stack on a CPU's task; a stopped CPU is never picked again.
import { inject, injectable } from 'tsyringe';
import { BOOT_PARAMS, type boot_params } from '../../include/linux/init.h.ts';
import { NSEC_PER_SEC } from '../../include/linux/ktime.h.ts';
import type { context_kind, irqflags_api, kthread_fn, sched_api } from '../../include/linux/sched.h.ts';
import { Bugs, KernelBug } from '../bug.ts';
import { VirtualClock } from '../time/clock.ts';
import { BUSY, Context, type Cpu, DONE, RUNNABLE, WAITING } from './context.ts';
import { Cpus } from './cpus.ts';
import { Rng } from './rng.ts';
import { PanicState } from '../panic_state.ts';
import { caller_site } from './site.ts';

/** Thrown inside a context to end it without a report (do_exit after an oops). */
export class TaskExit extends Error {}

/** One scheduling event, for traces: which context got the CPU, or an interrupt entered. */
export interface sched_trace {
  readonly time: number;
  readonly cpu: number;
  readonly pid: number;
  readonly comm: string;
  readonly what: 'run' | 'irq' | 'exit' | 'stop';
}

/** watchdog_thresh = 10 s: irqs off that long is a hard lockup; twice that unscheduled is soft. */
const WATCHDOG_THRESH = 10 * NSEC_PER_SEC;
/** The watchdog's hrtimer period (watchdog_thresh * 2 / 5). */
const WATCHDOG_PERIOD = 4 * NSEC_PER_SEC;
const HUNG_TASK_TIMEOUT = 120 * NSEC_PER_SEC;
/** Yields without virtual time passing before we call it a livelock (no Linux counterpart). */
const LIVELOCK_YIELDS = 5_000_000;
/** How long a cpu_relax() takes. */
const CPU_RELAX_NS = 10;
/** run() with no bound stops after this much virtual time. */
export const DEFAULT_RUN_NS = 3600 * NSEC_PER_SEC;

const HARDIRQ_OFFSET = 1 << 16;
const SOFTIRQ_OFFSET = 1 << 8;

@injectable()
export class Scheduler implements sched_api, irqflags_api {
  private readonly rng: Rng;
  private readonly cand: Cpu[] = [];
  private next_pid = 1;
  private run_done: (() => void) | null = null;
  private deadline = Infinity;
  private stalled = 0;
  private last_now = -1;
  private next_watchdog = WATCHDOG_PERIOD;
  private readonly tasks = new Set<Context>();
  /** Total yield points passed this boot; exploration counts panic points with it. */
  yields = 0;
  /** When `yields` reaches this, `on_breakpoint` runs (inject a panic at an exact point). */
  breakpoint = -1;
  on_breakpoint: (() => void) | null = null;
  /** Ask the current run() to return at the next switch (Machine.exec when its task is done). */
  private pause_requested = false;
  /** Why the machine stopped for good (halted after panic, watchdog, livelock), or null. */
  halted: string | null = null;
  /** An exception that escaped kernel code: a bug in the simulator or in a variant. */
  fatal: unknown = null;
  tracer: ((e: sched_trace) => void) | null = null;

  constructor(
    @inject(Cpus) private readonly cpus: Cpus,
    @inject(VirtualClock) private readonly clock: VirtualClock,
    @inject(Bugs) private readonly bugs: Bugs,
    @inject(PanicState) private readonly panic_state: PanicState,
    @inject(BOOT_PARAMS) params: boot_params,
  ) {
    this.rng = new Rng(params.seed);
    clock.cpus_idle_until = () => this.idle_until();
  }

  get current(): Context | null {
    return this.cpus.current;
  }

  get nr_cpu_ids(): number {
    return this.cpus.cpus.length;
  }

  smp_processor_id(): number {
    return this.cpus.this_cpu().id;
  }

  cpu_online(cpu: number): boolean {
    const c = this.cpus.cpus[cpu];
    return !!c && !c.stopped;
  }

  /** The context running now; kernel primitives call this. */
  cur(): Context {
    const c = this.cpus.current;
    if (!c) throw new Error('kernel code called outside a simulated CPU: run it in a task (Machine.spawn)');
    return c;
  }

  // ---- contexts -------------------------------------------------------------------------

  kthread_run(fn: kthread_fn, cpu: number, comm: string): Context {
    if (!this.cpus.cpus[cpu]) throw new RangeError(`kthread_run: no CPU ${cpu} (nr_cpu_ids=${this.nr_cpu_ids})`);
    const t = this.make(fn, cpu, comm, 'task');
    const c = this.cpus.cpus[cpu]!;
    if (c.curr === null) c.curr = t;
    else c.runqueue.push(t);
    this.tasks.add(t);
    return t;
  }

  /**
   * Push an interrupt frame on @cpu now (the caller checked that the CPU accepts it).
   * Hard interrupts and NMIs run with interrupts off; softirqs with them on.
   */
  push_frame(cpu: Cpu, kind: Exclude<context_kind, 'task'>, comm: string, fn: kthread_fn): Context {
    const f = this.make(fn, cpu.id, comm, kind);
    f.saved_irqs_disabled = cpu.irqs_disabled;
    f.preempt_count = kind === 'softirq' ? SOFTIRQ_OFFSET : HARDIRQ_OFFSET;
    if (kind !== 'softirq') this.irq_off(cpu);
    cpu.irq_stack.push(f);
    this.trace(f, 'irq');
    return f;
  }

  /**
   * Queue an interrupt source on @cpu. It becomes a frame at once if the CPU sits at a yield
   * point with interrupts on, else at the CPU's next yield point with interrupts on.
   */
  raise(cpu: Cpu, source: () => Context | null): void {
    cpu.pending.push(source);
    this.deliver(cpu);
  }

  /**
   * Turn pending sources into frames, but never under the context that is executing right
   * now: it takes its interrupts at its next yield point (deliver_at_yield).
   */
  private deliver(cpu: Cpu): void {
    const running = this.cpus.current;
    if (running !== null && running.state === RUNNABLE && running.cpu === cpu.id && cpu.top() === running) return;
    this.deliver_at_yield(cpu);
  }

  private deliver_at_yield(cpu: Cpu): void {
    while (!cpu.irqs_disabled && !cpu.stopped && cpu.pending.length) cpu.pending.shift()!();
  }

  private make(fn: kthread_fn, cpu: number, comm: string, kind: context_kind): Context {
    const ctx = new Context(this.next_pid++, comm, kind, cpu, fn);
    void this.launch(ctx);
    return ctx;
  }

  private async launch(ctx: Context): Promise<void> {
    await new Promise<void>((r) => (ctx.waiter = r));
    try {
      await ctx.entry();
    } catch (e) {
      if (!(e instanceof TaskExit) && !(e instanceof KernelBug)) {
        this.fatal ??= e;
        this.halt(`exception in ${ctx.comm}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    this.exit(ctx);
  }

  private exit(ctx: Context): void {
    ctx.state = DONE;
    this.tasks.delete(ctx);
    this.trace(ctx, 'exit');
    const cpu = this.cpus.cpus[ctx.cpu]!;
    if (ctx.kind === 'task') {
      if (cpu.curr === ctx) cpu.curr = cpu.runqueue.shift() ?? null;
    } else {
      const i = cpu.irq_stack.lastIndexOf(ctx);
      if (i >= 0) cpu.irq_stack.splice(i, 1);
      if (!ctx.saved_irqs_disabled) this.irq_on(cpu);
    }
    const next = this.pick();
    if (next) this.resume(next);
    else this.park();
  }

  // ---- switching ------------------------------------------------------------------------

  yield_point(): Promise<void> | void {
    const cur = this.cur();
    if (++this.yields === this.breakpoint) this.on_breakpoint?.();
    if (this.clock.now !== this.last_now) {
      this.last_now = this.clock.now;
      this.stalled = 0;
    } else if (++this.stalled > LIVELOCK_YIELDS) {
      this.bugs.report('livelock', [
        `BUG: livelock on CPU#${cur.cpu}: ${LIVELOCK_YIELDS} yield points without virtual time passing`,
        this.bugs.whoami(),
      ]);
      this.halt('livelock');
    }
    const cpu = this.cpus.cpus[cur.cpu]!;
    if (cpu.pending.length) this.deliver_at_yield(cpu);
    const next = this.pick();
    if (next === cur) return;
    return this.switch_away(cur, next);
  }

  /**
   * Block the current context until wake(). WAITING gives the CPU to another task; BUSY keeps
   * it (udelay, spinning). Interrupt frames cannot leave their CPU either way.
   */
  block(state: typeof WAITING | typeof BUSY, site: string): Promise<void> | void {
    const cur = this.cur();
    cur.state = state;
    cur.wait_site = site;
    cur.wait_since = this.clock.now;
    cur.hung_reported = false;
    const cpu = this.cpus.cpus[cur.cpu]!;
    if (state === WAITING && cur.kind === 'task' && cpu.curr === cur) cpu.curr = cpu.runqueue.shift() ?? null;
    if (cpu.pending.length) this.deliver_at_yield(cpu);
    const next = this.pick();
    if (next === cur) return;
    return this.switch_away(cur, next);
  }

  wake(ctx: Context): void {
    if (ctx.state === RUNNABLE || ctx.state === DONE) return;
    const was = ctx.state;
    ctx.state = RUNNABLE;
    if (was === WAITING && ctx.kind === 'task') {
      const cpu = this.cpus.cpus[ctx.cpu]!;
      if (cpu.curr === null) cpu.curr = ctx;
      else if (cpu.curr !== ctx) cpu.runqueue.push(ctx);
    }
  }

  /** Hold the CPU for @ns of virtual time (the body of udelay). Interrupts may run meanwhile. */
  busy_wait(ns: number, site: string): Promise<void> | void {
    const cur = this.cur();
    this.clock.at(this.clock.now + ns, () => this.wake(cur));
    return this.block(BUSY, site);
  }

  /** Sleep off the CPU until woken or until @timeout ns pass; resolves true on timeout. */
  async sleep(timeout: number, site: string): Promise<boolean> {
    const cur = this.cur();
    let timed_out = false;
    const ev =
      timeout === Infinity
        ? null
        : this.clock.at(this.clock.now + timeout, () => {
            timed_out = true;
            this.wake(cur);
          });
    await this.block(WAITING, site);
    this.clock.cancel(ev);
    return timed_out;
  }

  cond_resched(): Promise<void> | void {
    const cur = this.cur();
    const cpu = this.cpus.cpus[cur.cpu]!;
    if (cur.kind !== 'task' || !cpu.runqueue.length || !this.preemptible()) return this.yield_point();
    cpu.runqueue.push(cur);
    cpu.curr = cpu.runqueue.shift()!;
    return this.yield_point();
  }

  cpu_relax(): Promise<void> | void {
    return this.busy_wait(CPU_RELAX_NS, 'cpu_relax');
  }

  private switch_away(cur: Context, next: Context | null): Promise<void> {
    const p = new Promise<void>((r) => (cur.waiter = r));
    if (next) this.resume(next);
    else this.park();
    return p;
  }

  private resume(ctx: Context): void {
    this.cpus.current = ctx;
    if (this.tracer) this.trace(ctx, 'run');
    const w = ctx.waiter!;
    ctx.waiter = null;
    w();
  }

  /** Nothing can run before the deadline: hand control back to run()'s caller. */
  private park(): void {
    this.cpus.current = null;
    const done = this.run_done;
    this.run_done = null;
    done?.();
  }

  /**
   * While pick() fires events (no CPU can run): until when that stays so, for a device event
   * that runs ahead (VirtualClock.quietUntil). Not past the deadline, nor past the watchdog's
   * next look, which comes after an event; never once a CPU can run or the run is to end.
   */
  private idle_until(): number {
    if (this.halted !== null || this.pause_requested || this.clock.now >= this.next_watchdog) return -Infinity;
    for (const c of this.cpus.cpus) if (!c.stopped && c.top()?.state === RUNNABLE) return -Infinity;
    return Math.min(this.deadline, this.next_watchdog);
  }

  /** The next context to run, advancing virtual time while no CPU can run. */
  private pick(): Context | null {
    const cpus = this.cpus.cpus;
    for (;;) {
      if (this.halted !== null || this.pause_requested) return null;
      let n = 0;
      for (let i = 0; i < cpus.length; i++) {
        const c = cpus[i]!;
        if (c.stopped) continue;
        const t = c.top();
        if (t !== null && t.state === RUNNABLE) this.cand[n++] = c;
      }
      if (n) return (n === 1 ? this.cand[0]! : this.cand[this.rng.below(n)]!).top();
      if (!this.clock.fire_next(this.deadline)) return null;
      if (this.clock.now >= this.next_watchdog) this.watchdog();
    }
  }

  // ---- running the machine --------------------------------------------------------------

  /**
   * Run until nothing can happen before @until (virtual ns), the machine halts, or
   * DEFAULT_RUN_NS pass. With an explicit @until, an idle machine's clock moves up to it.
   */
  async run(until?: number): Promise<void> {
    if (this.run_done) throw new Error('Scheduler.run: already running');
    if (this.halted !== null) return;
    this.deadline = until ?? this.clock.now + DEFAULT_RUN_NS;
    this.pause_requested = false;
    await new Promise<void>((resolve) => {
      this.run_done = resolve;
      const next = this.pick();
      if (next) this.resume(next);
      else this.park();
    });
    if (until !== undefined && this.halted === null && !this.pause_requested) this.clock.advance_to(until);
    if (this.fatal !== null) throw this.fatal;
  }

  /** End the current run() at the next switch; contexts stay where they are for the next run(). */
  pause(): void {
    this.pause_requested = true;
  }

  /** Stop the machine for good: no context runs again (halt after panic, fatal detection). */
  halt(why: string): void {
    this.halted ??= why;
  }

  /** smp_send_stop(): freeze every CPU but the caller's where it stands, locks and all. */
  stop_other_cpus(): void {
    const me = this.cur().cpu;
    for (const c of this.cpus.cpus) {
      if (c.id === me || c.stopped) continue;
      c.stopped = true;
      const t = c.top();
      if (this.tracer && t) this.trace(t, 'stop');
    }
  }

  /** Tasks blocked for good: what a hung-task report or a deadlock verdict names. */
  blocked_tasks(): Context[] {
    return [...this.tasks].filter((t) => t.state !== RUNNABLE && !t.idle_wait);
  }

  // ---- interrupt flags and preemption ---------------------------------------------------

  private irq_off(cpu: Cpu): void {
    if (!cpu.irqs_disabled) {
      cpu.irqs_disabled = true;
      cpu.irqs_off_since = this.clock.now;
    }
  }

  private irq_on(cpu: Cpu): void {
    cpu.irqs_disabled = false;
    this.deliver(cpu);
  }

  local_irq_disable(): void {
    this.irq_off(this.cpus.this_cpu());
  }

  local_irq_enable(): void {
    this.irq_on(this.cpus.this_cpu());
  }

  local_irq_save(): boolean {
    const cpu = this.cpus.this_cpu();
    const flags = cpu.irqs_disabled;
    this.irq_off(cpu);
    return flags;
  }

  local_irq_restore(flags: boolean): void {
    if (!flags) this.irq_on(this.cpus.this_cpu());
  }

  irqs_disabled(): boolean {
    return this.cpus.this_cpu().irqs_disabled;
  }

  preempt_disable(): void {
    this.cur().preempt_count++;
  }

  preempt_enable(): void {
    this.cur().preempt_count--;
  }

  in_interrupt(): boolean {
    return this.cur().kind !== 'task';
  }

  in_atomic(): boolean {
    const c = this.cur();
    return c.preempt_count !== 0 || c.kind !== 'task';
  }

  preemptible(): boolean {
    const c = this.cur();
    return c.preempt_count === 0 && c.kind === 'task' && !this.cpus.cpus[c.cpu]!.irqs_disabled;
  }

  /**
   * might_sleep(): report a sleep from a context that must not sleep (irqs off, preemption
   * off, interrupt, or the panicking CPU), as __might_sleep() does. The sleep then proceeds.
   */
  might_sleep(): void {
    const c = this.cur();
    const irqs = this.cpus.cpus[c.cpu]!.irqs_disabled;
    if (!irqs && c.preempt_count === 0 && c.kind === 'task' && this.panic_state.panic_cpu !== c.cpu) return;
    this.bugs.report('sleep_in_atomic', [
      `BUG: sleeping function called from invalid context at ${caller_site()}`,
      `in_atomic(): ${this.in_atomic() ? 1 : 0}, irqs_disabled(): ${irqs ? 1 : 0}, non_block: 0, pid: ${c.pid}, name: ${c.comm}`,
      `preempt_count: ${c.preempt_count.toString(16)}, expected: 0`,
      this.bugs.whoami(),
    ]);
  }

  // ---- watchdogs (kernel/watchdog.c, kernel/hung_task.c) --------------------------------

  private watchdog(): void {
    const now = this.clock.now;
    this.next_watchdog = now + WATCHDOG_PERIOD;
    for (const cpu of this.cpus.cpus) {
      const t = cpu.top();
      if (cpu.stopped || !t || t.state === WAITING) continue;
      if (cpu.irqs_disabled && now - cpu.irqs_off_since >= WATCHDOG_THRESH) {
        this.watchdog_report(cpu, 'hard_lockup', [`Watchdog detected hard LOCKUP on cpu ${cpu.id}`]);
      } else if (t.state === BUSY && now - t.wait_since >= 2 * WATCHDOG_THRESH) {
        const secs = Math.floor((now - t.wait_since) / NSEC_PER_SEC);
        this.watchdog_report(cpu, 'soft_lockup', [
          `watchdog: BUG: soft lockup - CPU#${cpu.id} stuck for ${secs}s! [${t.comm}:${t.pid}]`,
        ]);
      }
    }
    for (const t of this.tasks) {
      if (t.state === WAITING && !t.idle_wait && !t.hung_reported && now - t.wait_since >= HUNG_TASK_TIMEOUT) {
        this.bugs.report('hung_task', [
          `INFO: task ${t.comm}:${t.pid} blocked for more than ${HUNG_TASK_TIMEOUT / NSEC_PER_SEC} seconds.`,
          `      waiting in ${t.wait_site}`,
        ]);
        t.hung_reported = true;
      }
    }
  }

  /** Lockup detectors act as with softlockup_panic=1 / hardlockup_panic=1: the machine stops. */
  private watchdog_report(cpu: Cpu, kind: 'hard_lockup' | 'soft_lockup', lines: string[]): void {
    const t = cpu.top()!;
    this.bugs.report(kind, [...lines, `CPU: ${cpu.id} PID: ${t.pid} Comm: ${t.comm}`, `  at ${t.wait_site}`]);
    this.halt(kind === 'hard_lockup' ? 'hard LOCKUP' : 'soft lockup');
  }

  private trace(ctx: Context, what: sched_trace['what']): void {
    this.tracer?.({ time: this.clock.now, cpu: ctx.cpu, pid: ctx.pid, comm: ctx.comm, what });
  }
}
