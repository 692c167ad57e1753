// The embedders' facade: a default board boots, a panic's record comes back after the reboot
// through pstore, and bad boards and configurations are refused with every problem named.
import { describe, expect, it } from 'vitest';
import { createMachine } from './api.ts';

describe('createMachine', () => {
  it('boots the default board; printk, panic, reboot, mount pstore, and the record is there', async () => {
    const m = await createMachine({ cmdline: 'pstore_blk.blkdev=/dev/mmcblk0p3 pstore_blk.kmsg_size=64' });
    expect(m.dmesg()).toMatch(/ mmcblk0: p1 p2 p3\n/);
    await m.mount_pstore();
    await m.printk('hello from an embedder');
    await m.panic('embedded crash');
    expect(m.halted).toBe('panic');
    const next = await m.reboot();
    expect(next.halted).toBeNull();
    await next.mount_pstore();
    const dmesg = next.pstore_files().find((f) => f.name.startsWith('dmesg-'));
    const text = new TextDecoder().decode(dmesg?.data);
    expect(text).toContain('hello from an embedder');
    expect(text).toContain('Kernel panic - not syncing: embedded crash');
  });

  it('refuses a bad board and a bad configuration, naming what is wrong', async () => {
    await expect(createMachine({ board: { name: 'x', cpus: 0, cmdline: '', devices: [] } })).rejects.toThrow(/board\.cpus/);
    await expect(createMachine({ config: { MMC_PSTORE: 'x' } })).rejects.toThrow(/MMC_PSTORE/);
  });
});
