// A board with the mock host and an 8 GiB eMMC holding a GPT of three partitions boots and
// logs what Linux logs, in Linux's order.
import { describe, expect, it } from 'vitest';
import { BLOCK } from '../../../../include/linux/blkdev.h.ts';
import { boot_mmc_machine } from '../../mmc.ts';

describe('eMMC boot on the mock host', () => {
  it('finds the card, the disk, its boot partitions and its GPT partitions', async () => {
    const m = await boot_mmc_machine();
    const lines = m.dmesg().split('\n').map((l) => l.replace(/^\[[ \d.]+\] /, ''));
    const want = [
      'mmc0: new HS200 MMC card at address 0001',
      'mmcblk0: mmc0:0001 MMC08G 8.00 GiB',
      'mmcblk0boot0: mmc0:0001 MMC08G 4.00 MiB',
      'mmcblk0boot1: mmc0:0001 MMC08G 4.00 MiB',
      ' mmcblk0: p1 p2 p3',
    ];
    const at = want.map((w) => lines.indexOf(w));
    expect(at.every((i) => i >= 0), m.dmesg()).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(m.reports).toEqual([]);
    const block = m.resolve(BLOCK);
    const p3 = block.lookup_bdev('/dev/mmcblk0p3')!;
    expect(p3.nr_sects).toBe(8192);
    expect(block.lookup_bdev('mmcblk0boot0')!.nr_sects).toBe(8192);
    expect(block.lookup_bdev('mmcblk0')!.nr_sects).toBe(16777216);
  });

  it('brings the card up at high speed when the host has no HS200, and at 4 bits without 8', async () => {
    const m = await boot_mmc_machine({ host: { caps2_clear: ['MMC_CAP2_HS200_1_8V_SDR'], caps_clear: ['MMC_CAP_8_BIT_DATA'] } });
    expect(m.dmesg()).toContain('mmc0: new high speed MMC card at address 0001');
  });

  it('takes the DDR path when the host supports it', async () => {
    const m = await boot_mmc_machine({ host: { caps2_clear: ['MMC_CAP2_HS200_1_8V_SDR'], caps: ['MMC_CAP_1_8V_DDR'] } });
    expect(m.dmesg()).toContain('mmc0: new DDR MMC card at address 0001');
  });
});
