// SPDX-License-Identifier: GPL-2.0
// What sdhci_setup_host() (drivers/mmc/host/sdhci.c) decides from the version and capability
// registers and the board's quirks: DMA mode, Auto-CMD12/23, clocks, voltages, MMC_CAP_* and the
// request limits. Pure: the register reads and the allocation are in sdhci_setup.ts.
import * as R from '../../../include/hw/sdhci.h.ts';
import {
  MMC_CAP2_HS200,
  MMC_CAP2_HS200_1_2V_SDR,
  MMC_CAP2_HS200_1_8V_SDR,
  MMC_CAP_4_BIT_DATA,
  MMC_CAP_8_BIT_DATA,
  MMC_CAP_CMD23,
  MMC_CAP_MMC_HIGHSPEED,
  MMC_CAP_SD_HIGHSPEED,
  MMC_VDD_165_195,
  MMC_VDD_32_33,
  MMC_VDD_33_34,
} from '../../../include/linux/mmc/host.h.ts';
import type { sdhci_quirk } from '../../../include/linux/platform_data/sdhci.h.ts';
import {
  SDHCI_AUTO_CMD12,
  SDHCI_AUTO_CMD23,
  SDHCI_MAX_SEGS,
  SDHCI_SIGNALING_120,
  SDHCI_SIGNALING_180,
  SDHCI_SIGNALING_330,
  SDHCI_USE_64_BIT_DMA,
  SDHCI_USE_ADMA,
  SDHCI_USE_SDMA,
} from './sdhci_host.ts';

export const MMC_VDD_29_30 = 0x00020000;
export const MMC_VDD_30_31 = 0x00040000;

/** Largest divider of a v3 controller (10-bit N, f = base / 2N) and of a v2 one (powers of two). */
export const SDHCI_MAX_DIV_SPEC_300 = 2046;
export const SDHCI_MAX_DIV_SPEC_200 = 256;

const NO_DMA: readonly sdhci_quirk[] = ['BROKEN_DMA', 'FORCE_PIO', 'PIO_ONLY'];

export interface sdhci_caps_in {
  /** Spec version field of SDHCI_HOST_VERSION. */
  readonly version: number;
  readonly caps: number;
  readonly caps1: number;
  readonly quirks: ReadonlySet<sdhci_quirk>;
  /** The platform can map buffers for DMA (dma_set_mask succeeded). */
  readonly have_dma: boolean;
}

export interface sdhci_dma_decision {
  /** SDHCI_USE_* and SDHCI_AUTO_CMD* flags. */
  readonly flags: number;
  /** The capabilities after the quirks (BROKEN_64_BIT_DMA clears the 64-bit bit). */
  readonly caps: number;
  /** Messages Linux prints while deciding. */
  readonly warnings: readonly string[];
}

/**
 * The DMA mode and the automatic commands, as sdhci_setup_host() decides them: SDMA from the
 * capability, ADMA2 on 2.00+ when advertised (preferred), 64-bit ADMA from caps bit 28, SDMA
 * dropped with 64-bit DMA (no v4 mode here), and Auto-CMD23 on 3.00+ when using ADMA or not
 * using SDMA, unless the board says it is broken. SDMA_ONLY is BROKEN_ADMA plus
 * BROKEN_64_BIT_DMA (without v4 mode a 64-bit host would otherwise drop SDMA as well).
 */
export const sdhci_decide_dma = (i: sdhci_caps_in): sdhci_dma_decision => {
  const q = i.quirks;
  const warnings: string[] = [];
  let caps = i.caps;
  if (q.has('BROKEN_64_BIT_DMA') || q.has('SDMA_ONLY')) caps &= ~(R.SDHCI_CAN_64BIT | R.SDHCI_CAN_64BIT_V4);
  let flags = SDHCI_SIGNALING_330;
  const no_dma = NO_DMA.some((n) => q.has(n));
  if (caps & R.SDHCI_CAN_DO_SDMA && !no_dma) flags |= SDHCI_USE_SDMA;
  if (i.version >= R.SDHCI_SPEC_200 && caps & R.SDHCI_CAN_DO_ADMA2) flags |= SDHCI_USE_ADMA;
  if (q.has('BROKEN_ADMA') || q.has('SDMA_ONLY') || no_dma) flags &= ~SDHCI_USE_ADMA;
  if (caps & R.SDHCI_CAN_64BIT) flags |= SDHCI_USE_64_BIT_DMA;
  if (flags & (SDHCI_USE_SDMA | SDHCI_USE_ADMA) && !i.have_dma) {
    warnings.push('No suitable DMA available - falling back to PIO');
    flags &= ~(SDHCI_USE_SDMA | SDHCI_USE_ADMA);
  }
  // SDMA does not support 64-bit DMA if v4 mode is not set.
  if (flags & SDHCI_USE_64_BIT_DMA) flags &= ~SDHCI_USE_SDMA;
  // Auto-CMD23 stuff only works in ADMA or PIO.
  if (i.version >= R.SDHCI_SPEC_300 && (flags & SDHCI_USE_ADMA || !(flags & SDHCI_USE_SDMA)) && !q.has('NO_AUTO_CMD23')) flags |= SDHCI_AUTO_CMD23;
  if (q.has('MULTIBLOCK_READ_ACMD12')) flags |= SDHCI_AUTO_CMD12;
  return { flags, caps, warnings };
};

