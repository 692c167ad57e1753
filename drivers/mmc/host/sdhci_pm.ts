// SPDX-License-Identifier: GPL-2.0
// Runtime PM of the controller (drivers/mmc/host/sdhci.c sdhci_runtime_suspend_host and
// sdhci_runtime_resume_host, with the clock gating a platform glue driver such as
// sdhci-of-arasan.c adds around them).
import * as R from '../../../include/hw/sdhci.h.ts';
import type { dev_pm_ops } from '../../../include/linux/device.h.ts';
import { MMC_POWER_OFF, MMC_POWER_UNDEFINED } from '../../../include/linux/mmc/host.h.ts';
import { sdhci_lock_irqsave, sdhci_unlock_irqrestore, type sdhci_host } from './sdhci_host.ts';
import { sdhci_init, sdhci_set_card_detection, sdhci_write_ier } from './sdhci_reset.ts';

/** sdhci_runtime_suspend_host(): only card interrupts stay enabled; then no IRQ is ours. */
export const sdhci_runtime_suspend_host = async (host: sdhci_host): Promise<number> => {
  let flags = await sdhci_lock_irqsave(host);
  host.ier &= R.SDHCI_INT_CARD_INT;
  await sdhci_write_ier(host);
  sdhci_unlock_irqrestore(host, flags);
  await host.k.irq.synchronize_irq(host.pdev.irq);
  flags = await sdhci_lock_irqsave(host);
  host.runtime_suspended = true;
  sdhci_unlock_irqrestore(host, flags);
  return 0;
};

/** sdhci_runtime_resume_host(): re-initialise and re-program bus power, clock and mode. */
export const sdhci_runtime_resume_host = async (host: sdhci_host, soft_reset: boolean): Promise<number> => {
  const mmc = host.mmc;
  await sdhci_init(host, soft_reset);
  if (mmc.ios.power_mode !== MMC_POWER_UNDEFINED && mmc.ios.power_mode !== MMC_POWER_OFF) {
    // Force clock and power re-program.
    host.pwr = 0;
    host.clock = 0;
    host.reinit_uhs = true;
    await mmc.ops.set_ios(mmc, mmc.ios);
  }
  const flags = await sdhci_lock_irqsave(host);
  host.runtime_suspended = false;
  sdhci_unlock_irqrestore(host, flags);
  await sdhci_set_card_detection(host, true);
  return 0;
};

/** The platform device's runtime PM callbacks: the host first, then its clocks (and back). */
export const sdhci_pltfm_pm_ops = (host: sdhci_host): dev_pm_ops => ({
  runtime_suspend: async () => {
    const ret = await sdhci_runtime_suspend_host(host);
    if (ret) return ret;
    host.pdata.set_clock_gated(true);
    host.clock_gated = true;
    return 0;
  },
  runtime_resume: async () => {
    host.pdata.set_clock_gated(false);
    host.clock_gated = false;
    return sdhci_runtime_resume_host(host, false);
  },
});
