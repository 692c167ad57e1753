// SPDX-License-Identifier: GPL-2.0
// Bringing a host up and down (drivers/mmc/host/sdhci.c sdhci_setup_host, __sdhci_add_host,
// sdhci_remove_host): read version and capabilities, decide (sdhci_caps.ts), allocate the ADMA2
// table, fill in mmc_host, initialise the controller, request the threaded IRQ, add the host.
import * as R from '../../../include/hw/sdhci.h.ts';
import { ENODEV } from '../../../include/linux/errno.h.ts';
import { IRQF_SHARED } from '../../../include/linux/interrupt.h.ts';
import { mmc_set_caps } from '../../../include/linux/mmc/host.h.ts';
import { sdhci_adma_table_size } from './sdhci_adma.ts';
import { sdhci_decide_dma, sdhci_decide_mmc, sdhci_mode_name } from './sdhci_caps.ts';
import { sdhci_complete_work } from './sdhci_done.ts';
import { SDHCI_MAX_SEGS, SDHCI_USE_64_BIT_DMA, SDHCI_USE_ADMA, mmc_hostname, sdhci_readl, sdhci_readw, type sdhci_host } from './sdhci_host.ts';
import { sdhci_irq, sdhci_thread_irq } from './sdhci_irq.ts';
import { sdhci_init, sdhci_reset_for, sdhci_set_card_detection } from './sdhci_reset.ts';
import { sdhci_timeout_data_timer, sdhci_timeout_timer } from './sdhci_timeout.ts';

/** sdhci_setup_host(): 0 or -ENODEV (no base or timeout clock, no voltage). Context: may sleep. */
export const sdhci_setup_host = async (host: sdhci_host): Promise<number> => {
  const k = host.k;
  const mmc = host.mmc;
  const name = mmc_hostname(host);
  const v = await sdhci_readw(host, R.SDHCI_HOST_VERSION);
  host.version = v & R.SDHCI_SPEC_VER_MASK;
  if (host.version > R.SDHCI_SPEC_420) k.printk.pr_err(`${name}: Unknown controller version (${host.version}). You may experience problems.\n`);
  const caps = await sdhci_readl(host, R.SDHCI_CAPABILITIES);
  const caps1 = host.version >= R.SDHCI_SPEC_300 ? await sdhci_readl(host, R.SDHCI_CAPABILITIES_1) : 0;
  const input = { version: host.version, caps, caps1, quirks: host.quirks, have_dma: k.dma !== null };
  const dma = sdhci_decide_dma(input);
  for (const w of dma.warnings) k.printk.pr_warn(`${name}: ${w}\n`);
  host.flags = dma.flags;
  host.caps = dma.caps;
  if (host.flags & SDHCI_USE_ADMA) {
    const use_64 = !!(host.flags & SDHCI_USE_64_BIT_DMA);
    host.adma_table_sz = sdhci_adma_table_size(SDHCI_MAX_SEGS, use_64);
    host.desc_sz = use_64 ? R.SDHCI_ADMA2_64_DESC_SZ : R.SDHCI_ADMA2_32_DESC_SZ;
    try {
      host.adma_table = k.dma!.dma_alloc_coherent(host.adma_table_sz, 8);
    } catch {
      k.printk.pr_warn(`${name}: Unable to allocate ADMA buffers - falling back to standard DMA\n`);
      host.flags &= ~SDHCI_USE_ADMA;
    }
  }
  const m = sdhci_decide_mmc({ ...input, caps: host.caps }, host.flags);
  for (const w of m.warnings) k.printk.pr_warn(`${name}: ${w}\n`);
  if (m.error) {
    k.printk.pr_err(`${name}: ${m.error}\n`);
    return -ENODEV;
  }
  host.caps1 = m.caps1;
  // Re-tuning timer count, caps1 [11:8]: 2^(n-1) seconds.
  const count = (m.caps1 >>> 8) & 0xf;
  host.tuning_count = count ? 1 << (count - 1) : 0;
  host.max_clk = m.max_clk;
  host.timeout_clk = m.timeout_clk;
  host.flags |= m.signaling;
  mmc.f_min = m.f_min;
  mmc.f_max = m.f_max;
  mmc.max_busy_timeout = m.max_busy_timeout;
  const pd = host.pdata;
  mmc_set_caps(mmc, m.caps, m.caps2, pd);
  mmc.ocr_avail = m.ocr_avail;
  mmc.max_req_size = m.max_req_size;
  mmc.max_segs = m.max_segs;
  mmc.max_seg_size = m.max_seg_size;
  mmc.max_blk_size = m.max_blk_size;
  mmc.max_blk_count = m.max_blk_count;
  return 0;
};

/** __sdhci_add_host(): complete work, timers, init, the threaded IRQ, mmc_add_host. Context: may sleep. */
export const __sdhci_add_host = async (host: sdhci_host): Promise<number> => {
  const k = host.k;
  const mmc = host.mmc;
  host.complete_wq = k.wq.alloc_workqueue('sdhci');
  host.complete_work = k.wq.INIT_WORK(() => sdhci_complete_work(host));
  host.timer = k.timers.timer_setup(() => sdhci_timeout_timer(host), `${mmc_hostname(host)}:sdhci_timeout_timer`);
  host.data_timer = k.timers.timer_setup(() => sdhci_timeout_data_timer(host), `${mmc_hostname(host)}:sdhci_timeout_data_timer`);
  await sdhci_init(host, false);
  let ret = k.irq.request_threaded_irq(host.pdev.irq, () => sdhci_irq(host), () => sdhci_thread_irq(host), IRQF_SHARED, mmc_hostname(host), host);
  if (ret) {
    k.printk.pr_err(`${mmc_hostname(host)}: Failed to request IRQ ${host.pdev.irq}: ${ret}\n`);
    return ret;
  }
  ret = await k.mmc.mmc_add_host(mmc);
  if (ret) {
    k.irq.free_irq(host.pdev.irq, host);
    return ret;
  }
  k.printk.pr_info(`${mmc_hostname(host)}: SDHCI controller on ${host.pdev.dev.name} [${host.pdev.dev.name}] using ${sdhci_mode_name(host.flags)}\n`);
  await sdhci_set_card_detection(host, true);
  return 0;
};

/** sdhci_remove_host(): the host goes, the controller is reset, interrupts off. Context: may sleep. */
export const sdhci_remove_host = async (host: sdhci_host): Promise<void> => {
  const k = host.k;
  await k.mmc.mmc_remove_host(host.mmc);
  await sdhci_set_card_detection(host, false);
  await sdhci_reset_for(host, 'INIT');
  await host.ioaddr.writel(0, R.SDHCI_INT_ENABLE);
  await host.ioaddr.writel(0, R.SDHCI_SIGNAL_ENABLE);
  k.irq.free_irq(host.pdev.irq, host);
  await k.timers.del_timer_sync(host.timer);
  await k.timers.del_timer_sync(host.data_timer);
  if (host.adma_table) k.dma!.dma_free_coherent(host.adma_table);
  host.adma_table = null;
};
