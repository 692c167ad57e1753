// SPDX-License-Identifier: GPL-2.0
// Wall-clock time (linux/timekeeping.h): the board's RTC at power-on plus virtual time since.
import { define_token } from './di.h.ts';
import type { timespec64 } from './pstore.h.ts';

export interface timekeeping_api {
  /** ktime_get_real_ns(): nanoseconds since the epoch. */
  ktime_get_real_ns(): number;
  ktime_get_real_ts64(): timespec64;
}
export const TIMEKEEPING = define_token<timekeeping_api>('linux/timekeeping#timekeeping_api');
