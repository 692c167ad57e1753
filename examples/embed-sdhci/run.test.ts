// The embedding example does what its header says: the guest finds the card, reads the
// pre-loaded block by SDMA, its write reaches the media, and a saved-and-restored controller and
// card go on serving it.
import { describe, expect, it } from 'vitest';
import { run_example } from './run.ts';

describe('examples/embed-sdhci', () => {
  it('reads and writes blocks by raw MMIO, interrupts and DMA in the foreign emulator, across a savestate', () => {
    const r = run_example();
    expect(r.product).toBe('TINYEM');
    expect(r.block0).toBe('hello from block 0 of the eMMC');
    expect(r.block1).toMatch(/^written by the guest at \d+ ns$/);
    expect(r.block0_after_restore).toBe(r.block0);
    // Command Complete for CMD0, CMD1 (once or more), CMD2, CMD3 and CMD7; Command and Transfer Complete for CMD17 and CMD24.
    expect(r.interrupts).toBeGreaterThanOrEqual(9);
    // 400 kHz bring-up with a 1 ms pause between CMD1 polls: milliseconds, not seconds.
    expect(r.elapsed_ns).toBeGreaterThan(1e6);
    expect(r.elapsed_ns).toBeLessThan(50e6);
  });
});
