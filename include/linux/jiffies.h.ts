// SPDX-License-Identifier: GPL-2.0
// The tick counter (linux/jiffies.h), derived from the virtual clock at CONFIG_HZ.
import { define_token } from './di.h.ts';

export interface jiffies_api {
  readonly HZ: number;
  /** Ticks since boot. */
  readonly jiffies: number;
  msecs_to_jiffies(ms: number): number;
  usecs_to_jiffies(us: number): number;
  jiffies_to_msecs(j: number): number;
  /** Nanoseconds at which tick @j starts. */
  jiffies_to_nsecs(j: number): number;
  time_after(a: number, b: number): boolean;
  time_before(a: number, b: number): boolean;
}
export const JIFFIES = define_token<jiffies_api>('linux/jiffies#jiffies_api');
