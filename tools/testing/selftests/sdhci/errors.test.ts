// Error handling of the sdhci driver on the controller model: a data CRC error forced in the
// middle of a transfer (-EILSEQ, CMD and DATA reset, the stop sent, mmcblk retries), and a lost
// interrupt caught by the 10 s software data timer ("Timeout waiting for hardware interrupt.",
// -ETIMEDOUT, the stop, then a good retry).
import { describe, expect, it } from 'vitest';
import type { MmioRegion } from '../../../../include/hw/mmio.h.ts';
import * as R from '../../../../include/hw/sdhci.h.ts';
import { BLOCK } from '../../../../include/linux/blkdev.h.ts';
import { EILSEQ, ETIMEDOUT } from '../../../../include/linux/errno.h.ts';
import { MMC_READ_MULTIPLE_BLOCK, MMC_STOP_TRANSMISSION } from '../../../../include/linux/mmc/mmc.h.ts';
import type { Machine } from '../../../../init/machine.ts';
import { boot_sdhci_machine, sdhci_host_of, trace_commands } from '../../sdhci.ts';

/** A 512 KiB read from sector 1000 in flight for 1 ms; returns the read's result box. */
const start_read = async (m: Machine) => {
  const block = m.resolve(BLOCK);
  const bdev = block.lookup_bdev('mmcblk0')!;
  const box: { ret: number | null; buf: Uint8Array } = { ret: null, buf: new Uint8Array(1024 * 512) };
  m.spawn(0, 'io', async () => {
    box.ret = await block.bdev_read(bdev, 1000, box.buf);
  });
  await m.run(m.now + 1e6);
  const host = sdhci_host_of(m);
  expect(host.data?.blocks).toBe(1024);
  return box;
};

const model = (m: Machine): MmioRegion => sdhci_host_of(m).pdata.controller as unknown as MmioRegion;

describe('sdhci error paths', () => {
  it('a data CRC error: -EILSEQ, reset, stop, mmcblk retries and the read succeeds', async () => {
    const m = await boot_sdhci_machine();
    const issued = trace_commands(sdhci_host_of(m));
    const box = await start_read(m);
    model(m).write(R.SDHCI_SET_INT_ERROR, 2, R.SDHCI_INT_DATA_CRC >>> 16);
    await m.run(m.now + 2e9);
    expect(box.ret).toBe(0);
    expect(m.dmesg()).toContain(`mmcblk0: error -${EILSEQ} transferring data, sector 1000, nr 1024`);
    const ops = issued.map((c) => c.opcode);
    const first = ops.indexOf(MMC_READ_MULTIPLE_BLOCK);
    expect(ops.slice(first, first + 2)).toEqual([MMC_READ_MULTIPLE_BLOCK, MMC_STOP_TRANSMISSION]);
    expect(ops.lastIndexOf(MMC_READ_MULTIPLE_BLOCK)).toBeGreaterThan(first);
    expect(m.reports).toEqual([]);
  });

  it('a lost interrupt: the data timer fires after 10 s, -ETIMEDOUT, and the retry succeeds', async () => {
    const m = await boot_sdhci_machine();
    const t0 = m.now;
    const box = await start_read(m);
    // The line goes quiet: nothing reaches the CPU until the driver writes the enables again.
    model(m).write(R.SDHCI_SIGNAL_ENABLE, 4, 0);
    await m.run(t0 + 9.9e9);
    expect(box.ret).toBeNull();
    expect(m.dmesg()).not.toContain('Timeout waiting');
    await m.run(t0 + 10.1e9);
    expect(m.dmesg()).toContain('mmc0: Timeout waiting for hardware interrupt.');
    expect(m.dmesg()).toContain('mmc0: sdhci: ============ SDHCI REGISTER DUMP ===========');
    // The stop after the failed transfer is in flight; let its interrupt through.
    expect(sdhci_host_of(m).cmd?.opcode).toBe(MMC_STOP_TRANSMISSION);
    model(m).write(R.SDHCI_SIGNAL_ENABLE, 4, model(m).read(R.SDHCI_INT_ENABLE, 4));
    await m.run(m.now + 2e9);
    expect(box.ret).toBe(0);
    expect(m.dmesg()).toContain(`mmcblk0: error -${ETIMEDOUT} transferring data, sector 1000, nr 1024`);
    expect(m.reports).toEqual([]);
  });

  it('a controller that never releases its inhibit bits: ten retries ~1 ms apart, then -EIO with Linux\'s message', async () => {
    const m = await boot_sdhci_machine({ host: { caps: ['MMC_CAP_NONREMOVABLE'], autosuspend_ms: -1 } });
    const host = sdhci_host_of(m);
    const issued = trace_commands(host);
    // Clocks cut behind the driver's back: every register reads all ones, inhibit bits included.
    host.pdata.set_clock_gated(true);
    const block = m.resolve(BLOCK);
    const buf = new Uint8Array(512);
    const t = m.now;
    const ret = await m.exec(0, 'io', () => block.bdev_read(block.lookup_bdev('mmcblk0')!, 0, buf));
    expect(ret).toBeLessThan(0);
    expect(m.dmesg()).toContain('mmc0: Controller never released inhibit bit(s).');
    expect(issued).toEqual([]);
    // At least the ten waits of 1 to 1.25 ms of the first attempt.
    expect(m.now - t).toBeGreaterThanOrEqual(10e6);
    expect(m.reports).toEqual([]);
  });
});
