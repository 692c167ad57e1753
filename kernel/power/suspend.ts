// SPDX-License-Identifier: GPL-2.0
// System suspend (kernel/power/main.c, suspend.c): the PM notifier chain around the device
// suspend and resume phases. Split in two halves so a scenario can act inside the window.
import { inject, injectable } from 'tsyringe';
import type { notifier_block } from '../../include/linux/notifier.h.ts';
import { PM_POST_SUSPEND, PM_SUSPEND_PREPARE, type suspend_api } from '../../include/linux/suspend.h.ts';
import { EBUSY } from '../../include/linux/errno.h.ts';
import { NotifierChain, notifier_to_errno } from '../notifier.ts';
import { Printk } from '../printk/printk.ts';

/**
 * dpm_suspend()/dpm_resume() over every device, set by the driver core. suspend() puts back
 * what it suspended when a device fails, so a failed suspend() needs no resume().
 */
export interface device_sleep_ops {
  suspend(): Promise<number>;
  resume(): Promise<void>;
}

@injectable()
export class Suspend implements suspend_api {
  private readonly notifiers = new NotifierChain('pm_chain_head');
  in_suspend = false;
  devices: device_sleep_ops = { suspend: async () => 0, resume: async () => {} };

  constructor(@inject(Printk) private readonly printk: Printk) {}

  register_pm_notifier(nb: notifier_block): number {
    return this.notifiers.register(nb);
  }

  unregister_pm_notifier(nb: notifier_block): number {
    return this.notifiers.unregister(nb);
  }

  async pm_suspend_begin(): Promise<number> {
    if (this.in_suspend) return -EBUSY;
    this.printk.pr_info('PM: suspend entry (deep)\n');
    this.in_suspend = true;
    // suspend_prepare(): a notifier that refuses gets no PM_POST_SUSPEND, nor do those after
    // it; the ones before it do. Devices were not touched.
    const err = notifier_to_errno(await this.notifiers.call_chain_robust(PM_SUSPEND_PREPARE, PM_POST_SUSPEND, null));
    if (err) {
      this.exit();
      return err;
    }
    const ret = await this.devices.suspend();
    if (ret) {
      this.printk.pr_err('PM: Some devices failed to suspend, or early wake event detected\n');
      await this.notifiers.call_chain(PM_POST_SUSPEND, null);
      this.exit();
    }
    return ret;
  }

  async pm_suspend_end(): Promise<void> {
    if (!this.in_suspend) return;
    await this.devices.resume();
    await this.notifiers.call_chain(PM_POST_SUSPEND, null);
    this.exit();
  }

  async pm_suspend(): Promise<number> {
    const ret = await this.pm_suspend_begin();
    if (ret) return ret;
    await this.pm_suspend_end();
    return 0;
  }

  private exit(): void {
    this.in_suspend = false;
    this.printk.pr_info('PM: suspend exit\n');
  }
}
