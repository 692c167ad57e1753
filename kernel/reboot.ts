// SPDX-License-Identifier: GPL-2.0
// Orderly restart, halt and power-off (kernel/reboot.c): reboot notifiers, device shutdown,
// the SHUTDOWN kmsg dump, then the machine stops with the reason the board acts on.
import { inject, injectable } from 'tsyringe';
import { KMSG_DUMP_SHUTDOWN } from '../include/linux/kmsg_dump.h.ts';
import type { notifier_block } from '../include/linux/notifier.h.ts';
import { SYS_HALT, SYS_POWER_OFF, SYS_RESTART, type reboot_api } from '../include/linux/reboot.h.ts';
import { NotifierChain } from './notifier.ts';
import { KmsgDump } from './printk/kmsg_dump.ts';
import { Printk } from './printk/printk.ts';
import { BUSY } from './sched/context.ts';
import { Scheduler } from './sched/core.ts';

/** device_shutdown() for every device, registered by the driver core. */
export type device_shutdown_fn = () => Promise<void>;

@injectable()
export class Reboot implements reboot_api {
  private readonly notifiers = new NotifierChain('reboot_notifier_list');
  device_shutdown: device_shutdown_fn = async () => {};

  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(Printk) private readonly printk: Printk,
    @inject(KmsgDump) private readonly kmsg: KmsgDump,
  ) {}

  register_reboot_notifier(nb: notifier_block): number {
    return this.notifiers.register(nb);
  }

  unregister_reboot_notifier(nb: notifier_block): number {
    return this.notifiers.unregister(nb);
  }

  kernel_restart(cmd?: string): Promise<never> {
    return this.shutdown(SYS_RESTART, cmd, cmd ? `Restarting system with command '${cmd}'` : 'Restarting system', 'reboot');
  }

  kernel_halt(): Promise<never> {
    return this.shutdown(SYS_HALT, undefined, 'System halted', 'halt');
  }

  kernel_power_off(): Promise<never> {
    return this.shutdown(SYS_POWER_OFF, undefined, 'Power down', 'power off');
  }

  private async shutdown(action: number, cmd: string | undefined, msg: string, halt: string): Promise<never> {
    await this.notifiers.call_chain(action, cmd);
    await this.device_shutdown();
    this.printk.pr_emerg(`reboot: ${msg}\n`); // pr_fmt "reboot: " of kernel/reboot.c
    await this.kmsg.kmsg_dump(KMSG_DUMP_SHUTDOWN);
    this.sched.halt(halt);
    for (;;) await this.sched.block(BUSY, 'machine_restart');
  }
}
