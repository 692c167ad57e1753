// SPDX-License-Identifier: GPL-2.0
// Spinlocks (linux/spinlock.h). Taking one is a yield point; spinning on a lock whose owner
// never releases it (a CPU stopped by panic) is reported as a lockup instead of hanging.
import { define_token } from './di.h.ts';
import type { task_struct } from './sched.h.ts';

export interface spinlock_t {
  readonly name: string;
  /** The context holding it, or null. */
  readonly owner: task_struct | null;
}

export interface spinlock_api {
  /** spin_lock_init(): a new unlocked lock named @name (used in reports). */
  spin_lock_init(name: string): spinlock_t;
  /** Context: any; disables preemption while held. */
  spin_lock(lock: spinlock_t): Promise<void>;
  spin_unlock(lock: spinlock_t): void;
  /** Returns the saved interrupt flags for spin_unlock_irqrestore(). */
  spin_lock_irqsave(lock: spinlock_t): Promise<boolean>;
  spin_unlock_irqrestore(lock: spinlock_t, flags: boolean): void;
  spin_lock_irq(lock: spinlock_t): Promise<void>;
  spin_unlock_irq(lock: spinlock_t): void;
  /** Takes the lock if free; returns whether it did. */
  spin_trylock(lock: spinlock_t): boolean;
  spin_is_locked(lock: spinlock_t): boolean;
}
export const SPINLOCK = define_token<spinlock_api>('linux/spinlock#spinlock_api');
