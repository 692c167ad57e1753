// SPDX-License-Identifier: GPL-2.0
// The mmc bus (drivers/mmc/core/bus.c): card devices "mmc<host>:<rca>", the drivers that bind
// to them (mmc_block), and the card's power management, which goes to the host's bus ops.
import { inject, injectable } from 'tsyringe';
import { DEVICE, type device_api } from '../../../include/linux/device.h.ts';
import { MMC_TYPE_MMC, type mmc_card } from '../../../include/linux/mmc/card.h.ts';
import { MMC_TIMING_MMC_DDR52, MMC_TIMING_MMC_HS, MMC_TIMING_MMC_HS200, MMC_TIMING_MMC_HS400, MMC_TIMING_SD_HS, type mmc_host } from '../../../include/linux/mmc/host.h.ts';
import { PRINTK, type printk_api } from '../../../include/linux/printk.h.ts';
import { bus_ops_of, mmc_hostname, type mmc_driver } from './core.h.ts';

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

@injectable()
export class MmcBus {
  private readonly drivers: mmc_driver[] = [];
  private readonly cards: mmc_card[] = [];
  private readonly bound = new Map<mmc_card, mmc_driver>();

  constructor(
    @inject(DEVICE) private readonly core: device_api,
    @inject(PRINTK) private readonly printk: printk_api,
  ) {}

  /** mmc_alloc_card(): a card device under the host's class device. */
  mmc_alloc_card(host: mmc_host, rca: number): mmc_card {
    const dev = this.core.device_initialize(`${mmc_hostname(host)}:${hex4(rca)}`, host.class_dev);
    const card: mmc_card = {
      host,
      dev,
      rca,
      type: MMC_TYPE_MMC,
      state: 0,
      quirks: 0,
      ocr: 0,
      raw_cid: [0, 0, 0, 0],
      raw_csd: [0, 0, 0, 0],
      cid: { manfid: 0, oemid: 0, prod_name: '', prv: 0, serial: 0, year: 0, month: 0, hwrev: 0, fwrev: 0 },
      csd: { structure: 0, mmca_vsn: 0, cmdclass: 0, taac_ns: 0, taac_clks: 0, r2w_factor: 0, max_dtr: 0, erase_size: 0, read_blkbits: 0, write_blkbits: 0, capacity: 0, read_partial: false, write_partial: false, dsr_imp: false },
      ext_csd: null!,
      part_curr: 0,
      mmc_avail_type: 0,
      erase_size: 0,
      erased_byte: 0,
      part: [],
    };
    dev.driver_data = card;
    dev.pm = {
      runtime_suspend: async () => bus_ops_of(host)?.runtime_suspend(host) ?? 0,
      runtime_resume: async () => bus_ops_of(host)?.runtime_resume(host) ?? 0,
      suspend: async () => bus_ops_of(host)?.suspend(host) ?? 0,
      resume: async () => bus_ops_of(host)?.resume(host) ?? 0,
    };
    dev.shutdown = async () => {
      await this.bound.get(card)?.shutdown?.(card);
      await bus_ops_of(host)?.shutdown(host);
    };
    return card;
  }

  /** mmc_add_card(): announce the card, then bind drivers (mmc_blk_probe). */
  async mmc_add_card(card: mmc_card): Promise<number> {
    const t = card.host.ios.timing;
    const speed = t === MMC_TIMING_SD_HS || t === MMC_TIMING_MMC_HS ? 'high speed ' : '';
    const mode = t === MMC_TIMING_MMC_HS400 ? 'HS400 ' : t === MMC_TIMING_MMC_HS200 ? 'HS200 ' : '';
    const ddr = t === MMC_TIMING_MMC_DDR52 ? 'DDR ' : '';
    this.printk.pr_info(`${mmc_hostname(card.host)}: new ${speed}${mode}${ddr}MMC card at address ${hex4(card.rca)}\n`);
    this.core.device_add(card.dev);
    this.cards.push(card);
    for (const drv of this.drivers) if (await this.probe(drv, card)) break;
    return 0;
  }

  /** mmc_remove_card(): unbind its driver first, then the device goes. */
  async mmc_remove_card(card: mmc_card): Promise<void> {
    const drv = this.bound.get(card);
    if (drv) await drv.remove(card);
    this.bound.delete(card);
    this.printk.pr_info(`${mmc_hostname(card.host)}: card ${hex4(card.rca)} removed\n`);
    this.core.device_del(card.dev);
    this.cards.splice(this.cards.indexOf(card), 1);
  }

  /** mmc_register_driver(): bind to every card already present. */
  async mmc_register_driver(drv: mmc_driver): Promise<number> {
    this.drivers.push(drv);
    for (const card of [...this.cards]) if (!this.bound.has(card)) await this.probe(drv, card);
    return 0;
  }

  async mmc_unregister_driver(drv: mmc_driver): Promise<void> {
    for (const [card, d] of [...this.bound]) {
      if (d !== drv) continue;
      await drv.remove(card);
      this.bound.delete(card);
    }
    this.drivers.splice(this.drivers.indexOf(drv), 1);
  }

  private async probe(drv: mmc_driver, card: mmc_card): Promise<boolean> {
    const ret = await drv.probe(card);
    if (ret) return false;
    this.bound.set(card, drv);
    card.dev.driver_string = drv.name;
    return true;
  }
}
