// SPDX-License-Identifier: GPL-2.0
// jiffies on the virtual clock (kernel/time/jiffies.c, time.c). Starts at zero at power-on;
// conversions round up as msecs_to_jiffies() does.
import { inject, injectable } from 'tsyringe';
import type { jiffies_api } from '../../include/linux/jiffies.h.ts';
import { KCONFIG, type kconfig } from '../../include/linux/kconfig.h.ts';
import { NSEC_PER_SEC } from '../../include/linux/ktime.h.ts';
import { VirtualClock } from './clock.ts';

@injectable()
export class Jiffies implements jiffies_api {
  readonly HZ: number;
  private readonly tick_ns: number;

  constructor(
    @inject(VirtualClock) private readonly clock: VirtualClock,
    @inject(KCONFIG) config: kconfig,
  ) {
    this.HZ = Number(config['HZ'] ?? 250);
    this.tick_ns = NSEC_PER_SEC / this.HZ;
  }

  get jiffies(): number {
    return Math.floor(this.clock.now / this.tick_ns);
  }

  msecs_to_jiffies(ms: number): number {
    return Math.ceil((ms * this.HZ) / 1000);
  }

  usecs_to_jiffies(us: number): number {
    return Math.ceil((us * this.HZ) / 1_000_000);
  }

  jiffies_to_msecs(j: number): number {
    return (j * 1000) / this.HZ;
  }

  jiffies_to_nsecs(j: number): number {
    return j * this.tick_ns;
  }

  time_after(a: number, b: number): boolean {
    return a > b;
  }

  time_before(a: number, b: number): boolean {
    return a < b;
  }
}
