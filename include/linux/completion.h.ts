// SPDX-License-Identifier: GPL-2.0
// Completions (linux/completion.h).
import { define_token } from './di.h.ts';

export interface completion {
  /** Completions not yet consumed by a waiter (UINT_MAX after complete_all). */
  readonly done: number;
}

export interface completion_api {
  init_completion(): completion;
  reinit_completion(x: completion): void;
  complete(x: completion): void;
  complete_all(x: completion): void;
  /** Context: may sleep. */
  wait_for_completion(x: completion): Promise<void>;
  /** Returns 0 on timeout, else the jiffies left (at least 1). Context: may sleep. */
  wait_for_completion_timeout(x: completion, timeout_jiffies: number): Promise<number>;
  try_wait_for_completion(x: completion): boolean;
  completion_done(x: completion): boolean;
}
export const COMPLETION = define_token<completion_api>('linux/completion#completion_api');
