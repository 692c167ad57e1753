// SPDX-License-Identifier: GPL-2.0
// The SDHCI platform driver (drivers/mmc/host/sdhci-pltfm.c with the host ops of sdhci.c): binds
// to an "sdhci" platform device, whose board data gives the register window, the clock gate and
// the quirks; sets the host up from the capability registers, wires mmc_host_ops (including the
// panic ops) and runtime PM with autosuspend.
import type { DependencyContainer } from 'tsyringe';
import { inject, injectable } from 'tsyringe';
import { BUG, type bug_api } from '../../../include/linux/bug.h.ts';
import { DELAY, type delay_api } from '../../../include/linux/delay.h.ts';
import { DMA, type dma_api } from '../../../include/linux/dma-mapping.h.ts';
import { EINVAL, ENOSYS } from '../../../include/linux/errno.h.ts';
import { IRQ, type irq_api } from '../../../include/linux/interrupt.h.ts';
import { JIFFIES, type jiffies_api } from '../../../include/linux/jiffies.h.ts';
import { MMC_CAP_NONREMOVABLE, MMC_HOST_API, type mmc_host_api, type mmc_host_ops } from '../../../include/linux/mmc/host.h.ts';
import { MACHINE_CONTAINER, type module } from '../../../include/linux/module.h.ts';
import { PANIC, type panic_api } from '../../../include/linux/panic.h.ts';
import type { sdhci_platform_data } from '../../../include/linux/platform_data/sdhci.h.ts';
import { PLATFORM, type platform_api, type platform_device, type platform_driver } from '../../../include/linux/platform_device.h.ts';
import { PM_RUNTIME, type pm_runtime_api } from '../../../include/linux/pm_runtime.h.ts';
import { PRINTK, type printk_api } from '../../../include/linux/printk.h.ts';
import { SPINLOCK, type spinlock_api } from '../../../include/linux/spinlock.h.ts';
import { TIMER, type timer_api } from '../../../include/linux/timer.h.ts';
import { WAIT, type wait_api } from '../../../include/linux/wait.h.ts';
import { WORKQUEUE, type workqueue_api } from '../../../include/linux/workqueue.h.ts';
import { sdhci_set_ios } from './sdhci_clock.ts';
import { sdhci_request } from './sdhci_cmd.ts';
import { sdhci_host, type sdhci_kernel } from './sdhci_host.ts';
import { sdhci_panic_ops } from './sdhci_panic.ts';
import { sdhci_pltfm_pm_ops } from './sdhci_pm.ts';
import { sdhci_execute_tuning } from './sdhci_tuning.ts';
import { __sdhci_add_host, sdhci_remove_host, sdhci_setup_host } from './sdhci_setup.ts';

const DRIVER_NAME = 'sdhci';

/** The host ops (sdhci_ops in sdhci.c). get_cd answers only for non-removable slots (it cannot read registers synchronously). */
const sdhci_host_ops = (host: sdhci_host): mmc_host_ops => ({
  request: (_mmc, mrq) => sdhci_request(host, mrq),
  set_ios: (_mmc, ios) => sdhci_set_ios(host, ios),
  execute_tuning: (_mmc, opcode) => sdhci_execute_tuning(host, opcode),
  get_cd: (mmc) => (mmc.caps & MMC_CAP_NONREMOVABLE ? 1 : -ENOSYS),
  get_ro: () => 0,
  ...sdhci_panic_ops(host),
});

@injectable()
export class SdhciDriver implements platform_driver {
  readonly name = DRIVER_NAME;

  constructor(
    @inject(MMC_HOST_API) private readonly mmc: mmc_host_api,
    @inject(IRQ) private readonly irq: irq_api,
    @inject(TIMER) private readonly timers: timer_api,
    @inject(JIFFIES) private readonly jiffies: jiffies_api,
    @inject(PM_RUNTIME) private readonly rpm: pm_runtime_api,
    @inject(PRINTK) private readonly printk: printk_api,
    @inject(DELAY) private readonly delay: delay_api,
    @inject(SPINLOCK) private readonly sl: spinlock_api,
    @inject(WORKQUEUE) private readonly wq: workqueue_api,
    @inject(WAIT) private readonly wait: wait_api,
    @inject(PANIC) private readonly panic: panic_api,
    @inject(BUG) private readonly bug: bug_api,
    @inject(MACHINE_CONTAINER) private readonly container: DependencyContainer,
  ) {}

  private kernel(): sdhci_kernel {
    const c = this.container;
    return {
      mmc: this.mmc,
      irq: this.irq,
      timers: this.timers,
      jiffies: this.jiffies,
      rpm: this.rpm,
      printk: this.printk,
      delay: this.delay,
      sl: this.sl,
      wq: this.wq,
      wait: this.wait,
      panic: this.panic,
      bug: this.bug,
      dma: c.isRegistered(DMA, true) ? c.resolve<dma_api>(DMA) : null,
      container: c,
    };
  }

  /** sdhci_pltfm_init() + sdhci_add_host(), and runtime PM with autosuspend. */
  async probe(pdev: platform_device): Promise<number> {
    const pd = pdev.platform_data as sdhci_platform_data | null;
    if (!pd?.regs || pdev.irq < 0) return -EINVAL;
    const mmc = this.mmc.mmc_alloc_host(pdev.dev, null);
    const host = new sdhci_host(mmc, pdev, pd, this.kernel());
    mmc.private = host;
    mmc.ops = sdhci_host_ops(host);
    pdev.drvdata = host;
    let ret = await sdhci_setup_host(host);
    if (ret) {
      this.mmc.mmc_free_host(mmc);
      return ret;
    }
    pdev.dev.pm = sdhci_pltfm_pm_ops(host);
    this.rpm.pm_runtime_set_active(pdev.dev);
    this.rpm.pm_runtime_set_autosuspend_delay(pdev.dev, pd.autosuspend_ms ?? 50);
    this.rpm.pm_runtime_use_autosuspend(pdev.dev);
    this.rpm.pm_runtime_enable(pdev.dev);
    ret = await __sdhci_add_host(host);
    if (ret) {
      await this.rpm.pm_runtime_disable(pdev.dev);
      if (host.adma_table) host.k.dma!.dma_free_coherent(host.adma_table);
      this.mmc.mmc_free_host(mmc);
      return ret;
    }
    return 0;
  }

  async remove(pdev: platform_device): Promise<void> {
    const host = pdev.drvdata as sdhci_host;
    await this.rpm.pm_runtime_get_sync(pdev.dev);
    await sdhci_remove_host(host);
    await this.rpm.pm_runtime_disable(pdev.dev);
    this.rpm.pm_runtime_put_noidle(pdev.dev);
    this.mmc.mmc_free_host(host.mmc);
  }
}

export const sdhci: module = {
  name: DRIVER_NAME,
  async module_init(c) {
    c.register(SdhciDriver, { useClass: SdhciDriver });
    return c.resolve<platform_api>(PLATFORM).platform_driver_register(c.resolve(SdhciDriver));
  },
};
