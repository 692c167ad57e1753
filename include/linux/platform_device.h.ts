// SPDX-License-Identifier: GPL-2.0
// Platform devices and drivers (linux/platform_device.h): board glue registers the devices a
// board has; a driver's module_init registers the driver; matching names are probed.
import type { device } from './device.h.ts';
import { define_token } from './di.h.ts';

export interface platform_device {
  readonly name: string;
  readonly id: number;
  readonly dev: device;
  /** Board data for the driver (the device tree properties and resources). */
  readonly platform_data: unknown;
  /** Interrupt line number, or -1. */
  readonly irq: number;
  drvdata: unknown;
}

export interface platform_driver {
  readonly name: string;
  /** 0 or -errno. Context: process, may sleep. */
  probe(pdev: platform_device): Promise<number>;
  remove?(pdev: platform_device): Promise<void>;
  shutdown?(pdev: platform_device): Promise<void>;
}

export interface platform_device_info {
  readonly name: string;
  readonly id: number;
  readonly platform_data?: unknown;
  readonly irq?: number;
}

export interface platform_api {
  /** Register a device; probes it if its driver is registered. Context: may sleep. */
  platform_device_register(info: platform_device_info): Promise<platform_device>;
  platform_device_unregister(pdev: platform_device): Promise<void>;
  /** Register a driver and probe every matching device. Context: may sleep. */
  platform_driver_register(drv: platform_driver): Promise<number>;
  platform_driver_unregister(drv: platform_driver): Promise<void>;
  /** Devices registered so far, bound or not. */
  readonly devices: readonly platform_device[];
}
export const PLATFORM = define_token<platform_api>('linux/platform_device#platform_api');
