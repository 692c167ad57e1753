// A board with the SDHCI controller model and an eMMC boots through the sdhci driver as Linux
// does: the controller line, HS200 after tuning, the disk and its partitions; other modes when
// the board takes HS200 or 8-bit away, or adds DDR; a 2.00 controller; unbinding.
import { describe, expect, it } from 'vitest';
import * as R from '../../../../include/hw/sdhci.h.ts';
import { BLOCK } from '../../../../include/linux/blkdev.h.ts';
import { MMC_CAP2_HS200, MMC_CAP_8_BIT_DATA, MMC_CAP_CMD23, MMC_CAP_MMC_HIGHSPEED, MMC_CAP_NONREMOVABLE } from '../../../../include/linux/mmc/host.h.ts';
import { PLATFORM } from '../../../../include/linux/platform_device.h.ts';
import { PM_RUNTIME } from '../../../../include/linux/pm_runtime.h.ts';
import type { Machine } from '../../../../init/machine.ts';
import { SDHCI_AUTO_CMD23 } from '../../../../drivers/mmc/host/sdhci_host.ts';
import { boot_sdhci_machine, sdhci_host_of } from '../../sdhci.ts';

const lines = (m: Machine) => m.dmesg().split('\n').map((l) => l.replace(/^\[[ \d.]+\] /, ''));

describe('eMMC boot on the sdhci driver', () => {
  it('announces the controller, finds the card in HS200, its disk and partitions, in order', async () => {
    // Kept active: a runtime resume resets the controller, tuned clock included (no vendor re-tune here).
    const m = await boot_sdhci_machine({ host: { caps: ['MMC_CAP_NONREMOVABLE'], autosuspend_ms: -1 } });
    const want = [
      'mmc0: SDHCI controller on sdhci.0 [sdhci.0] using ADMA 64-bit',
      'mmc0: new HS200 MMC card at address 0001',
      'mmcblk0: mmc0:0001 MMC08G 8.00 GiB',
      'mmcblk0boot0: mmc0:0001 MMC08G 4.00 MiB',
      'mmcblk0boot1: mmc0:0001 MMC08G 4.00 MiB',
      ' mmcblk0: p1 p2 p3',
    ];
    const at = want.map((w) => lines(m).indexOf(w));
    expect(at.every((i) => i >= 0), m.dmesg()).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(m.reports).toEqual([]);
    expect(m.resolve(BLOCK).lookup_bdev('/dev/mmcblk0p3')!.nr_sects).toBe(8192);
    const host = sdhci_host_of(m);
    const mmc = host.mmc;
    expect(mmc.caps & (MMC_CAP_CMD23 | MMC_CAP_8_BIT_DATA | MMC_CAP_MMC_HIGHSPEED | MMC_CAP_NONREMOVABLE)).toBe(MMC_CAP_CMD23 | MMC_CAP_8_BIT_DATA | MMC_CAP_MMC_HIGHSPEED | MMC_CAP_NONREMOVABLE);
    expect(mmc.caps2 & MMC_CAP2_HS200).toBe(MMC_CAP2_HS200);
    expect([mmc.f_max, mmc.f_min, mmc.max_req_size, mmc.max_blk_count, mmc.max_segs, mmc.max_seg_size]).toEqual([200e6, 97751, 524288, 65535, 128, 65536]);
    // HS200 at 200 MHz, 8 bits, 1.8 V signalling, tuned sampling clock.
    expect(m.resolve(PM_RUNTIME).pm_runtime_active(host.pdev.dev)).toBe(true);
    const [hc2, hc1, clk] = (await m.exec(0, 'regs', async () => [await host.ioaddr.readw(R.SDHCI_HOST_CONTROL2), await host.ioaddr.readb(R.SDHCI_HOST_CONTROL), await host.ioaddr.readw(R.SDHCI_CLOCK_CONTROL)]))!;
    expect(hc2 & R.SDHCI_CTRL_UHS_MASK).toBe(R.SDHCI_CTRL_UHS_SDR104);
    expect(hc2 & (R.SDHCI_CTRL_VDD_180 | R.SDHCI_CTRL_TUNED_CLK)).toBe(R.SDHCI_CTRL_VDD_180 | R.SDHCI_CTRL_TUNED_CLK);
    expect(hc1 & (R.SDHCI_CTRL_8BITBUS | R.SDHCI_CTRL_HISPD | R.SDHCI_CTRL_DMA_MASK)).toBe(R.SDHCI_CTRL_8BITBUS | R.SDHCI_CTRL_HISPD | R.SDHCI_CTRL_ADMA64);
    expect(clk & (R.SDHCI_CLOCK_CARD_EN | R.SDHCI_CLOCK_INT_EN | 0xffc0)).toBe(R.SDHCI_CLOCK_CARD_EN | R.SDHCI_CLOCK_INT_EN);
  });

  it('high speed without SDR104, 4-bit when the board clears 8-bit, DDR52 when the board adds it', async () => {
    const hs = await boot_sdhci_machine({ controller: { caps: { sdr104: false } }, host: { caps_clear: ['MMC_CAP_8_BIT_DATA'] } });
    expect(hs.dmesg()).toContain('mmc0: new high speed MMC card at address 0001');
    const ddr = await boot_sdhci_machine({ controller: { caps: { sdr104: false } }, host: { caps: ['MMC_CAP_NONREMOVABLE', 'MMC_CAP_1_8V_DDR'] } });
    expect(ddr.dmesg()).toContain('mmc0: new DDR MMC card at address 0001');
    for (const m of [hs, ddr]) expect(m.reports).toEqual([]);
  });

  it('a 2.00 controller: ADMA2 32-bit, no HS200, CMD23 by hand', async () => {
    const m = await boot_sdhci_machine({ controller: { spec: '2.00', base_clock_hz: 50_000_000, caps: { adma64: false } } });
    expect(m.dmesg()).toContain('mmc0: SDHCI controller on sdhci.0 [sdhci.0] using ADMA');
    expect(sdhci_host_of(m).flags & SDHCI_AUTO_CMD23).toBe(0);
    expect(m.dmesg()).toContain('mmc0: new high speed MMC card at address 0001');
    expect(m.reports).toEqual([]);
  });

  it('unbinds: the card goes, the host is removed from a runtime-suspended controller', async () => {
    const m = await boot_sdhci_machine();
    await m.run(m.now + 200e6);
    const p = m.resolve(PLATFORM);
    await m.exec(0, 'rm', () => p.platform_device_unregister(p.devices[0]!));
    expect(m.dmesg()).toContain('mmc0: card 0001 removed');
    expect(m.resolve(BLOCK).lookup_bdev('mmcblk0')).toBeNull();
    expect(m.reports).toEqual([]);
  });
});
