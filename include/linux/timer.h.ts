// SPDX-License-Identifier: GPL-2.0
// Kernel timers (linux/timer.h): callbacks run in softirq context on the CPU that armed them,
// when that CPU has interrupts enabled; a stopped CPU's timers never run.
import { define_token } from './di.h.ts';

export interface timer_list {
  readonly name: string;
  /** Expiry in jiffies, as given to mod_timer(). */
  readonly expires: number;
  readonly function: (t: timer_list) => Promise<void> | void;
}

export interface timer_api {
  timer_setup(fn: (t: timer_list) => Promise<void> | void, name: string): timer_list;
  /** (Re)arm @t for jiffy @expires; returns 1 if it was pending. Context: any. */
  mod_timer(t: timer_list, expires: number): number;
  /** Returns 1 if @t was pending. Context: any. */
  del_timer(t: timer_list): number;
  /** del_timer() and wait for a running callback to finish. Context: not from the timer itself. */
  del_timer_sync(t: timer_list): Promise<number>;
  timer_pending(t: timer_list): boolean;
}
export const TIMER = define_token<timer_api>('linux/timer#timer_api');
