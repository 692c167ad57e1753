// SPDX-License-Identifier: GPL-2.0
// Delays and sleeps (linux/delay.h). udelay/mdelay busy-wait on their CPU and are fine in
// atomic and panic context; msleep/usleep_range sleep and are not.
import { define_token } from './di.h.ts';

export interface delay_api {
  /** Context: any. */
  ndelay(ns: number): Promise<void> | void;
  /** Context: any. */
  udelay(us: number): Promise<void> | void;
  /** Context: any. */
  mdelay(ms: number): Promise<void> | void;
  /** Sleeps at least @ms, rounded up to whole jiffies plus one, as Linux does. Context: may sleep. */
  msleep(ms: number): Promise<void>;
  /** Sleeps between @min and @max µs (we wake at @max: no other timer coalesces). Context: may sleep. */
  usleep_range(min: number, max: number): Promise<void>;
  /** Context: may sleep. */
  ssleep(s: number): Promise<void>;
}
export const DELAY = define_token<delay_api>('linux/delay#delay_api');
