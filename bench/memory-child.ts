// SPDX-License-Identifier: GPL-2.0
// The measured process of bench/memory.ts: prints {boot_mib, written_mib} as JSON.
import 'reflect-metadata';
import { BLOCK } from '../include/linux/blkdev.h.ts';
import { boot_bench_machine, in_task } from './lib/machine.ts';
import { CARD, WRITTEN_MIB } from './memory.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const rss_mib = (): number => {
  gc();
  gc();
  return process.memoryUsage().rss / 2 ** 20;
};

const REQUEST = 512 * 1024;
const base = rss_mib();
const m = await boot_bench_machine({ host: 'sdhci', board: { card: { capacity: CARD } } });
const booted = rss_mib();
const blk = m.resolve(BLOCK);
const bdev = blk.lookup_bdev('mmcblk0p2');
if (!bdev) throw new Error('no mmcblk0p2');
const data = new Uint8Array(REQUEST);
await in_task(m, async () => {
  for (let i = 0; i < (WRITTEN_MIB * 2 ** 20) / REQUEST; i++) {
    data.fill(i + 1);
    const err = await blk.bdev_write(bdev, (i * REQUEST) / 512, data);
    if (err) throw new Error(`write ${i} failed: ${err}`);
  }
  return true;
});
const written = rss_mib();
// The machine must still be alive here, or its memory would not be counted.
if (!m.resolve(BLOCK).lookup_bdev('mmcblk0p2')) throw new Error('lost the machine');
process.stdout.write(JSON.stringify({ boot_mib: booted - base, written_mib: written - base }));
