// SPDX-License-Identifier: GPL-2.0
// The wall clock (kernel/time/timekeeping.c): the RTC reading at power-on (boot params) plus the
// virtual time since, so records carry deterministic, increasing dates across reboots.
import { inject, injectable } from 'tsyringe';
import { BOOT_PARAMS, type boot_params } from '../../include/linux/init.h.ts';
import { NSEC_PER_SEC } from '../../include/linux/ktime.h.ts';
import type { timespec64 } from '../../include/linux/pstore.h.ts';
import type { timekeeping_api } from '../../include/linux/timekeeping.h.ts';
import { VirtualClock } from './clock.ts';

@injectable()
export class Timekeeping implements timekeeping_api {
  constructor(
    @inject(VirtualClock) private readonly clock: VirtualClock,
    @inject(BOOT_PARAMS) private readonly params: boot_params,
  ) {}

  ktime_get_real_ns(): number {
    return this.params.rtc_ns + this.clock.now;
  }

  ktime_get_real_ts64(): timespec64 {
    // Split without losing nanoseconds: rtc_ns is a whole number of seconds.
    const sec = this.params.rtc_ns / NSEC_PER_SEC + Math.floor(this.clock.now / NSEC_PER_SEC);
    return { tv_sec: sec, tv_nsec: this.clock.now % NSEC_PER_SEC };
  }
}
