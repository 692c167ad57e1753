// SPDX-License-Identifier: GPL-2.0
// The full cycle a user runs, per host: boot (enumerating the card), 200 printk lines, panic
// (kmsg_dump writes the 64 KiB kmsg zone through mmcpstore's panic_write), reboot, mount pstore,
// read the record back. Cycles per second of wall time.
import 'reflect-metadata';
import { PANIC } from '../include/linux/panic.h.ts';
import { PRINTK } from '../include/linux/printk.h.ts';
import { PSTOREFS } from '../include/linux/pstore.h.ts';
import type { host_kind } from '../tools/scenario/schema.ts';
import { boot_bench_machine, in_task } from './lib/machine.ts';
import { median_of, time_ms } from './lib/stats.ts';

const LINES = 200;

const cycle = async (host: host_kind): Promise<void> => {
  const m = await boot_bench_machine({ host });
  const pk = m.resolve(PRINTK);
  await in_task(m, async () => {
    for (let i = 0; i < LINES; i++) pk.pr_info(`bench line ${i}: the quick brown fox jumps over the lazy dog\n`);
    return true;
  });
  await m.exec(1, 'panic', () => m.resolve(PANIC).panic('bench: Kernel panic - not syncing'));
  const next = await m.reboot();
  await next.exec(0, 'mount', () => next.resolve(PSTOREFS).mount());
  const fs = next.resolve(PSTOREFS);
  const dmesg = fs.readdir().find((f) => f.name.startsWith('dmesg-'));
  const text = new TextDecoder().decode(fs.read(dmesg?.name ?? '') ?? new Uint8Array());
  // A cycle that lost the record measured nothing worth having.
  if (!text.includes(`bench line ${LINES - 1}`)) throw new Error(`full cycle on ${host}: the record did not come back`);
};

/** Cycles per second on @host, the median of @runs timed cycles. */
export const full_cycles_per_s = async (host: host_kind, runs: number): Promise<number> => 1000 / (await median_of(runs, () => time_ms(() => cycle(host))));
