// SPDX-License-Identifier: GPL-2.0
// A board with mmcpstore on the eMMC's third partition, for tests: builtin (y) or module (m),
// a chosen panic variant, pmsg and console zones; and the crash workload of the issue.
import { PANIC } from '../../include/linux/panic.h.ts';
import { PRINTK } from '../../include/linux/printk.h.ts';
import { expect } from 'vitest';
import { PSTORE_FRONTENDS, PSTOREFS, type pstorefs_api } from '../../include/linux/pstore.h.ts';
import { Mmcpstore } from '../../drivers/mmc/core/mmcpstore.ts';
import type { Machine } from '../../init/machine.ts';
import { boot_mmc_machine, type mmc_machine_options } from './mmc.ts';

export const PSTORE_CMDLINE = 'pstore_blk.blkdev=/dev/mmcblk0p3 pstore_blk.kmsg_size=64';

export interface pstore_machine_options extends mmc_machine_options {
  mode?: 'y' | 'm';
  variant?: 'v4' | 'v5' | 'proposed';
  /** Mount the pstore filesystem after boot (recovery), as systemd does. Default true. */
  mount?: boolean;
}

/** Boot (or reboot) into a machine with mmcpstore registered and pstorefs mounted. */
export const pstore_ready = async (m: Machine, o: pstore_machine_options = {}): Promise<Machine> => {
  if ((o.mode ?? 'y') === 'm') await m.modprobe('mmcpstore');
  if (o.mount ?? true) await m.exec(0, 'mount', () => m.resolve(PSTOREFS).mount());
  return m;
};

export const boot_pstore_machine = async (o: pstore_machine_options = {}): Promise<Machine> => {
  const m = await boot_mmc_machine({
    ...o,
    cmdline: [PSTORE_CMDLINE, o.cmdline].filter(Boolean).join(' '),
    config: { PSTORE_PMSG: 'y', PSTORE_CONSOLE: 'y', MMC_PSTORE: o.mode ?? 'y', MMC_PSTORE_VARIANT: o.variant ?? 'v5', ...o.config },
  });
  return pstore_ready(m, o);
};

/**
 * The crash: lines from both CPUs, a pmsg write, then panic() on CPU1. Everything waited
 * for runs on CPU1: a scenario may keep CPU0 busy (spinning with a lock held, say).
 */
export const crash = async (m: Machine, tag: string, o: { pmsg?: boolean } = {}): Promise<void> => {
  const pk = m.resolve(PRINTK);
  m.spawn(0, 'worker0', async () => pk.pr_info(`${tag}: hello from cpu0\n`));
  await m.exec(1, 'worker1', async () => pk.pr_info(`${tag}: hello from cpu1\n`));
  if (o.pmsg ?? true) await m.exec(1, 'logger', () => m.resolve(PSTORE_FRONTENDS).pmsg_write(new TextEncoder().encode(`${tag}: pmsg\n`)));
  await m.exec(1, 'crasher', () => m.resolve(PANIC).panic(`${tag} crash`));
};

export const mmcpstore_of = (m: Machine): Mmcpstore => m.resolve(Mmcpstore);

export const text = (b: Uint8Array | null): string => new TextDecoder().decode(b ?? new Uint8Array());

/** What the next boot must show of crash(m, @tag): its dmesg, pmsg and console records. */
export const expect_crash_records = (fs: pstorefs_api, tag: string): void => {
  expect(fs.readdir().map((f) => f.name).sort()).toEqual(['console-pstore_blk-0', 'dmesg-pstore_blk-0', 'pmsg-pstore_blk-0']);
  const dmesg = text(fs.read('dmesg-pstore_blk-0'));
  expect(dmesg.startsWith('Panic#1 Part1\n')).toBe(true);
  expect(dmesg).toMatch(new RegExp(`<6>\\[ *\\d+\\.\\d{6}\\] ${tag}: hello from cpu0\\n`));
  expect(dmesg).toMatch(new RegExp(`<6>\\[ *\\d+\\.\\d{6}\\] ${tag}: hello from cpu1\\n`));
  expect(dmesg).toContain(`Kernel panic - not syncing: ${tag} crash`);
  expect(text(fs.read('pmsg-pstore_blk-0'))).toBe(`${tag}: pmsg\n`);
  expect(text(fs.read('console-pstore_blk-0'))).toContain(`${tag}: hello from cpu1`);
};
