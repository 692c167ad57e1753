// SPDX-License-Identifier: GPL-2.0
// Bus settings (drivers/mmc/host/sdhci.c): sdhci_calc_clk/sdhci_set_clock/sdhci_enable_clk, the
// power register (sdhci_set_power_noreg), bus width, UHS mode in HOST_CONTROL2, signal voltage
// (sdhci_start_signal_voltage_switch, folded into set_ios: our host ops have no separate op),
// and sdhci_set_ios.
import * as R from '../../../include/hw/sdhci.h.ts';
import { EAGAIN, EINVAL } from '../../../include/linux/errno.h.ts';
import {
  MMC_BUS_WIDTH_4,
  MMC_BUS_WIDTH_8,
  MMC_CAP_8_BIT_DATA,
  MMC_POWER_OFF,
  MMC_POWER_UNDEFINED,
  MMC_SIGNAL_VOLTAGE_120,
  MMC_SIGNAL_VOLTAGE_180,
  MMC_SIGNAL_VOLTAGE_330,
  MMC_TIMING_MMC_DDR52,
  MMC_TIMING_MMC_HS,
  MMC_TIMING_MMC_HS200,
  MMC_TIMING_MMC_HS400,
  MMC_TIMING_SD_HS,
  MMC_VDD_165_195,
  MMC_VDD_32_33,
  MMC_VDD_33_34,
  type mmc_ios,
} from '../../../include/linux/mmc/host.h.ts';
import { MMC_VDD_29_30, MMC_VDD_30_31, SDHCI_MAX_DIV_SPEC_200, SDHCI_MAX_DIV_SPEC_300 } from './sdhci_caps.ts';
import {
  SDHCI_SIGNALING_120,
  SDHCI_SIGNALING_180,
  SDHCI_SIGNALING_330,
  mmc_hostname,
  sdhci_readb,
  sdhci_readw,
  sdhci_writeb,
  sdhci_writew,
  type sdhci_host,
} from './sdhci_host.ts';
import { sdhci_reinit } from './sdhci_reset.ts';

const MMC_VDD_34_35 = 0x00400000;
const MMC_VDD_35_36 = 0x00800000;

/** The CLOCK_CONTROL divider bits for @clock and the clock they give. */
export interface sdhci_clk {
  readonly clk: number;
  readonly actual_clock: number;
}

/**
 * sdhci_calc_clk(): v3 divides the base clock by 2N (N 10-bit, N = 0 is the base clock itself),
 * v2 by a power of two up to 256; the first divider at or below @clock wins.
 */
export const sdhci_calc_clk = (version: number, max_clk: number, clock: number): sdhci_clk => {
  let div: number;
  if (version >= R.SDHCI_SPEC_300) {
    if (max_clk <= clock) div = 1;
    else {
      for (div = 2; div < SDHCI_MAX_DIV_SPEC_300; div += 2) if (max_clk / div <= clock) break;
    }
  } else {
    for (div = 1; div < SDHCI_MAX_DIV_SPEC_200; div *= 2) if (max_clk / div <= clock) break;
  }
  const real_div = div;
  div >>= 1;
  const clk = ((div & R.SDHCI_DIV_MASK) << R.SDHCI_DIVIDER_SHIFT) | (((div & R.SDHCI_DIV_HI_MASK) >> 8) << R.SDHCI_DIVIDER_HI_SHIFT);
  return { clk, actual_clock: Math.floor(max_clk / real_div) };
};

/** sdhci_enable_clk(): internal clock on, wait (10 µs steps, 150 ms) until stable, then the card clock. */
export const sdhci_enable_clk = async (host: sdhci_host, clk: number): Promise<void> => {
  clk |= R.SDHCI_CLOCK_INT_EN;
  await sdhci_writew(host, clk, R.SDHCI_CLOCK_CONTROL);
  for (let t = 0; ; t += 10) {
    clk = await sdhci_readw(host, R.SDHCI_CLOCK_CONTROL);
    if (clk & R.SDHCI_CLOCK_INT_STABLE) break;
    if (t >= 150_000) {
      host.k.printk.pr_err(`${mmc_hostname(host)}: Internal clock never stabilised.\n`);
      return;
    }
    await host.k.delay.udelay(10);
  }
  clk |= R.SDHCI_CLOCK_CARD_EN;
  await sdhci_writew(host, clk, R.SDHCI_CLOCK_CONTROL);
};

