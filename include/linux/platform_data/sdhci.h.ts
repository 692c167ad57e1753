// SPDX-License-Identifier: GPL-2.0
// Board data of a standard SD Host Controller slot (ours, in the style of include/linux/platform_data
// and of the sdhci-pltfm device tree properties): the register window, the controller's clock gate
// for runtime PM, and what the board says about the host beyond the capability registers (quirks,
// MMC_CAP_* adjustments, autosuspend).
import type { iomem } from '../io.h.ts';
import type { mmc_caps_change } from '../mmc/host.h.ts';

/**
 * Quirks a board can declare, named after Linux's SDHCI_QUIRK_* / SDHCI_QUIRK2_* (drivers/mmc/host/
 * sdhci.h) where one exists:
 * - BROKEN_ADMA: do not use ADMA even if the capabilities advertise it (SDMA or PIO instead).
 * - BROKEN_DMA / FORCE_PIO / PIO_ONLY: no DMA at all; every transfer by PIO through SDHCI_BUFFER.
 * - SDMA_ONLY: use SDMA even where ADMA2 is advertised.
 * - BROKEN_64_BIT_DMA: ignore the 64-bit capability (32-bit ADMA2 descriptors).
 * - NO_AUTO_CMD23 (SDHCI_QUIRK2_ACMD23_BROKEN): send CMD23 as a separate command.
 * - NO_AUTO_CMD12: send CMD12 as a separate command after open-ended transfers (Linux's default).
 * - MULTIBLOCK_READ_ACMD12: use Auto-CMD12 for multi-block transfers without CMD23.
 * - BROKEN_TIMEOUT_VAL: program the maximum data timeout (0xE) instead of computing it.
 * - NO_HISPD_BIT: never set SDHCI_CTRL_HISPD.
 * - NO_BUSY_IRQ (SDHCI_QUIRK2_NO_BUSY_IRQ-like): do not wait for TRANSFER COMPLETE after R1b;
 *   poll DAT0 instead.
 * - FORCE_1_BIT_DATA: 1-bit bus only.
 * - NO_1_8_V: no 1.8 V signalling (no HS200/HS400/DDR at 1.8 V).
 */
export type sdhci_quirk =
  | 'BROKEN_ADMA'
  | 'BROKEN_DMA'
  | 'FORCE_PIO'
  | 'PIO_ONLY'
  | 'SDMA_ONLY'
  | 'BROKEN_64_BIT_DMA'
  | 'NO_AUTO_CMD23'
  | 'NO_AUTO_CMD12'
  | 'MULTIBLOCK_READ_ACMD12'
  | 'BROKEN_TIMEOUT_VAL'
  | 'NO_HISPD_BIT'
  | 'NO_BUSY_IRQ'
  | 'FORCE_1_BIT_DATA'
  | 'NO_1_8_V';

/** Every quirk name, for board schemas and for drivers that check spelling. */
export const SDHCI_QUIRKS: readonly sdhci_quirk[] = [
  'BROKEN_ADMA',
  'BROKEN_DMA',
  'FORCE_PIO',
  'PIO_ONLY',
  'SDMA_ONLY',
  'BROKEN_64_BIT_DMA',
  'NO_AUTO_CMD23',
  'NO_AUTO_CMD12',
  'MULTIBLOCK_READ_ACMD12',
  'BROKEN_TIMEOUT_VAL',
  'NO_HISPD_BIT',
  'NO_BUSY_IRQ',
  'FORCE_1_BIT_DATA',
  'NO_1_8_V',
];

/** The controller's clock gate, as the platform (runtime PM) drives it. */
export interface sdhci_clock_gate {
  /**
   * Gate (true) or ungate (false) the controller's clocks. While gated the controller makes no
   * progress, raises no interrupt, drops register writes and reads back what the board chose
   * (all ones by default). Register state is kept.
   */
  setClockGated(gated: boolean): void;
}

/** The board's capability changes (mmc_caps_change) go on top of what the capability registers imply. */
export interface sdhci_platform_data extends mmc_caps_change {
  /** The controller's 256-byte register window (SDHCI_* offsets in include/hw/sdhci.h.ts). */
  readonly regs: iomem;
  /** The controller itself, for its clock gate (its other methods belong to the board). */
  readonly controller: sdhci_clock_gate;
  /**
   * Gate the controller's clocks: the driver calls this from its runtime_suspend (true) and
   * runtime_resume (false) callbacks, like clk_disable_unprepare()/clk_prepare_enable().
   * Context: any (does not sleep).
   */
  set_clock_gated(gated: boolean): void;
  /** Board quirks (see sdhci_quirk); unknown names were rejected by the board schema. */
  readonly quirks: readonly sdhci_quirk[];
  /** Runtime-PM autosuspend delay of the controller, ms (default 50; -1 keeps it active). */
  readonly autosuspend_ms?: number;
}
