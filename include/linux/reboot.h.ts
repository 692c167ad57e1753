// SPDX-License-Identifier: GPL-2.0
// Reboot, halt and power-off (linux/reboot.h).
import { define_token } from './di.h.ts';
import type { notifier_block } from './notifier.h.ts';

export const SYS_DOWN = 0x0001;
export const SYS_RESTART = SYS_DOWN;
export const SYS_HALT = 0x0002;
export const SYS_POWER_OFF = 0x0003;

export interface reboot_api {
  register_reboot_notifier(nb: notifier_block): number;
  unregister_reboot_notifier(nb: notifier_block): number;
  /** Notifiers, device shutdown, kmsg_dump(KMSG_DUMP_SHUTDOWN), then the machine restarts. */
  kernel_restart(cmd?: string): Promise<never>;
  kernel_halt(): Promise<never>;
  kernel_power_off(): Promise<never>;
}
export const REBOOT = define_token<reboot_api>('linux/reboot#reboot_api');
