// SPDX-License-Identifier: GPL-2.0
// The machine a scenario runs on: its board (CPUs, the host of the run with the scenario's
// capabilities, the card with a GPT whose third partition is pstore's) and its config (pstore
// with pmsg and console zones, mmcpstore built in unless the scenario says otherwise).
import type { board } from '../../init/board.ts';
import type { card_description } from '../../init/glue/card.ts';
import type { mmc_mock_device } from '../../init/glue/mmc_mock.ts';
import type { mmc_serial_device } from '../../init/glue/mmc_serial.ts';
import type { sdhci_device } from '../../init/glue/sdhci.ts';
import { is_builtin_variant, type card_phase, type host_kind, type scenario } from './schema.ts';

export const PSTORE_CMDLINE = 'pstore_blk.blkdev=/dev/mmcblk0p3 pstore_blk.kmsg_size=64';

const GPT = [
  { name: 'boot', size: '64MiB' },
  { name: 'rootfs', size: '1GiB' },
  { name: 'pstore', size: '4MiB' },
];

/**
 * Card phases a host never stops in: the serial bridge runs a read with its data, and a write's
 * last frame with the busy after it, as one exchange, so a crash lands before or after them.
 */
const HIDDEN_PHASES: Readonly<Record<host_kind, readonly card_phase[]>> = { mock: [], sdhci: [], serial: ['data', 'prg', 'busy'] };

/** What of a scenario's card tools/mmc-bridge can make: the rest is the bridge's own model. */
const BRIDGE_CARD = new Set(['capacity', 'gpt', 'image']);

/**
 * Why @s cannot run on @host, or null: it waits for a phase the host never stops in. A bridge in
 * another process (@bridge) has the card there: no phase of it can be waited for, and it serves
 * a card of its own making.
 */
export const not_applicable = (s: scenario, host: host_kind, bridge = false): string | null => {
  if (bridge && host === 'serial') {
    if (s.steps.some((st) => st.do === 'wait_for')) return "the card is in the bridge's process: its phases cannot be waited for";
    const card = Object.keys(s.board?.card ?? {}).filter((k) => !BRIDGE_CARD.has(k));
    if (card.length) return `tools/mmc-bridge cannot make the card's ${card.join(', ')}`;
  }
  const hidden = HIDDEN_PHASES[host];
  const step = s.steps.find((st) => st.do === 'wait_for' && hidden.includes(st.phase!));
  return step ? `the ${host} bridge runs the card's ${hidden.join(', ')} phases inside one exchange` : null;
};

/** The card of every scenario: 8 GiB with the GPT pstore expects, unless the scenario says more. */
export const scenario_card = (s: scenario): card_description => ({ capacity: '8GiB', product_name: 'MMC08G', gpt: GPT, ...s.board?.card });

const device = (s: scenario, host: host_kind, link: string): mmc_mock_device | sdhci_device | mmc_serial_device => {
  const card = scenario_card(s);
  const common = (s.board?.host ?? {}) as { caps?: string[]; caps2?: string[] };
  if (host === 'mock') return { type: 'mmc_mock', host: { ...common, ...s.board?.mock } as mmc_mock_device['host'], card };
  // By default the bridge's device end in-process, on the run's card: deterministic, and journaled
  // like the others; or a bridge process on @link, whose card is its own.
  if (host === 'serial') return { type: 'mmc_serial', link, host: common as mmc_serial_device['host'], ...(link === 'loop' ? { card } : {}) };
  // An eMMC slot as a device tree describes one: non-removable, no SD or SDIO.
  return {
    type: 'sdhci',
    controller: (s.board?.sdhci?.controller ?? {}) as sdhci_device['controller'],
    host: {
      ...common,
      caps: ['MMC_CAP_NONREMOVABLE', ...(common.caps ?? [])],
      caps2: ['MMC_CAP2_NO_SD', 'MMC_CAP2_NO_SDIO', ...(common.caps2 ?? [])],
      ...(s.board?.sdhci?.quirks ? { quirks: s.board.sdhci.quirks } : {}),
    } as sdhci_device['host'],
    card,
  } as sdhci_device;
};

export const scenario_board = (s: scenario, host: host_kind, link = 'loop'): board => {
  return { name: `${s.name}-${host}`, cpus: s.board?.cpus ?? 2, cmdline: [PSTORE_CMDLINE, s.cmdline].filter(Boolean).join(' '), devices: [device(s, host, link)] };
};

/** The scenario's Kconfig overrides over what every scenario needs. */
export const scenario_config = (s: scenario, variant: string): Record<string, unknown> => ({
  NR_CPUS: Math.max(2, s.board?.cpus ?? 2),
  PSTORE_PMSG: 'y',
  PSTORE_CONSOLE: 'y',
  MMC_PSTORE: 'y',
  ...(is_builtin_variant(variant) ? { MMC_PSTORE_VARIANT: variant } : {}),
  ...s.config,
});
