// SPDX-License-Identifier: GPL-2.0
// Execution contexts and CPUs of the simulated machine: the state a frozen CPU leaves behind.
// A context is a task or an interrupt frame; each is an async function the scheduler resumes
// by resolving its `waiter`. Models the per-CPU parts of kernel/sched/ and kernel/softirq.c.
import type { context_kind, task_struct } from '../../include/linux/sched.h.ts';

/** Runnable: may be picked. Waiting: blocked off the CPU. Busy: holds its CPU (udelay, spinning). */
export const RUNNABLE = 0;
export const WAITING = 1;
export const BUSY = 2;
export const DONE = 3;

export class Context implements task_struct {
  state = RUNNABLE;
  preempt_count = 0;
  /** Resolves the promise this context awaits at its current yield point. */
  waiter: (() => void) | null = null;
  /** What it waits on, for hung-task and deadlock reports. */
  wait_site = '';
  /** Waiting for work (a kworker, or an idle loop): not reported as hung. */
  idle_wait = false;
  /** Interrupt state of the CPU when this interrupt frame was entered. */
  saved_irqs_disabled = false;
  /** Virtual time at which it last blocked (hung-task detection). */
  wait_since = 0;
  /** A hung-task report names each blocked episode once. */
  hung_reported = false;

  constructor(
    readonly pid: number,
    readonly comm: string,
    readonly kind: context_kind,
    readonly cpu: number,
    readonly entry: () => Promise<void>,
  ) {}
}

export class Cpu {
  /** The task occupying the CPU; interrupt frames stack on top of it. */
  curr: Context | null = null;
  readonly irq_stack: Context[] = [];
  readonly runqueue: Context[] = [];
  irqs_disabled = false;
  /** Frozen by smp_send_stop(): nothing on it runs again this boot. */
  stopped = false;
  /** Interrupt sources waiting for this CPU to enable interrupts. */
  readonly pending: Array<() => Context | null> = [];
  /** Virtual time at which interrupts were last disabled (hard-lockup detection). */
  irqs_off_since = 0;

  constructor(readonly id: number) {}

  top(): Context | null {
    const s = this.irq_stack;
    return s.length ? s[s.length - 1]! : this.curr;
  }

  in_irq_kind(kind: Context['kind']): boolean {
    return this.irq_stack.some((c) => c.kind === kind);
  }
}
