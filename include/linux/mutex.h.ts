// SPDX-License-Identifier: GPL-2.0
// Mutexes (linux/mutex.h): sleeping locks, handed to waiters in FIFO order.
import { define_token } from './di.h.ts';
import type { task_struct } from './sched.h.ts';

export interface mutex {
  readonly name: string;
  readonly owner: task_struct | null;
}

export interface mutex_api {
  mutex_init(name: string): mutex;
  /** Context: may sleep. */
  mutex_lock(m: mutex): Promise<void>;
  mutex_unlock(m: mutex): void;
  mutex_trylock(m: mutex): boolean;
  mutex_is_locked(m: mutex): boolean;
}
export const MUTEX = define_token<mutex_api>('linux/mutex#mutex_api');