/** sdhci_set_clock(): everything off, then on at the new divider (nothing for 0). */
export const sdhci_set_clock = async (host: sdhci_host, clock: number): Promise<void> => {
  await sdhci_writew(host, 0, R.SDHCI_CLOCK_CONTROL);
  if (clock === 0) return;
  const { clk } = sdhci_calc_clk(host.version, host.max_clk, clock);
  await sdhci_enable_clk(host, clk);
};

/** The power register's voltage field for ios->vdd (a bit number of the OCR), 0 when off. */
export const sdhci_power_bits = (power_mode: number, vdd: number): number => {
  if (power_mode === MMC_POWER_OFF) return 0;
  switch ((1 << vdd) >>> 0) {
    case MMC_VDD_165_195:
      return R.SDHCI_POWER_180;
    case MMC_VDD_29_30:
    case MMC_VDD_30_31:
      return R.SDHCI_POWER_300;
    case MMC_VDD_32_33:
    case MMC_VDD_33_34:
    case MMC_VDD_34_35:
    case MMC_VDD_35_36:
      return R.SDHCI_POWER_330;
    default:
      return -1;
  }
};

/** sdhci_set_power_noreg(): 0 first, then voltage | POWER_ON. */
export const sdhci_set_power = async (host: sdhci_host, mode: number, vdd: number): Promise<void> => {
  let pwr = sdhci_power_bits(mode, vdd);
  if (pwr < 0) {
    host.k.bug.WARN_ON(true, `${mmc_hostname(host)}: Invalid vdd ${vdd}`);
    pwr = 0;
  }
  if (host.pwr === pwr) return;
  host.pwr = pwr;
  if (pwr === 0) {
    await sdhci_writeb(host, 0, R.SDHCI_POWER_CONTROL);
    return;
  }
  await sdhci_writeb(host, 0, R.SDHCI_POWER_CONTROL);
  await sdhci_writeb(host, pwr | R.SDHCI_POWER_ON, R.SDHCI_POWER_CONTROL);
};

/** sdhci_set_bus_width() */
export const sdhci_set_bus_width = async (host: sdhci_host, width: number): Promise<void> => {
  let ctrl = await sdhci_readb(host, R.SDHCI_HOST_CONTROL);
  if (width === MMC_BUS_WIDTH_8) {
    ctrl &= ~R.SDHCI_CTRL_4BITBUS;
    ctrl |= R.SDHCI_CTRL_8BITBUS;
  } else {
    if (host.mmc.caps & MMC_CAP_8_BIT_DATA) ctrl &= ~R.SDHCI_CTRL_8BITBUS;
    if (width === MMC_BUS_WIDTH_4) ctrl |= R.SDHCI_CTRL_4BITBUS;
    else ctrl &= ~R.SDHCI_CTRL_4BITBUS;
  }
  await sdhci_writeb(host, ctrl, R.SDHCI_HOST_CONTROL);
};

/** The HOST_CONTROL2 bus speed mode for an MMC timing (HS200 shares SDR104's value). */
export const sdhci_uhs_mode = (timing: number): number => {
  if (timing === MMC_TIMING_MMC_HS200) return R.SDHCI_CTRL_UHS_SDR104;
  if (timing === MMC_TIMING_MMC_DDR52) return R.SDHCI_CTRL_UHS_DDR50;
  if (timing === MMC_TIMING_MMC_HS400) return R.SDHCI_CTRL_HS400;
  return R.SDHCI_CTRL_UHS_SDR12;
};

/** sdhci_set_uhs_signaling() */
export const sdhci_set_uhs_signaling = async (host: sdhci_host, timing: number): Promise<void> => {
  let ctrl_2 = await sdhci_readw(host, R.SDHCI_HOST_CONTROL2);
  ctrl_2 = (ctrl_2 & ~R.SDHCI_CTRL_UHS_MASK) | sdhci_uhs_mode(timing);
  await sdhci_writew(host, ctrl_2, R.SDHCI_HOST_CONTROL2);
};

/** Timings that need SDHCI_CTRL_HISPD. */
const HISPD_TIMINGS = new Set([MMC_TIMING_SD_HS, MMC_TIMING_MMC_HS, MMC_TIMING_MMC_HS400, MMC_TIMING_MMC_HS200, MMC_TIMING_MMC_DDR52]);

/**
 * sdhci_start_signal_voltage_switch(): 1.8 V signal enable in HOST_CONTROL2, checked after the
 * regulator would settle (5 ms for 3.3 V). 0, -EINVAL (not supported) or -EAGAIN.
 */
