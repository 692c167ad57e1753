// Runtime PM of the SDHCI controller: idle for the autosuspend delay, the host masks its
// interrupts, marks itself suspended and the platform gates its clocks; the next request resumes
// it (reset, bus re-programmed) and I/O goes on; autosuspend -1 keeps it active.
import { describe, expect, it } from 'vitest';
import { BLOCK } from '../../../../include/linux/blkdev.h.ts';
import { PM_RUNTIME } from '../../../../include/linux/pm_runtime.h.ts';
import { boot_sdhci_machine, sdhci_host_of } from '../../sdhci.ts';

describe('sdhci runtime PM', () => {
  it('autosuspends after 50 ms idle with clocks gated, and resumes for the next request', async () => {
    const m = await boot_sdhci_machine();
    const host = sdhci_host_of(m);
    const rpm = m.resolve(PM_RUNTIME);
    await m.run(m.now + 200e6);
    expect(rpm.pm_runtime_suspended(host.pdev.dev)).toBe(true);
    expect([host.runtime_suspended, host.clock_gated, host.ier]).toEqual([true, true, 0]);
    const block = m.resolve(BLOCK);
    const bdev = block.lookup_bdev('mmcblk0p3')!;
    const data = Uint8Array.from({ length: 4096 }, (_, i) => i * 7);
    const back = new Uint8Array(data.length);
    expect(await m.exec(0, 'io', async () => [await block.bdev_write(bdev, 8, data), await block.bdev_read(bdev, 8, back)])).toEqual([0, 0]);
    expect(Buffer.from(back).equals(Buffer.from(data))).toBe(true);
    expect(host.runtime_suspended).toBe(false);
    await m.run(m.now + 200e6);
    expect(rpm.pm_runtime_suspended(host.pdev.dev)).toBe(true);
    expect(m.reports).toEqual([]);
    expect(m.dmesg()).not.toMatch(/Timeout waiting|never released|never completed|never stabilised|Unexpected interrupt/);
  });

  it('stays active with autosuspend_ms -1', async () => {
    const m = await boot_sdhci_machine({ host: { caps: ['MMC_CAP_NONREMOVABLE'], autosuspend_ms: -1 } });
    await m.run(m.now + 200e6);
    const host = sdhci_host_of(m);
    expect(m.resolve(PM_RUNTIME).pm_runtime_suspended(host.pdev.dev)).toBe(false);
    expect(host.runtime_suspended).toBe(false);
  });
});
