// What sdhci_setup_host() decides from version, capabilities and quirks: DMA mode, the
// automatic commands (Linux's Auto-CMD23 rule), clocks, voltages, caps and limits.
import { describe, expect, it } from 'vitest';
import * as R from '../../../include/hw/sdhci.h.ts';
import * as H from '../../../include/linux/mmc/host.h.ts';
import type { sdhci_quirk } from '../../../include/linux/platform_data/sdhci.h.ts';
import { MMC_VDD_29_30, MMC_VDD_30_31, sdhci_decide_dma, sdhci_decide_mmc, sdhci_mode_name } from './sdhci_caps.ts';
import { SDHCI_AUTO_CMD12, SDHCI_AUTO_CMD23, SDHCI_SIGNALING_120, SDHCI_SIGNALING_180, SDHCI_USE_64_BIT_DMA, SDHCI_USE_ADMA, SDHCI_USE_SDMA } from './sdhci_host.ts';

/** A 3.00 controller: 200 MHz base, 50 MHz timeout clock, 512-byte blocks, 8-bit, HS, SDMA, ADMA2, 3.3 + 1.8 V. */
const CAPS = (200 << 8) | 50 | R.SDHCI_TIMEOUT_CLK_UNIT | R.SDHCI_CAN_DO_8BIT | R.SDHCI_CAN_DO_ADMA2 | R.SDHCI_CAN_DO_HISPD | R.SDHCI_CAN_DO_SDMA | R.SDHCI_CAN_VDD_330 | R.SDHCI_CAN_VDD_180;
const in_ = (o: { version?: number; caps?: number; caps1?: number; quirks?: sdhci_quirk[]; have_dma?: boolean } = {}) => ({
  version: o.version ?? R.SDHCI_SPEC_300,
  caps: o.caps ?? CAPS,
  caps1: o.caps1 ?? R.SDHCI_SUPPORT_SDR104,
  quirks: new Set(o.quirks ?? []),
  have_dma: o.have_dma ?? true,
});
const mode = (flags: number) => [sdhci_mode_name(flags), !!(flags & SDHCI_AUTO_CMD23)];

describe('sdhci_decide_dma', () => {
  it('prefers ADMA2 and keeps SDMA beside it; Auto-CMD23 on a 3.00 ADMA host', () => {
    const d = sdhci_decide_dma(in_());
    expect(d.flags & (SDHCI_USE_ADMA | SDHCI_USE_SDMA)).toBe(SDHCI_USE_ADMA | SDHCI_USE_SDMA);
    expect(mode(d.flags)).toEqual(['ADMA', true]);
    expect(d.warnings).toEqual([]);
  });

  it('64-bit capable: ADMA 64-bit, SDMA dropped (no v4 mode)', () => {
    const d = sdhci_decide_dma(in_({ caps: CAPS | R.SDHCI_CAN_64BIT }));
    expect(d.flags & SDHCI_USE_SDMA).toBe(0);
    expect(d.flags & SDHCI_USE_64_BIT_DMA).toBe(SDHCI_USE_64_BIT_DMA);
    expect(mode(d.flags)).toEqual(['ADMA 64-bit', true]);
    // BROKEN_64_BIT_DMA clears the capability: 32-bit ADMA, SDMA kept.
    const b = sdhci_decide_dma(in_({ caps: CAPS | R.SDHCI_CAN_64BIT, quirks: ['BROKEN_64_BIT_DMA'] }));
    expect(mode(b.flags)).toEqual(['ADMA', true]);
    expect(b.caps & R.SDHCI_CAN_64BIT).toBe(0);
  });

  it('SDMA hosts send CMD23 by hand (Auto-CMD23 only with ADMA or PIO)', () => {
    expect(mode(sdhci_decide_dma(in_({ quirks: ['BROKEN_ADMA'] })).flags)).toEqual(['DMA', false]);
    expect(mode(sdhci_decide_dma(in_({ quirks: ['SDMA_ONLY'] })).flags)).toEqual(['DMA', false]);
    expect(mode(sdhci_decide_dma(in_({ caps: CAPS | R.SDHCI_CAN_64BIT, quirks: ['SDMA_ONLY'] })).flags)).toEqual(['DMA', false]);
    expect(mode(sdhci_decide_dma(in_({ caps: CAPS & ~R.SDHCI_CAN_DO_ADMA2 })).flags)).toEqual(['DMA', false]);
  });

  it('a 64-bit host with broken ADMA ends up in PIO, as Linux does', () => {
    expect(mode(sdhci_decide_dma(in_({ caps: CAPS | R.SDHCI_CAN_64BIT, quirks: ['BROKEN_ADMA'] })).flags)).toEqual(['PIO', true]);
  });

  it('PIO hosts have Auto-CMD23 on 3.00, not on 2.00', () => {
    for (const q of ['PIO_ONLY', 'FORCE_PIO', 'BROKEN_DMA'] as const) expect(mode(sdhci_decide_dma(in_({ quirks: [q] })).flags)).toEqual(['PIO', true]);
    expect(mode(sdhci_decide_dma(in_({ version: R.SDHCI_SPEC_200, quirks: ['PIO_ONLY'] })).flags)).toEqual(['PIO', false]);
    expect(mode(sdhci_decide_dma(in_({ caps: CAPS & ~(R.SDHCI_CAN_DO_ADMA2 | R.SDHCI_CAN_DO_SDMA) })).flags)).toEqual(['PIO', true]);
  });

  it('NO_AUTO_CMD23 turns it off; MULTIBLOCK_READ_ACMD12 turns Auto-CMD12 on', () => {
    expect(mode(sdhci_decide_dma(in_({ quirks: ['NO_AUTO_CMD23'] })).flags)).toEqual(['ADMA', false]);
    expect(sdhci_decide_dma(in_()).flags & SDHCI_AUTO_CMD12).toBe(0);
    expect(sdhci_decide_dma(in_({ quirks: ['MULTIBLOCK_READ_ACMD12'] })).flags & SDHCI_AUTO_CMD12).toBe(SDHCI_AUTO_CMD12);
  });

  it('ADMA needs spec 2.00; without a DMA API it falls back to PIO with Linux\'s message', () => {
    expect(mode(sdhci_decide_dma(in_({ version: R.SDHCI_SPEC_100 })).flags)).toEqual(['DMA', false]);
    const d = sdhci_decide_dma(in_({ have_dma: false }));
    expect(mode(d.flags)).toEqual(['PIO', true]);
    expect(d.warnings).toEqual(['No suitable DMA available - falling back to PIO']);
  });
});

