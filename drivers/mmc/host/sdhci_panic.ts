// SPDX-License-Identifier: GPL-2.0
// The panic host ops (mmc_host_ops.panic_*) of the SDHCI driver: the series' implementation when
// the mmcpstore variant in force is v4, v5 or a user's own, ours when it is "proposed". The
// choice is made at panic time, from the variant registered then.
import type { mmc_request } from '../../../include/linux/mmc/core.h.ts';
import type { mmc_host_ops } from '../../../include/linux/mmc/host.h.ts';
import type { sdhci_host } from './sdhci_host.ts';
import { sdhci_panic_complete_proposed, sdhci_panic_poll_completion_proposed, sdhci_panic_prepare_proposed } from './sdhci_panic_proposed.ts';
import { sdhci_panic_complete, sdhci_panic_poll_completion, sdhci_panic_prepare } from './sdhci_panic_series.ts';
import { sdhci_panic_flavour } from './sdhci_variant.ts';

type panic_ops = Required<Pick<mmc_host_ops, 'panic_prepare' | 'panic_poll_completion' | 'panic_complete'>>;

/** The three ops for @host, dispatching per call. */
export const sdhci_panic_ops = (host: sdhci_host): panic_ops => ({
  panic_prepare: () => (sdhci_panic_flavour(host) === 'proposed' ? sdhci_panic_prepare_proposed(host) : sdhci_panic_prepare(host)),
  panic_poll_completion: (_mmc, mrq: mmc_request) =>
    sdhci_panic_flavour(host) === 'proposed' ? sdhci_panic_poll_completion_proposed(host, mrq) : sdhci_panic_poll_completion(host, mrq),
  panic_complete: () => (sdhci_panic_flavour(host) === 'proposed' ? sdhci_panic_complete_proposed(host) : sdhci_panic_complete(host)),
});
