// SPDX-License-Identifier: GPL-2.0
// System sleep notifications (linux/suspend.h). A scenario can stop inside the window between
// PM_SUSPEND_PREPARE and PM_POST_SUSPEND, where mmcpstore refuses to write.
import { define_token } from './di.h.ts';
import type { notifier_block } from './notifier.h.ts';

export const PM_HIBERNATION_PREPARE = 0x0001;
export const PM_POST_HIBERNATION = 0x0002;
export const PM_SUSPEND_PREPARE = 0x0003;
export const PM_POST_SUSPEND = 0x0004;
export const PM_RESTORE_PREPARE = 0x0005;
export const PM_POST_RESTORE = 0x0006;

export interface suspend_api {
  register_pm_notifier(nb: notifier_block): number;
  unregister_pm_notifier(nb: notifier_block): number;
  /** Enter suspend up to the point devices are asleep: PM_SUSPEND_PREPARE, device suspend. */
  pm_suspend_begin(): Promise<number>;
  /** Leave it: device resume, PM_POST_SUSPEND. */
  pm_suspend_end(): Promise<void>;
  /** A whole suspend/resume cycle (pm_suspend(PM_SUSPEND_MEM)). */
  pm_suspend(): Promise<number>;
  /** True between pm_suspend_begin() and pm_suspend_end(). */
  readonly in_suspend: boolean;
}
export const SUSPEND = define_token<suspend_api>('linux/suspend#suspend_api');
