// SPDX-License-Identifier: GPL-2.0
// Virtual time (linux/ktime.h, linux/jiffies.h). One nanosecond clock per machine; nothing in
// the simulated tree reads the wall clock, so a scenario and a seed give the same run every time.
import { define_token } from './di.h.ts';

export const NSEC_PER_USEC = 1_000;
export const NSEC_PER_MSEC = 1_000_000;
export const NSEC_PER_SEC = 1_000_000_000;

/** A callback scheduled on the clock; cancel() makes it a no-op. */
export interface clock_event {
  readonly time: number;
  cancelled: boolean;
}

/**
 * The machine's clock: the current virtual time and a queue of future events. Device models
 * and the kernel schedule work on it; only the scheduler advances it.
 */
export interface clock_api {
  /** Nanoseconds since power-on (ktime_get()). */
  readonly now: number;
  /** Run @fn when the clock reaches @time (ns). Events at the same time run in the order added. */
  at(time: number, fn: () => void): clock_event;
  /** Run @fn @delay ns from now. */
  after(delay: number, fn: () => void): clock_event;
  cancel(ev: clock_event | null): void;
}
export const CLOCK = define_token<clock_api>('linux/ktime#clock_api');
