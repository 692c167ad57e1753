// pstore/blk in best_effort mode on an eMMC partition, end to end: registration lines, an Oops
// record reaching the card after the filesystem is mounted and the delayed flush runs, recovery
// after a reboot with the files Linux shows, panics lost (no panic_write), and the sizes Linux
// refuses.
import { describe, expect, it } from 'vitest';
import { PANIC } from '../../../../include/linux/panic.h.ts';
import { PRINTK } from '../../../../include/linux/printk.h.ts';
import { PSTORE_FRONTENDS, PSTOREFS } from '../../../../include/linux/pstore.h.ts';
import type { Machine } from '../../../../init/machine.ts';
import { boot_mmc_machine } from '../../mmc.ts';

const BEST_EFFORT = { blkdev: '/dev/mmcblk0p3', best_effort: 'y' };
/** pstore_blk as a module, loaded once the card is there (as the vectors' harness did). */
const MODULAR = { MMC_PSTORE: 'n', PSTORE_BLK: 'm' };

const boot = async (o: Parameters<typeof boot_mmc_machine>[0] = {}, params: Record<string, string> = BEST_EFFORT): Promise<Machine> => {
  const m = await boot_mmc_machine({ ...o, config: { ...MODULAR, ...o.config } });
  await m.modprobe('pstore_blk', params);
  await m.run(m.now + 1e6);
  return m;
};
const text = (b: Uint8Array | null): string => new TextDecoder().decode(b ?? new Uint8Array());

/** Mount pstorefs, log from two CPUs, oops on CPU1, let the delayed flush write it. */
const oops_run = async (m: Machine): Promise<void> => {
  const fs = m.resolve(PSTOREFS);
  const pk = m.resolve(PRINTK);
  await m.exec(0, 'mount', () => fs.mount());
  m.spawn(0, 'cpu0-logger', async () => pk.pr_info('hello from cpu0\n'));
  await m.run(m.now + 1e6);
  await m.exec(1, 'victim', async () => {
    pk.pr_info('hello from cpu1\n');
    await m.resolve(PANIC).oops('test oops');
  });
  await m.run(m.now + 2e9);
};

for (const profile of ['6.1', '6.6', 'none'] as const) {
  describe(`pstore_blk best_effort, profile ${profile}`, () => {
    const config = profile === 'none' ? { PSTORE_COMPRESS: 'n' } : { PSTORE_COMPRESS_PROFILE: profile };

    it('registers, stores an Oops after mount and flush, and shows it after a reboot', async () => {
      const m = await boot({ config });
      const log = m.dmesg();
      expect(log).toContain('pstore_blk: attached /dev/mmcblk0p3 (4194304) (no dedicated panic_write!)');
      expect(log).toContain('pstore_zone: registered pstore_blk as backend for kmsg(Oops)');
      if (profile !== 'none') expect(log).toContain('pstore: Using crash dump compression: deflate');
      await oops_run(m);
      const m2 = await m.reboot();
      await m2.modprobe('pstore_blk', BEST_EFFORT);
      const fs = m2.resolve(PSTOREFS);
      await m2.exec(0, 'mount', () => fs.mount());
      const names = fs.readdir().map((f) => f.name);
      expect(names).toEqual(['dmesg-pstore_blk-0']);
      const body = text(fs.read('dmesg-pstore_blk-0'));
      expect(body.startsWith(profile === 'none' ? 'Oops: Total 1 times\nOops#1 Part1\n' : 'Oops#1 Part1\n')).toBe(true);
      expect(body).toMatch(/<6>\[ *\d+\.\d{6}\] hello from cpu0\n/);
      expect(body).toMatch(/<6>\[ *\d+\.\d{6}\] hello from cpu1\n/);
      expect(body).toContain('Oops: test oops [#1] SMP');
    });
  });
}

describe('pstore_blk best_effort and panics', () => {
  it('loses a panic record: best_effort has no panic_write', async () => {
    const m = await boot({ cmdline: 'panic=-1' });
    await m.exec(0, 'mount', () => m.resolve(PSTOREFS).mount());
    await m.exec(1, 'crasher', () => m.resolve(PANIC).panic('lost'));
    expect(m.halted).toBe('reboot');
    const m2 = await m.reboot();
    await m2.modprobe('pstore_blk', BEST_EFFORT);
    const fs = m2.resolve(PSTOREFS);
    await m2.exec(0, 'mount', () => fs.mount());
    expect(fs.readdir()).toEqual([]);
  });
});

describe('pmsg, console and ftrace through pstore_blk', () => {
  it('recovers the three ring records after a reboot', async () => {
    const config = { PSTORE_PMSG: 'y', PSTORE_CONSOLE: 'y', PSTORE_FTRACE: 'y' };
    const m = await boot({ config });
    const fe = m.resolve(PSTORE_FRONTENDS);
    const pk = m.resolve(PRINTK);
    await m.exec(0, 'mount', () => m.resolve(PSTOREFS).mount());
    expect(await m.exec(0, 'writer', () => fe.pmsg_write(new TextEncoder().encode('Testing pstore: uuid=1234\n')))).toBe(26);
    for (const cpu of [0, 1]) m.spawn(cpu, `tracer${cpu}`, () => fe.ftrace_call(0xffffffff81000000n + BigInt(cpu), 0xffffffff81000100n));
    await m.exec(0, 'console', async () => pk.pr_info('a console line\n'));
    await m.run(m.now + 3e9);
    const m2 = await m.reboot();
    await m2.modprobe('pstore_blk', BEST_EFFORT);
    const fs = m2.resolve(PSTOREFS);
    await m2.exec(0, 'mount', () => fs.mount());
    expect(fs.readdir().map((f) => f.name).sort()).toEqual(['console-pstore_blk-0', 'ftrace-pstore_blk-0', 'pmsg-pstore_blk-0']);
    expect(text(fs.read('pmsg-pstore_blk-0'))).toBe('Testing pstore: uuid=1234\n');
    expect(text(fs.read('console-pstore_blk-0'))).toMatch(/\] a console line\n/);
    expect(text(fs.read('ftrace-pstore_blk-0')).split('\n').filter(Boolean)).toHaveLength(2);
  });
});

describe('sizes Linux refuses', () => {
  it('a misaligned kmsg_size is aligned the way Linux does it, with its message', async () => {
    const m = await boot({}, { ...BEST_EFFORT, kmsg_size: '6' });
    expect(m.dmesg()).toContain('pstore_blk: kmsg_size must align to 4096');
  });

  it('a device whose size is not a multiple of 4096 is refused', async () => {
    const m = await boot({
      card: { gpt: [{ name: 'boot', size: '64MiB' }, { name: 'rootfs', size: '1GiB' }, { name: 'pstore', size: '4100s' }] },
    });
    expect(m.dmesg()).toContain('pstore_zone: total_size must be a multiple of 4096');
    expect(m.dmesg()).not.toContain('pstore_blk: attached');
  });
});
