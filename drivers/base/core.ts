// SPDX-License-Identifier: GPL-2.0
// The driver core (drivers/base/core.c, power/main.c): devices in registration order, system
// suspend in reverse order and resume in order, shutdown on reboot, dev_printk prefixes.
import { inject, injectable } from 'tsyringe';
import type { dev_pm_info, device, device_api } from '../../include/linux/device.h.ts';
import { PRINTK, KERN_DEBUG, KERN_ERR, KERN_INFO, KERN_WARNING, type printk_api } from '../../include/linux/printk.h.ts';

class device_impl implements device {
  driver_string = '';
  driver_data: unknown = null;
  pm: device['pm'] = null;
  shutdown: device['shutdown'] = null;
  readonly power: dev_pm_info = {
    usage_count: 0,
    child_count: 0,
    disable_depth: 1,
    runtime_status: 'suspended',
    runtime_error: 0,
    last_busy: 0,
    autosuspend_delay: 0,
    use_autosuspend: false,
    ignore_children: false,
    irq_safe: false,
  };
  constructor(
    readonly name: string,
    readonly parent: device | null,
  ) {}
}

@injectable()
export class DeviceCore implements device_api {
  /** devices_kset: parents before children. */
  readonly devices: device[] = [];

  constructor(@inject(PRINTK) private readonly printk: printk_api) {}

  device_initialize(name: string, parent: device | null = null): device {
    return new device_impl(name, parent);
  }

  device_add(dev: device): number {
    if (!this.devices.includes(dev)) this.devices.push(dev);
    return 0;
  }

  device_del(dev: device): void {
    const i = this.devices.indexOf(dev);
    if (i >= 0) this.devices.splice(i, 1);
  }

  /** dpm_suspend(): children first; on failure, resume those already suspended. */
  async dpm_suspend(): Promise<number> {
    const done: device[] = [];
    for (const dev of [...this.devices].reverse()) {
      const ret = (await dev.pm?.suspend?.(dev)) ?? 0;
      if (ret) {
        this.dev_err(dev, `PM: failed to suspend: error ${ret}`);
        for (const d of done.reverse()) await d.pm?.resume?.(d);
        return ret;
      }
      done.push(dev);
    }
    return 0;
  }

  async dpm_resume(): Promise<void> {
    for (const dev of this.devices) {
      const ret = (await dev.pm?.resume?.(dev)) ?? 0;
      if (ret) this.dev_err(dev, `PM: failed to resume: error ${ret}`);
    }
  }

  /** device_shutdown(): children first. */
  async device_shutdown(): Promise<void> {
    for (const dev of [...this.devices].reverse()) await dev.shutdown?.(dev);
  }

  dev_err(dev: device, msg: string): void {
    this.printk.printk(KERN_ERR + this.prefix(dev) + msg + '\n');
  }
  dev_warn(dev: device, msg: string): void {
    this.printk.printk(KERN_WARNING + this.prefix(dev) + msg + '\n');
  }
  dev_info(dev: device, msg: string): void {
    this.printk.printk(KERN_INFO + this.prefix(dev) + msg + '\n');
  }
  dev_dbg(dev: device, msg: string): void {
    this.printk.printk(KERN_DEBUG + this.prefix(dev) + msg + '\n');
  }

  private prefix(dev: device): string {
    return dev.driver_string ? `${dev.driver_string} ${dev.name}: ` : `${dev.name}: `;
  }
}
