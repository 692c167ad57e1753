// SPDX-License-Identifier: GPL-2.0
// Per-CPU state and `current`, shared by the scheduler, printk and bug reports. Kept apart from
// the scheduler so that printk can name the running CPU without depending on it.
import { inject, injectable } from 'tsyringe';
import { BOOT_PARAMS, type boot_params } from '../../include/linux/init.h.ts';
import { Cpu, type Context } from './context.ts';

@injectable()
export class Cpus {
  readonly cpus: Cpu[];
  /** The context whose JavaScript is executing now, or null between runs. */
  current: Context | null = null;

  constructor(@inject(BOOT_PARAMS) params: boot_params) {
    this.cpus = Array.from({ length: params.nr_cpus }, (_, i) => new Cpu(i));
  }

  /** The CPU of `current`; calling kernel code outside a simulated CPU is a bug in the caller. */
  this_cpu(): Cpu {
    const c = this.current;
    if (!c) throw new Error('kernel code called outside a simulated CPU: run it in a task (Machine.spawn)');
    return this.cpus[c.cpu]!;
  }
}
