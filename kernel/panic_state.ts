// SPDX-License-Identifier: GPL-2.0
// The two globals of kernel/panic.c that the rest of the kernel reads: which CPU is panicking
// and oops_in_progress. Kept dependency-free so the scheduler can consult them.
import { injectable } from 'tsyringe';

@injectable()
export class PanicState {
  /** The CPU running panic(), or -1 (panic_cpu, PANIC_CPU_INVALID). */
  panic_cpu = -1;
  /** Raised by bust_spinlocks(1) in oops and panic; drivers skip niceties while it is set. */
  oops_in_progress = 0;
}