describe('sdhci_decide_mmc', () => {
  it('clocks, busy timeout, caps, voltages and limits of an ADMA host', () => {
    const m = sdhci_decide_mmc(in_(), SDHCI_USE_ADMA);
    expect(m.error).toBeNull();
    expect([m.max_clk, m.f_max, m.f_min, m.timeout_clk, m.max_busy_timeout]).toEqual([200e6, 200e6, Math.floor(200e6 / 2046), 50_000, Math.floor(2 ** 27 / 50_000)]);
    expect(m.caps).toBe(H.MMC_CAP_CMD23 | H.MMC_CAP_4_BIT_DATA | H.MMC_CAP_8_BIT_DATA | H.MMC_CAP_SD_HIGHSPEED | H.MMC_CAP_MMC_HIGHSPEED);
    expect(m.caps2).toBe(H.MMC_CAP2_HS200);
    expect(m.signaling).toBe(SDHCI_SIGNALING_180 | SDHCI_SIGNALING_120);
    expect(m.ocr_avail).toBe(H.MMC_VDD_32_33 | H.MMC_VDD_33_34 | H.MMC_VDD_165_195);
    expect([m.max_req_size, m.max_segs, m.max_seg_size, m.max_blk_size, m.max_blk_count]).toEqual([524288, 128, 65536, 512, 65535]);
  });

  it('limits per mode: SDMA one segment, PIO 128 of up to the request size', () => {
    const s = sdhci_decide_mmc(in_(), SDHCI_USE_SDMA);
    expect([s.max_segs, s.max_seg_size]).toEqual([1, 524288]);
    const p = sdhci_decide_mmc(in_(), 0);
    expect([p.max_segs, p.max_seg_size]).toEqual([128, 524288]);
  });

  it('v2 base clock field and divider, 3.0 V, timeout clock in kHz, bigger blocks', () => {
    const caps = (0xff << 8) | 33 | R.SDHCI_CAN_VDD_300 | (1 << R.SDHCI_MAX_BLOCK_SHIFT);
    const m = sdhci_decide_mmc(in_({ version: R.SDHCI_SPEC_200, caps }), 0);
    expect([m.max_clk, m.f_min, m.timeout_clk, m.max_blk_size]).toEqual([63e6, Math.floor(63e6 / 256), 33, 1024]);
    expect(m.ocr_avail).toBe(MMC_VDD_29_30 | MMC_VDD_30_31);
    expect(m.caps2).toBe(0);
    expect(m.caps & H.MMC_CAP_8_BIT_DATA).toBe(0);
  });

  it('quirks: 1-bit only, no 1.8 V (no HS200)', () => {
    const m = sdhci_decide_mmc(in_({ quirks: ['FORCE_1_BIT_DATA', 'NO_1_8_V'] }), SDHCI_USE_ADMA);
    expect(m.caps & (H.MMC_CAP_4_BIT_DATA | H.MMC_CAP_8_BIT_DATA)).toBe(0);
    expect(m.caps2 & H.MMC_CAP2_HS200).toBe(0);
  });

  it('refuses a controller without voltages, base clock or timeout clock', () => {
    expect(sdhci_decide_mmc(in_({ caps: CAPS & ~(R.SDHCI_CAN_VDD_330 | R.SDHCI_CAN_VDD_180) }), 0).error).toBe("Hardware doesn't report any support voltages.");
    expect(sdhci_decide_mmc(in_({ caps: CAPS & ~R.SDHCI_CLOCK_V3_BASE_MASK }), 0).error).toBe("Hardware doesn't specify base clock frequency.");
    expect(sdhci_decide_mmc(in_({ caps: CAPS & ~R.SDHCI_TIMEOUT_CLK_MASK }), 0).error).toBe("Hardware doesn't specify timeout clock frequency.");
    expect(sdhci_decide_mmc(in_({ caps: CAPS | (3 << R.SDHCI_MAX_BLOCK_SHIFT) }), 0).warnings).toEqual(['Invalid maximum block size, assuming 512 bytes']);
  });
});
