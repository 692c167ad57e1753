// SPDX-License-Identifier: GPL-2.0
// The software watchdogs (drivers/mmc/host/sdhci.c sdhci_timeout_timer, sdhci_timeout_data_timer):
// a request whose interrupt never came fails with -ETIMEDOUT. With the series in force they
// return at once while oops_in_progress is set (v4/v5: "prevent spurious timeout handling during
// panic writes"); in our panic mode they do nothing either: the poller owns the host.
import { ETIMEDOUT } from '../../../include/linux/errno.h.ts';
import { __sdhci_finish_data } from './sdhci_data.ts';
import { sdhci_finish_mrq } from './sdhci_done.ts';
import { sdhci_dumpregs } from './sdhci_dump.ts';
import { mmc_hostname, sdhci_data_line_cmd, sdhci_lock_irqsave, sdhci_unlock_irqrestore, type sdhci_host } from './sdhci_host.ts';
import { sdhci_series_quiet } from './sdhci_variant.ts';

/** sdhci_timeout_timer(): a command without data got no response. Context: timer (softirq). */
export const sdhci_timeout_timer = async (host: sdhci_host): Promise<void> => {
  if (sdhci_series_quiet(host) || host.panic) return;
  const flags = await sdhci_lock_irqsave(host);
  const cmd = host.cmd;
  if (cmd && !sdhci_data_line_cmd(cmd)) {
    host.k.printk.pr_err(`${mmc_hostname(host)}: Timeout waiting for hardware cmd interrupt.\n`);
    await sdhci_dumpregs(host);
    cmd.error = -ETIMEDOUT;
    sdhci_finish_mrq(host, cmd.mrq!);
  }
  sdhci_unlock_irqrestore(host, flags);
};

/** sdhci_timeout_data_timer(): a data or busy command never completed. Context: timer (softirq). */
export const sdhci_timeout_data_timer = async (host: sdhci_host): Promise<void> => {
  if (sdhci_series_quiet(host) || host.panic) return;
  const flags = await sdhci_lock_irqsave(host);
  if (host.data || host.data_cmd || (host.cmd && sdhci_data_line_cmd(host.cmd))) {
    host.k.printk.pr_err(`${mmc_hostname(host)}: Timeout waiting for hardware interrupt.\n`);
    await sdhci_dumpregs(host);
    if (host.data) {
      host.data.error = -ETIMEDOUT;
      await __sdhci_finish_data(host, true);
      host.k.wq.queue_work(host.complete_wq, host.complete_work);
    } else if (host.data_cmd) {
      host.data_cmd.error = -ETIMEDOUT;
      sdhci_finish_mrq(host, host.data_cmd.mrq!);
    } else {
      host.cmd!.error = -ETIMEDOUT;
      sdhci_finish_mrq(host, host.cmd!.mrq!);
    }
  }
  sdhci_unlock_irqrestore(host, flags);
};
