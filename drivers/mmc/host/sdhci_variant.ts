// SPDX-License-Identifier: GPL-2.0
// Which sdhci.c is in force for the panic path (ours): the series' (v4/v5, and any variant a user
// registers, which runs against the code as posted) or our proposed one. It follows the mmcpstore
// patch variant registered under MMC_PANIC_VARIANT, read when it matters, v5 when none is.
import { MMC_PANIC_VARIANT } from '../../../include/linux/mmc/panic.h.ts';
import type { sdhci_host } from './sdhci_host.ts';

export type sdhci_panic_flavour = 'series' | 'proposed';

/** The mmcpstore variant in force: its name, or 'v5' when none is registered. */
export const sdhci_variant_name = (host: sdhci_host): string => {
  const c = host.k.container;
  return c.isRegistered(MMC_PANIC_VARIANT, true) ? c.resolve(MMC_PANIC_VARIANT).name : 'v5';
};

export const sdhci_panic_flavour = (host: sdhci_host): sdhci_panic_flavour => (sdhci_variant_name(host) === 'proposed' ? 'proposed' : 'series');

/**
 * The series' changes to sdhci.c apply: oops_in_progress is set and the series' code is in force
 * (the retry loop then waits with mdelay and prints nothing; the software timers return at once).
 */
export const sdhci_series_quiet = (host: sdhci_host): boolean => host.k.panic.oops_in_progress > 0 && sdhci_panic_flavour(host) === 'series';
