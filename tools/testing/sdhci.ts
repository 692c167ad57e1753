// SPDX-License-Identifier: GPL-2.0
// Boards with an eMMC behind the SDHCI controller model and the sdhci driver, for tests: a 3.00
// controller with ADMA2 (64-bit unless told otherwise), 8-bit, HS200, 1.8 V, and a GPT of three
// partitions; controller capabilities and host quirks as the board file would give them. And a
// register-access trace of the driver: the commands it issues, with transfer mode and ARGUMENT2.
import * as R from '../../include/hw/sdhci.h.ts';
import type { iomem } from '../../include/linux/io.h.ts';
import { PLATFORM } from '../../include/linux/platform_device.h.ts';
import type { sdhci_host } from '../../drivers/mmc/host/sdhci_host.ts';
import type { board } from '../../init/board.ts';
import type { card_description } from '../../init/glue/card.ts';
import type { sdhci_device } from '../../init/glue/sdhci.ts';
import { Machine } from '../../init/machine.ts';
import type { board_storage } from '../../init/storage.ts';
import { load_kconfig_db, resolve_config_or_throw } from '../../scripts/kconfig/index.ts';
import { THREE_PARTITIONS } from './mmc.ts';
import { PSTORE_CMDLINE, pstore_ready } from './mmcpstore.ts';

export type sdhci_controller = NonNullable<sdhci_device['controller']>;
export type sdhci_host_data = NonNullable<sdhci_device['host']>;

/** The DMA modes the tests run in, as board descriptions. */
export const SDHCI_MODES: Readonly<Record<string, { controller: sdhci_controller; host: sdhci_host_data }>> = {
  'ADMA2-64': { controller: { caps: { adma64: true } }, host: {} },
  'ADMA2-32': { controller: { caps: { adma64: false } }, host: {} },
  SDMA: { controller: { caps: { adma2: false, adma64: false } }, host: {} },
  PIO: { controller: {}, host: { quirks: ['PIO_ONLY'] } },
};

export interface sdhci_machine_options {
  card?: Partial<card_description>;
  controller?: sdhci_controller;
  host?: sdhci_host_data;
  storage?: board_storage;
  seed?: number;
  cpus?: number;
  config?: Record<string, unknown>;
  cmdline?: string;
}

export const sdhci_board = (o: sdhci_machine_options = {}): board => ({
  name: 'sdhci-test',
  cpus: o.cpus ?? 2,
  cmdline: '',
  devices: [
    {
      type: 'sdhci',
      controller: o.controller ?? {},
      host: { caps: ['MMC_CAP_NONREMOVABLE'], caps2: ['MMC_CAP2_NO_SD', 'MMC_CAP2_NO_SDIO'], ...o.host },
      card: { capacity: '8GiB', product_name: 'MMC08G', gpt: THREE_PARTITIONS, ...o.card },
    } as sdhci_device,
  ],
});

export const boot_sdhci_machine = (o: sdhci_machine_options = {}): Promise<Machine> =>
  Machine.boot({
    config: resolve_config_or_throw(load_kconfig_db(), { NR_CPUS: Math.max(2, o.cpus ?? 2), ...o.config }),
    board: sdhci_board(o),
    seed: o.seed ?? 1,
    ...(o.cmdline ? { cmdline: o.cmdline } : {}),
    ...(o.storage ? { storage: o.storage } : {}),
  });

export interface sdhci_issued {
  readonly opcode: number;
  readonly command: number;
  /** TRANSFER_MODE as last written before the command. */
  readonly mode: number;
  /** ARGUMENT2 when Auto-CMD23 was armed, else null. */
  readonly arg2: number | null;
  /** Writes to register 0 (SDMA address) after this command, before the next: SDMA restarts. */
  sdma_writes: number;
  /** Virtual time of the issue, ns (when a clock was given). */
  readonly at: number;
}

/** The sdhci host of slot @index of @m. */
export const sdhci_host_of = (m: Machine, index = 0): sdhci_host =>
  m.resolve(PLATFORM).devices.filter((d) => d.name === 'sdhci')[index]!.drvdata as sdhci_host;

/** Start recording the commands the driver writes; returns the live list. */
export const trace_commands = (host: sdhci_host, now: () => number = () => 0): sdhci_issued[] => {
  const out: sdhci_issued[] = [];
  const io = host.ioaddr;
  let mode = 0;
  let arg2: number | null = null;
  const traced: iomem = {
    readl: (o) => io.readl(o),
    readw: (o) => io.readw(o),
    readb: (o) => io.readb(o),
    writel: (v, o) => {
      if (o === R.SDHCI_ARGUMENT2) {
        arg2 = v;
        const last = out[out.length - 1];
        if (last) last.sdma_writes++;
      }
      return io.writel(v, o);
    },
    writew: (v, o) => {
      if (o === R.SDHCI_TRANSFER_MODE) mode = v;
      if (o === R.SDHCI_COMMAND) {
        out.push({ opcode: R.SDHCI_GET_CMD(v), command: v, mode, arg2: mode & R.SDHCI_TRNS_AUTO_CMD23 && v & R.SDHCI_CMD_DATA ? arg2 : null, sdma_writes: 0, at: now() });
        arg2 = null;
      }
      return io.writew(v, o);
    },
    writeb: (v, o) => io.writeb(v, o),
    ioread32_rep: (o, d) => io.ioread32_rep(o, d),
    iowrite32_rep: (o, s) => io.iowrite32_rep(o, s),
  };
  (host as { ioaddr: iomem }).ioaddr = traced;
  return out;
};

export interface sdhci_pstore_options extends sdhci_machine_options {
  mode?: 'y' | 'm';
  variant?: string;
  mount?: boolean;
}

/** The board with mmcpstore on the eMMC's third partition (as boot_pstore_machine, on the sdhci host). */
export const boot_sdhci_pstore_machine = async (o: sdhci_pstore_options = {}): Promise<Machine> => {
  const m = await boot_sdhci_machine({
    ...o,
    cmdline: [PSTORE_CMDLINE, o.cmdline].filter(Boolean).join(' '),
    config: { PSTORE_PMSG: 'y', PSTORE_CONSOLE: 'y', MMC_PSTORE: o.mode ?? 'y', MMC_PSTORE_VARIANT: o.variant ?? 'v5', ...o.config },
  });
  return pstore_ready(m, { ...(o.mode ? { mode: o.mode } : {}), ...(o.mount !== undefined ? { mount: o.mount } : {}) });
};