export const sdhci_signal_voltage_switch = async (host: sdhci_host, ios: mmc_ios): Promise<number> => {
  if (host.version < R.SDHCI_SPEC_300) return 0;
  let ctrl = await sdhci_readw(host, R.SDHCI_HOST_CONTROL2);
  const name = mmc_hostname(host);
  switch (ios.signal_voltage) {
    case MMC_SIGNAL_VOLTAGE_330:
      if (!(host.flags & SDHCI_SIGNALING_330)) return -EINVAL;
      await sdhci_writew(host, ctrl & ~R.SDHCI_CTRL_VDD_180, R.SDHCI_HOST_CONTROL2);
      await host.k.delay.usleep_range(5000, 5500);
      ctrl = await sdhci_readw(host, R.SDHCI_HOST_CONTROL2);
      if (!(ctrl & R.SDHCI_CTRL_VDD_180)) return 0;
      host.k.printk.pr_warn(`${name}: 3.3V regulator output did not become stable\n`);
      return -EAGAIN;
    case MMC_SIGNAL_VOLTAGE_180:
      if (!(host.flags & SDHCI_SIGNALING_180)) return -EINVAL;
      await sdhci_writew(host, ctrl | R.SDHCI_CTRL_VDD_180, R.SDHCI_HOST_CONTROL2);
      ctrl = await sdhci_readw(host, R.SDHCI_HOST_CONTROL2);
      if (ctrl & R.SDHCI_CTRL_VDD_180) return 0;
      host.k.printk.pr_warn(`${name}: 1.8V regulator output did not become stable\n`);
      return -EAGAIN;
    case MMC_SIGNAL_VOLTAGE_120:
      return host.flags & SDHCI_SIGNALING_120 ? 0 : -EINVAL;
    default:
      return 0;
  }
};

/** sdhci_set_ios(). Context: process, may sleep (a 3.3 V signal switch waits 5 ms). */
export const sdhci_set_ios = async (host: sdhci_host, ios: mmc_ios): Promise<void> => {
  const reinit_uhs = host.reinit_uhs;
  host.reinit_uhs = false;
  if (ios.power_mode === MMC_POWER_UNDEFINED) return;
  // Reset the chip on each power off. Should clear out any weird states.
  if (ios.power_mode === MMC_POWER_OFF) {
    await host.ioaddr.writel(0, R.SDHCI_SIGNAL_ENABLE);
    await sdhci_reinit(host);
  }
  if (ios.signal_voltage !== host.signal_voltage || reinit_uhs) {
    const err = await sdhci_signal_voltage_switch(host, ios);
    if (!err) host.signal_voltage = ios.signal_voltage;
  }
  let turning_on_clk = false;
  if (!ios.clock || ios.clock !== host.clock) {
    turning_on_clk = !!ios.clock && !host.clock;
    await sdhci_set_clock(host, ios.clock);
    host.clock = ios.clock;
  }
  await sdhci_set_power(host, ios.power_mode, ios.vdd);
  await sdhci_set_bus_width(host, ios.bus_width);
  // Avoid a second clock change when only the clock was turned on.
  if (!reinit_uhs && turning_on_clk && host.timing === ios.timing && host.version >= R.SDHCI_SPEC_300) return;
  let ctrl = await sdhci_readb(host, R.SDHCI_HOST_CONTROL);
  if (!host.has('NO_HISPD_BIT')) {
    if (HISPD_TIMINGS.has(ios.timing)) ctrl |= R.SDHCI_CTRL_HISPD;
    else ctrl &= ~R.SDHCI_CTRL_HISPD;
  }
  if (host.version >= R.SDHCI_SPEC_300) {
    // Clear SD Clock Enable before changing High Speed Enable to avoid clock glitches.
    const clk = await sdhci_readw(host, R.SDHCI_CLOCK_CONTROL);
    if (clk & R.SDHCI_CLOCK_CARD_EN) await sdhci_writew(host, clk & ~R.SDHCI_CLOCK_CARD_EN, R.SDHCI_CLOCK_CONTROL);
    await sdhci_writeb(host, ctrl, R.SDHCI_HOST_CONTROL);
    await sdhci_set_uhs_signaling(host, ios.timing);
    host.timing = ios.timing;
    // Re-enable SD Clock.
    await sdhci_set_clock(host, host.clock);
  } else await sdhci_writeb(host, ctrl, R.SDHCI_HOST_CONTROL);
};
