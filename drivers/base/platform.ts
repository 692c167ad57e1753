// SPDX-License-Identifier: GPL-2.0
// The platform bus (drivers/base/platform.c): name matching, synchronous probe, removal, and
// shutdown on reboot through the device's shutdown hook.
import { inject, injectable } from 'tsyringe';
import { DEVICE, type device_api } from '../../include/linux/device.h.ts';
import type { platform_api, platform_device, platform_device_info, platform_driver } from '../../include/linux/platform_device.h.ts';

class platform_device_impl implements platform_device {
  drvdata: unknown = null;
  driver: platform_driver | null = null;
  constructor(
    readonly name: string,
    readonly id: number,
    readonly dev: platform_device['dev'],
    readonly platform_data: unknown,
    readonly irq: number,
  ) {}
}

@injectable()
export class PlatformBus implements platform_api {
  private readonly pdevs: platform_device_impl[] = [];
  private readonly drivers: platform_driver[] = [];

  constructor(@inject(DEVICE) private readonly core: device_api) {}

  get devices(): readonly platform_device[] {
    return this.pdevs;
  }

  async platform_device_register(info: platform_device_info): Promise<platform_device> {
    const dev = this.core.device_initialize(info.id < 0 ? info.name : `${info.name}.${info.id}`);
    const pdev = new platform_device_impl(info.name, info.id, dev, info.platform_data ?? null, info.irq ?? -1);
    this.core.device_add(dev);
    this.pdevs.push(pdev);
    const drv = this.drivers.find((d) => d.name === pdev.name);
    if (drv) await this.probe(drv, pdev);
    return pdev;
  }

  async platform_device_unregister(pdev: platform_device): Promise<void> {
    const p = pdev as platform_device_impl;
    if (p.driver) await p.driver.remove?.(p);
    p.driver = null;
    this.core.device_del(p.dev);
    this.pdevs.splice(this.pdevs.indexOf(p), 1);
  }

  async platform_driver_register(drv: platform_driver): Promise<number> {
    this.drivers.push(drv);
    for (const pdev of this.pdevs) if (pdev.name === drv.name && !pdev.driver) await this.probe(drv, pdev);
    return 0;
  }

  async platform_driver_unregister(drv: platform_driver): Promise<void> {
    for (const pdev of this.pdevs) {
      if (pdev.driver !== drv) continue;
      await drv.remove?.(pdev);
      pdev.driver = null;
    }
    this.drivers.splice(this.drivers.indexOf(drv), 1);
  }

  /** really_probe(): a failing probe leaves the device unbound, with Linux's message. */
  private async probe(drv: platform_driver, pdev: platform_device_impl): Promise<void> {
    pdev.dev.driver_string = drv.name;
    const ret = await drv.probe(pdev);
    if (ret) {
      this.core.dev_warn(pdev.dev, `probe with driver ${drv.name} failed with error ${ret}`);
      pdev.dev.driver_string = '';
      return;
    }
    pdev.driver = drv;
    pdev.dev.shutdown = drv.shutdown ? () => drv.shutdown!(pdev) : null;
  }
}
