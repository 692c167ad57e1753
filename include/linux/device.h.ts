// SPDX-License-Identifier: GPL-2.0
// The device model (linux/device.h, linux/pm.h): a device with a parent, power state and
// driver data; dev_printk prefixes.
import { define_token } from './di.h.ts';

/** struct dev_pm_ops: system sleep and runtime PM callbacks; 0 or -errno. May sleep. */
export interface dev_pm_ops {
  suspend?(dev: device): Promise<number>;
  resume?(dev: device): Promise<number>;
  runtime_suspend?(dev: device): Promise<number>;
  runtime_resume?(dev: device): Promise<number>;
  /** Return non-zero to keep the device from suspending on idle. */
  runtime_idle?(dev: device): Promise<number>;
}

export type rpm_status = 'active' | 'resuming' | 'suspended' | 'suspending';

/** struct dev_pm_info: the runtime PM bookkeeping. */
export interface dev_pm_info {
  usage_count: number;
  child_count: number;
  disable_depth: number;
  runtime_status: rpm_status;
  runtime_error: number;
  /** Virtual ns of the last pm_runtime_mark_last_busy(). */
  last_busy: number;
  /** Milliseconds; negative forbids runtime suspend (as in Linux). */
  autosuspend_delay: number;
  use_autosuspend: boolean;
  ignore_children: boolean;
  irq_safe: boolean;
}

export interface device {
  /** dev_name(). */
  readonly name: string;
  readonly parent: device | null;
  /** dev_driver_string(): the bound driver's (or class's) name, printed before dev_name. */
  driver_string: string;
  driver_data: unknown;
  pm: dev_pm_ops | null;
  /** Called by device_shutdown() on reboot and power-off. */
  shutdown: ((dev: device) => Promise<void>) | null;
  readonly power: dev_pm_info;
}

export interface device_api {
  /** device_initialize() + dev_set_name(): runtime PM starts disabled and suspended. */
  device_initialize(name: string, parent?: device | null): device;
  /** device_add(): the device joins suspend/resume and shutdown ordering. */
  device_add(dev: device): number;
  device_del(dev: device): void;
  dev_err(dev: device, msg: string): void;
  dev_warn(dev: device, msg: string): void;
  dev_info(dev: device, msg: string): void;
  dev_dbg(dev: device, msg: string): void;
}
export const DEVICE = define_token<device_api>('linux/device#device_api');
