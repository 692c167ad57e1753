// Block I/O through mmcblk on the SDHCI controller model with the sdhci driver, in every data
// mode (PIO, SDMA, ADMA2 32- and 64-bit), with Auto-CMD23 and with CMD23 sent by hand: single and
// multi-block round trips whose bytes land at the right place of the card's store.
import { describe, expect, it } from 'vitest';
import { MMC_SET_BLOCK_COUNT, MMC_READ_MULTIPLE_BLOCK, MMC_WRITE_MULTIPLE_BLOCK } from '../../../../include/linux/mmc/mmc.h.ts';
import { BLOCK } from '../../../../include/linux/blkdev.h.ts';
import * as R from '../../../../include/hw/sdhci.h.ts';
import { SDHCI_AUTO_CMD23 } from '../../../../drivers/mmc/host/sdhci_host.ts';
import type { Machine } from '../../../../init/machine.ts';
import { SDHCI_MODES, boot_sdhci_machine, sdhci_host_of, trace_commands } from '../../sdhci.ts';
import { pattern } from '../../pattern.ts';

/** Byte equality without vitest's element-wise diff (slow on 512 KiB arrays). */
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));


const rw = async (m: Machine, name: string, sector: number, data: Uint8Array): Promise<Uint8Array> => {
  const block = m.resolve(BLOCK);
  const bdev = block.lookup_bdev(name)!;
  const back = new Uint8Array(data.length);
  const [w, r] = (await m.exec(0, 'io', async () => [await block.bdev_write(bdev, sector, data), await block.bdev_read(bdev, sector, back)]))!;
  expect([w, r]).toEqual([0, 0]);
  return back;
};

const ANNOUNCE: Record<string, string> = { 'ADMA2-64': 'ADMA 64-bit', 'ADMA2-32': 'ADMA', SDMA: 'DMA', PIO: 'PIO' };
const CASES = [
  ['mmcblk0', 12345, 1],
  ['mmcblk0', 40000, 300],
  ['mmcblk0p2', 100, 1024],
  ['mmcblk0', 70001, 3],
] as const;

describe('mmcblk I/O on the sdhci driver', () => {
  for (const [mode, board] of Object.entries(SDHCI_MODES)) {
    for (const manual of [false, true]) {
      // SDMA hosts never have Auto-CMD23 (Linux keeps it to ADMA and PIO).
      if (mode === 'SDMA' && !manual) continue;
      const label = `${mode}, ${manual ? 'CMD23 by hand' : 'Auto-CMD23'}`;
      it(`round-trips in ${label}`, async () => {
        const m = await boot_sdhci_machine({ ...board, host: { ...board.host, quirks: [...(board.host.quirks ?? []), ...(manual && mode !== 'SDMA' ? (['NO_AUTO_CMD23'] as const) : [])] } });
        expect(m.dmesg()).toContain(`mmc0: SDHCI controller on sdhci.0 [sdhci.0] using ${ANNOUNCE[mode]}`);
        expect(m.dmesg()).toContain('mmc0: new HS200 MMC card at address 0001');
        const host = sdhci_host_of(m);
        expect(!!(host.flags & SDHCI_AUTO_CMD23)).toBe(!manual);
        const issued = trace_commands(host);
        const store = m.storage.get('sdhci.0')!.user;
        const p2 = m.resolve(BLOCK).lookup_bdev('mmcblk0p2')!;
        for (const [name, sector, blocks] of CASES) {
          const data = pattern(blocks * 512, sector);
          expect(same(await rw(m, name, sector, data), data), `${name}@${sector}`).toBe(true);
          const abs = name === 'mmcblk0p2' ? p2.start_sect + sector : sector;
          const on_card = new Uint8Array(data.length);
          store.read(abs * 512, on_card);
          expect(same(on_card, data), `${name}@${sector} on the card`).toBe(true);
        }
        // Multi-block transfers carry their block count: as Auto-CMD23 (ARGUMENT2) or as a CMD23 of their own.
        const multi = issued.filter((c) => c.opcode === MMC_WRITE_MULTIPLE_BLOCK || c.opcode === MMC_READ_MULTIPLE_BLOCK);
        expect(multi.length).toBeGreaterThanOrEqual(6);
        const dma = mode === 'PIO' ? 0 : R.SDHCI_TRNS_DMA;
        for (const c of multi) {
          expect(c.mode & (R.SDHCI_TRNS_DMA | R.SDHCI_TRNS_MULTI | R.SDHCI_TRNS_BLK_CNT_EN)).toBe(dma | R.SDHCI_TRNS_MULTI | R.SDHCI_TRNS_BLK_CNT_EN);
          expect(c.mode & R.SDHCI_TRNS_AUTO_SEL).toBe(manual ? 0 : R.SDHCI_TRNS_AUTO_CMD23);
          if (!manual) expect(c.arg2).not.toBeNull();
          const before = issued[issued.indexOf(c) - 1]!;
          if (manual) expect(before.opcode).toBe(MMC_SET_BLOCK_COUNT);
        }
        if (!manual) expect(issued.some((c) => c.opcode === MMC_SET_BLOCK_COUNT)).toBe(false);
        expect(m.reports).toEqual([]);
        expect(m.dmesg()).not.toMatch(/Timeout waiting|never released|Unexpected interrupt|even though no/);
      }, 30_000);
    }
  }

  it('keeps data across a reboot', async () => {
    const m = await boot_sdhci_machine();
    const data = pattern(8 * 512, 77);
    await rw(m, 'mmcblk0p3', 0, data);
    const m2 = await m.reboot();
    const b2 = m2.resolve(BLOCK);
    const back = new Uint8Array(data.length);
    expect(await m2.exec(0, 'io', () => b2.bdev_read(b2.lookup_bdev('mmcblk0p3')!, 0, back))).toBe(0);
    expect(same(back, data)).toBe(true);
  });
});
