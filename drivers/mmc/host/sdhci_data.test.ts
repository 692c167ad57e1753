// Transfer mode bits (DMA, block count, multi, read, Auto-CMD12/23) and the data timeout count.
import { describe, expect, it } from 'vitest';
import * as R from '../../../include/hw/sdhci.h.ts';
import { mmc_command_init, mmc_data_init } from '../../../include/linux/mmc/core.h.ts';
import { sdhci_target_timeout, sdhci_timeout_count, sdhci_transfer_mode_bits } from './sdhci_data.ts';

const base = { opcode: 25, blocks: 8, read: false, dma: true, auto_cmd12: false, auto_cmd23: false };

describe('sdhci_transfer_mode_bits', () => {
  it('multi-block write with DMA and Auto-CMD23', () => {
    expect(sdhci_transfer_mode_bits({ ...base, auto_cmd23: true })).toBe(R.SDHCI_TRNS_BLK_CNT_EN | R.SDHCI_TRNS_MULTI | R.SDHCI_TRNS_AUTO_CMD23 | R.SDHCI_TRNS_DMA);
  });

  it('Auto-CMD12 wins when both are possible; neither on a single block', () => {
    expect(sdhci_transfer_mode_bits({ ...base, auto_cmd12: true, auto_cmd23: true }) & R.SDHCI_TRNS_AUTO_SEL).toBe(R.SDHCI_TRNS_AUTO_CMD12);
    expect(sdhci_transfer_mode_bits({ ...base, opcode: 24, blocks: 1, auto_cmd23: true })).toBe(R.SDHCI_TRNS_BLK_CNT_EN | R.SDHCI_TRNS_DMA);
  });

  it('PIO single-block read; CMD18 of one block is still multi', () => {
    expect(sdhci_transfer_mode_bits({ ...base, opcode: 17, blocks: 1, read: true, dma: false })).toBe(R.SDHCI_TRNS_BLK_CNT_EN | R.SDHCI_TRNS_READ);
    expect(sdhci_transfer_mode_bits({ ...base, opcode: 18, blocks: 1, read: true, dma: false })).toBe(R.SDHCI_TRNS_BLK_CNT_EN | R.SDHCI_TRNS_MULTI | R.SDHCI_TRNS_READ);
  });
});

describe('data timeout', () => {
  it('counts TMCLK * 2^(13+n) up to the target, capped at 0xE', () => {
    // 50 MHz timeout clock: 2^13 / 50 MHz = 163 µs at n = 0.
    expect(sdhci_timeout_count(50_000, 100)).toBe(0);
    expect(sdhci_timeout_count(50_000, 164)).toBe(1);
    expect(sdhci_timeout_count(50_000, 100_000)).toBe(10);
    expect(sdhci_timeout_count(50_000, 2_000_000)).toBe(14);
    expect(sdhci_timeout_count(50_000, 3_000_000)).toBe(0xe);
    expect(sdhci_timeout_count(50_000, 0)).toBe(0xe);
  });

  it('the target: data timeout_ns plus clocks at the bus rate, or the busy timeout', () => {
    const data = mmc_data_init({ buf: new Uint8Array(512), blocks: 1, timeout_ns: 100_000_500, timeout_clks: 100 });
    expect(sdhci_target_timeout(mmc_command_init({}), data, 1e6)).toBe(100_001 + 100);
    expect(sdhci_target_timeout(mmc_command_init({ busy_timeout: 250 }), null, 1e6)).toBe(250_000);
  });
});
