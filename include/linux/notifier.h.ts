// SPDX-License-Identifier: GPL-2.0
// Notifier chains (linux/notifier.h): callbacks in priority order, highest first.
export const NOTIFY_DONE = 0x0000;
export const NOTIFY_OK = 0x0001;
export const NOTIFY_STOP_MASK = 0x8000;
export const NOTIFY_BAD = NOTIFY_STOP_MASK | 0x0002;
export const NOTIFY_STOP = NOTIFY_OK | NOTIFY_STOP_MASK;

export interface notifier_block {
  notifier_call(nb: notifier_block, action: number, data: unknown): Promise<number> | number;
  /** Higher runs earlier; equal priorities run in registration order. */
  readonly priority?: number;
}
