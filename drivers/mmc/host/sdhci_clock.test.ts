// The clock divider (v3 10-bit 2N, v2 powers of two), the power register and the UHS mode.
import { describe, expect, it } from 'vitest';
import * as R from '../../../include/hw/sdhci.h.ts';
import * as H from '../../../include/linux/mmc/host.h.ts';
import { sdhci_calc_clk, sdhci_power_bits, sdhci_uhs_mode } from './sdhci_clock.ts';

const div_of = (clk: number): number => ((clk >> R.SDHCI_DIVIDER_SHIFT) & 0xff) | (((clk >> R.SDHCI_DIVIDER_HI_SHIFT) & 0x3) << 8);

describe('sdhci_calc_clk', () => {
  it('v3: N = 0 at or above the base clock, else the first even divider that gets under the target', () => {
    expect(sdhci_calc_clk(R.SDHCI_SPEC_300, 200e6, 200e6)).toEqual({ clk: 0, actual_clock: 200e6 });
    expect(sdhci_calc_clk(R.SDHCI_SPEC_300, 200e6, 250e6)).toEqual({ clk: 0, actual_clock: 200e6 });
    const hs = sdhci_calc_clk(R.SDHCI_SPEC_300, 200e6, 52e6);
    expect([div_of(hs.clk), hs.actual_clock]).toEqual([2, 50e6]);
    const legacy = sdhci_calc_clk(R.SDHCI_SPEC_300, 200e6, 26e6);
    expect([div_of(legacy.clk), legacy.actual_clock]).toEqual([4, 25e6]);
  });

  it('v3: 400 kHz from 200 MHz needs N = 250, which uses the upper divider bits', () => {
    const c = sdhci_calc_clk(R.SDHCI_SPEC_300, 200e6, 400e3);
    expect(div_of(c.clk)).toBe(250);
    expect(c.actual_clock).toBe(400e3);
    expect(c.clk).toBe((250 & 0xff) << 8);
    const slow = sdhci_calc_clk(R.SDHCI_SPEC_300, 200e6, 100e3);
    expect(div_of(slow.clk)).toBe(1000);
    expect(slow.clk).toBe(((1000 & 0xff) << 8) | ((1000 >> 8) << 6));
    expect(slow.actual_clock).toBe(100e3);
  });

  it('v3: the largest divider (2046) when nothing smaller reaches the target', () => {
    const c = sdhci_calc_clk(R.SDHCI_SPEC_300, 200e6, 10e3);
    expect(div_of(c.clk)).toBe(1023);
    expect(c.actual_clock).toBe(Math.floor(200e6 / 2046));
  });

  it('v2: powers of two up to 256', () => {
    const c = sdhci_calc_clk(R.SDHCI_SPEC_200, 50e6, 400e3);
    expect([div_of(c.clk), c.actual_clock]).toEqual([64, 390625]);
    expect(sdhci_calc_clk(R.SDHCI_SPEC_200, 50e6, 50e6)).toEqual({ clk: 0, actual_clock: 50e6 });
    expect(div_of(sdhci_calc_clk(R.SDHCI_SPEC_200, 50e6, 1).clk)).toBe(128);
  });
});

describe('power and mode', () => {
  it('power register voltage from ios.vdd (an OCR bit number)', () => {
    const bit = (m: number) => 31 - Math.clz32(m);
    expect(sdhci_power_bits(H.MMC_POWER_ON, bit(H.MMC_VDD_33_34))).toBe(R.SDHCI_POWER_330);
    expect(sdhci_power_bits(H.MMC_POWER_UP, bit(H.MMC_VDD_32_33))).toBe(R.SDHCI_POWER_330);
    expect(sdhci_power_bits(H.MMC_POWER_ON, bit(H.MMC_VDD_165_195))).toBe(R.SDHCI_POWER_180);
    expect(sdhci_power_bits(H.MMC_POWER_ON, 17)).toBe(R.SDHCI_POWER_300);
    expect(sdhci_power_bits(H.MMC_POWER_OFF, bit(H.MMC_VDD_33_34))).toBe(0);
    expect(sdhci_power_bits(H.MMC_POWER_ON, 3)).toBe(-1);
  });

  it('HOST_CONTROL2 mode: HS200 is SDR104, DDR52 is DDR50, HS400 the non-standard 5', () => {
    expect(sdhci_uhs_mode(H.MMC_TIMING_MMC_HS200)).toBe(R.SDHCI_CTRL_UHS_SDR104);
    expect(sdhci_uhs_mode(H.MMC_TIMING_MMC_DDR52)).toBe(R.SDHCI_CTRL_UHS_DDR50);
    expect(sdhci_uhs_mode(H.MMC_TIMING_MMC_HS400)).toBe(R.SDHCI_CTRL_HS400);
    expect(sdhci_uhs_mode(H.MMC_TIMING_MMC_HS)).toBe(R.SDHCI_CTRL_UHS_SDR12);
    expect(sdhci_uhs_mode(H.MMC_TIMING_LEGACY)).toBe(R.SDHCI_CTRL_UHS_SDR12);
  });
});
