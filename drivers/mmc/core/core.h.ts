// SPDX-License-Identifier: GPL-2.0
// Core-private contracts (drivers/mmc/core/core.h, bus.h): the per-card-type bus operations
// and the card drivers (mmc_block) that bind to cards. Host drivers never see these.
import type { mmc_card } from '../../../include/linux/mmc/card.h.ts';
import type { mmc_host } from '../../../include/linux/mmc/host.h.ts';

/** struct mmc_bus_ops: what the core does with a card of the attached type. */
export interface mmc_bus_ops {
  remove(host: mmc_host): Promise<void>;
  /** Check the card still answers; remove it if not. */
  detect(host: mmc_host): Promise<void>;
  suspend(host: mmc_host): Promise<number>;
  resume(host: mmc_host): Promise<number>;
  runtime_suspend(host: mmc_host): Promise<number>;
  runtime_resume(host: mmc_host): Promise<number>;
  /** 0 if the card answers CMD13, else an error. */
  alive(host: mmc_host): Promise<number>;
  shutdown(host: mmc_host): Promise<number>;
}

export const bus_ops_of = (host: mmc_host): mmc_bus_ops | null => host.bus_ops as mmc_bus_ops | null;

/** struct mmc_driver: a driver for cards on the mmc bus. */
export interface mmc_driver {
  readonly name: string;
  probe(card: mmc_card): Promise<number>;
  remove(card: mmc_card): Promise<void>;
  shutdown?(card: mmc_card): Promise<void>;
}

/** mmc_hostname(). */
export const mmc_hostname = (host: mmc_host): string => host.class_dev.name;