/** What the host advertises to the MMC core. */
export interface sdhci_mmc_setup {
  readonly max_clk: number;
  /** kHz. */
  readonly timeout_clk: number;
  readonly f_min: number;
  readonly f_max: number;
  readonly max_busy_timeout: number;
  readonly caps: number;
  readonly caps2: number;
  /** caps1 after the quirks (no UHS modes without 1.8 V signalling). */
  readonly caps1: number;
  readonly ocr_avail: number;
  readonly max_req_size: number;
  readonly max_segs: number;
  readonly max_seg_size: number;
  readonly max_blk_size: number;
  readonly max_blk_count: number;
  /** SDHCI_SIGNALING_* to add to host->flags. */
  readonly signaling: number;
  readonly warnings: readonly string[];
  /** A message and -ENODEV-worthy failure, or null. */
  readonly error: string | null;
}

/**
 * The rest of sdhci_setup_host(): base clock (v3 8-bit field in MHz), f_min from the largest
 * divider, timeout clock and max_busy_timeout, MMC_CAP_CMD23, bus widths (8-bit from the
 * capability, our stand-in for the device tree's bus-width), high speed, HS200 from SDR104,
 * OCR from the voltage capabilities (none: the probe fails), limits per DMA mode.
 */
export const sdhci_decide_mmc = (i: sdhci_caps_in, flags: number): sdhci_mmc_setup => {
  const q = i.quirks;
  const warnings: string[] = [];
  let error: string | null = null;
  const v3 = i.version >= R.SDHCI_SPEC_300;
  const base_mask = v3 ? R.SDHCI_CLOCK_V3_BASE_MASK : R.SDHCI_CLOCK_BASE_MASK;
  const max_clk = ((i.caps & base_mask) >>> R.SDHCI_CLOCK_BASE_SHIFT) * 1_000_000;
  if (!max_clk) error = 'Hardware doesn\'t specify base clock frequency.';
  const f_min = Math.floor(max_clk / (v3 ? SDHCI_MAX_DIV_SPEC_300 : SDHCI_MAX_DIV_SPEC_200));
  let timeout_clk = i.caps & R.SDHCI_TIMEOUT_CLK_MASK;
  if (i.caps & R.SDHCI_TIMEOUT_CLK_UNIT) timeout_clk *= 1000;
  if (!timeout_clk && !error) error = 'Hardware doesn\'t specify timeout clock frequency.';
  const max_busy_timeout = timeout_clk ? Math.floor((1 << 27) / timeout_clk) : 0;

  let caps = MMC_CAP_CMD23;
  let caps2 = 0;
  if (!q.has('FORCE_1_BIT_DATA')) {
    caps |= MMC_CAP_4_BIT_DATA;
    if (i.caps & R.SDHCI_CAN_DO_8BIT) caps |= MMC_CAP_8_BIT_DATA;
  }
  if (i.caps & R.SDHCI_CAN_DO_HISPD) caps |= MMC_CAP_SD_HIGHSPEED | MMC_CAP_MMC_HIGHSPEED;
  let caps1 = v3 ? i.caps1 : 0;
  if (q.has('NO_1_8_V')) caps1 &= ~(R.SDHCI_SUPPORT_SDR104 | R.SDHCI_SUPPORT_SDR50 | R.SDHCI_SUPPORT_DDR50);
  // SD3.0: SDR104 is supported, so (for eMMC) the caps2 field can be promoted to support HS200.
  if (caps1 & R.SDHCI_SUPPORT_SDR104) caps2 |= MMC_CAP2_HS200;
  let signaling = 0;
  if (caps2 & MMC_CAP2_HS200_1_8V_SDR) signaling |= SDHCI_SIGNALING_180;
  if (caps2 & MMC_CAP2_HS200_1_2V_SDR) signaling |= SDHCI_SIGNALING_120;

  let ocr_avail = 0;
  if (i.caps & R.SDHCI_CAN_VDD_330) ocr_avail |= MMC_VDD_32_33 | MMC_VDD_33_34;
  if (i.caps & R.SDHCI_CAN_VDD_300) ocr_avail |= MMC_VDD_29_30 | MMC_VDD_30_31;
  if (i.caps & R.SDHCI_CAN_VDD_180) ocr_avail |= MMC_VDD_165_195;
  if (!ocr_avail && !error) error = 'Hardware doesn\'t report any support voltages.';

  const max_req_size = 524288;
  let max_segs = SDHCI_MAX_SEGS;
  let max_seg_size = max_req_size;
  if (flags & SDHCI_USE_ADMA) max_seg_size = 65536;
  else if (flags & SDHCI_USE_SDMA) max_segs = 1;

  let blk = (i.caps & R.SDHCI_MAX_BLOCK_MASK) >>> R.SDHCI_MAX_BLOCK_SHIFT;
  if (blk >= 3) {
    warnings.push('Invalid maximum block size, assuming 512 bytes');
    blk = 0;
  }
  return {
    max_clk,
    timeout_clk,
    f_min,
    f_max: max_clk,
    max_busy_timeout,
    caps: caps | 0,
    caps2: caps2 | 0,
    caps1,
    ocr_avail: ocr_avail >>> 0,
    max_req_size,
    max_segs,
    max_seg_size,
    max_blk_size: 512 << blk,
    max_blk_count: 65535,
    signaling,
    warnings,
    error,
  };
};

/** The mode sdhci_add_host() announces: "ADMA 64-bit", "ADMA", "DMA" or "PIO". */
export const sdhci_mode_name = (flags: number): string =>
  flags & SDHCI_USE_ADMA ? (flags & SDHCI_USE_64_BIT_DMA ? 'ADMA 64-bit' : 'ADMA') : flags & SDHCI_USE_SDMA ? 'DMA' : 'PIO';
