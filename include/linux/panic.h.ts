// SPDX-License-Identifier: GPL-2.0
// panic() and oops (linux/panic.h, kernel/panic.c, arch die()).
import { define_token } from './di.h.ts';
import type { notifier_block } from './notifier.h.ts';

export interface panic_api {
  /** Raised while an oops or panic is being reported (bust_spinlocks). */
  readonly oops_in_progress: number;
  /** The panicking CPU, or -1. */
  readonly panic_cpu: number;
  /**
   * panic(): interrupts off, stop the other CPUs where they stand, panic notifiers,
   * kmsg_dump(KMSG_DUMP_PANIC), then halt (or reboot with panic=N). Never returns.
   */
  panic(msg: string): Promise<never>;
  /**
   * die(): report an oops, kmsg_dump(KMSG_DUMP_OOPS), then kill the current task (its locks
   * stay held); panics instead in interrupt context or with panic_on_oops. Never returns.
   */
  oops(msg: string): Promise<never>;
  register_panic_notifier(nb: notifier_block): number;
  unregister_panic_notifier(nb: notifier_block): number;
}
export const PANIC = define_token<panic_api>('linux/panic#panic_api');
