// SPDX-License-Identifier: GPL-2.0
// The driver core's registrations in a machine container (drivers/base/init.c).
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { register_service } from '../../include/linux/di.h.ts';
import { DEVICE } from '../../include/linux/device.h.ts';
import { PLATFORM } from '../../include/linux/platform_device.h.ts';
import { PM_RUNTIME } from '../../include/linux/pm_runtime.h.ts';
import { DeviceCore } from './core.ts';
import { PlatformBus } from './platform.ts';
import { RuntimePm } from './power/runtime.ts';

export const driver_init = (c: DependencyContainer): void => {
  register_service(c, DeviceCore, [DEVICE]);
  register_service(c, RuntimePm, [PM_RUNTIME]);
  register_service(c, PlatformBus, [PLATFORM]);
};

export const DRIVER_CORE_TOKENS: InjectionToken<unknown>[] = [DeviceCore, DEVICE, RuntimePm, PM_RUNTIME, PlatformBus, PLATFORM];
