// SPDX-License-Identifier: GPL-2.0
// Runtime PM (linux/pm_runtime.h). Return values follow Linux: 1 means "already in that state".
import { define_token } from './di.h.ts';
import type { device } from './device.h.ts';

export interface pm_runtime_api {
  pm_runtime_enable(dev: device): void;
  pm_runtime_disable(dev: device): Promise<void>;
  pm_runtime_set_active(dev: device): number;
  pm_runtime_set_suspended(dev: device): number;
  /** usage_count++ then resume; the count stays raised even on error. Context: may sleep. */
  pm_runtime_get_sync(dev: device): Promise<number>;
  /** Like get_sync, but drops the count again on error. Context: may sleep. */
  pm_runtime_resume_and_get(dev: device): Promise<number>;
  pm_runtime_get_noresume(dev: device): void;
  pm_runtime_put_noidle(dev: device): void;
  /** usage_count--; idle check in a work item. Context: any. */
  pm_runtime_put(dev: device): number;
  /** usage_count--; idle check now. Context: may sleep. */
  pm_runtime_put_sync(dev: device): Promise<number>;
  /** usage_count--; suspend after the autosuspend delay, from a work item. Context: any. */
  pm_runtime_put_autosuspend(dev: device): number;
  pm_runtime_mark_last_busy(dev: device): void;
  pm_runtime_use_autosuspend(dev: device): void;
  pm_runtime_dont_use_autosuspend(dev: device): void;
  pm_runtime_set_autosuspend_delay(dev: device, ms: number): void;
  pm_runtime_irq_safe(dev: device): void;
  /** Resume now without touching the usage count. Context: may sleep. */
  pm_runtime_resume(dev: device): Promise<number>;
  /** Suspend now if allowed. Context: may sleep. */
  pm_runtime_suspend(dev: device): Promise<number>;
  pm_runtime_suspended(dev: device): boolean;
  pm_runtime_active(dev: device): boolean;
  pm_runtime_enabled(dev: device): boolean;
}
export const PM_RUNTIME = define_token<pm_runtime_api>('linux/pm_runtime#pm_runtime_api');
