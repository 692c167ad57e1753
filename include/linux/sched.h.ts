// SPDX-License-Identifier: GPL-2.0
// Tasks, CPUs and the scheduler contract (linux/sched.h, linux/preempt.h, linux/irqflags.h,
// linux/kthread.h, linux/smp.h). Code that runs on a simulated CPU is async and yields to the
// scheduler at the points where a frozen CPU would leave a distinct state.
import { define_token } from './di.h.ts';

/** What a context is: a task, or an interrupt handler running on top of one. */
export type context_kind = 'task' | 'hardirq' | 'softirq' | 'nmi';

/** The parts of task_struct (and of an interrupt frame) that drivers and reports look at. */
export interface task_struct {
  readonly pid: number;
  readonly comm: string;
  readonly kind: context_kind;
  /** The CPU this context runs on; tasks are pinned. */
  readonly cpu: number;
  preempt_count: number;
}

/** Body of a kernel thread; it returns when the thread exits. */
export type kthread_fn = () => Promise<void>;

export interface sched_api {
  /** The running context (`current`); null outside any simulated CPU (board set-up, tests). */
  readonly current: task_struct | null;
  smp_processor_id(): number;
  readonly nr_cpu_ids: number;
  /** Start a kernel thread pinned to @cpu (kthread_run + kthread_bind). */
  kthread_run(fn: kthread_fn, cpu: number, comm: string): task_struct;
  /** A yield point: another CPU, or an interrupt on this one, may run here. Context: any. */
  yield_point(): Promise<void> | void;
  /** Let another task on this CPU run if one is waiting. Context: may sleep. */
  cond_resched(): Promise<void> | void;
  /** Busy-wait hint in a polling loop: costs a little virtual time. Context: any. */
  cpu_relax(): Promise<void> | void;
  cpu_online(cpu: number): boolean;
  /** Report a sleep from a context that must not sleep, as __might_sleep() does. */
  might_sleep(): void;
}
export const SCHED = define_token<sched_api>('linux/sched#sched_api');

export interface irqflags_api {
  local_irq_disable(): void;
  /** Re-enables interrupts; pending ones are delivered at the next yield point. */
  local_irq_enable(): void;
  local_irq_save(): boolean;
  local_irq_restore(flags: boolean): void;
  irqs_disabled(): boolean;
  preempt_disable(): void;
  preempt_enable(): void;
  /** in_atomic(): preemption disabled or in interrupt context. */
  in_atomic(): boolean;
  in_interrupt(): boolean;
  /** preemptible(): preempt_count is zero and interrupts are on. */
  preemptible(): boolean;
}
export const IRQFLAGS = define_token<irqflags_api>('linux/irqflags#irqflags_api');
