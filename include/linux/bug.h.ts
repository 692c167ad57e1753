// SPDX-License-Identifier: GPL-2.0
// What the simulated kernel detects instead of hanging (linux/bug.h, kernel/watchdog.c,
// kernel/hung_task.c, kernel/sched/core.c __might_sleep): each detection is printed the way
// Linux prints it and kept as a structured report a scenario can classify.
import { define_token } from './di.h.ts';

export type bug_kind =
  | 'spinlock_lockup' /** spinning on a lock whose owner never lets go */
  | 'spinlock_recursion' /** taking a spinlock the same context holds */
  | 'sleep_in_atomic' /** might_sleep() with irqs off, preemption off, in interrupt or in panic */
  | 'hard_lockup' /** a CPU with interrupts off for watchdog_thresh */
  | 'soft_lockup' /** a CPU that does not schedule for 2 * watchdog_thresh */
  | 'hung_task' /** a task blocked for hung_task_timeout_secs */
  | 'livelock' /** code yielding without virtual time ever passing */
  | 'warn' /** WARN_ON */
  | 'bug' /** BUG_ON, or an exception escaping kernel code */
  | 'oops'
  | 'panic';

export interface bug_report {
  readonly kind: bug_kind;
  /** Virtual time of the detection, ns. */
  readonly time: number;
  readonly cpu: number;
  readonly pid: number;
  readonly comm: string;
  /** The lines printed, without level or timestamp. */
  readonly lines: readonly string[];
}

export interface bug_api {
  readonly reports: readonly bug_report[];
  /** WARN_ON(): log a warning with the caller's site when @cond holds; returns @cond. */
  WARN_ON(cond: boolean, what?: string): boolean;
  /** BUG_ON(): report and throw; the exception unwinds the current context. */
  BUG_ON(cond: boolean, what?: string): void;
}
export const BUG = define_token<bug_api>('linux/bug#bug_api');
