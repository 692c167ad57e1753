// SPDX-License-Identifier: GPL-2.0
// Write a card image the way the kernel-interop harness reads one (shared/kernel-interop): a
// 1 MiB card whose whole disk is the pstore/blk area (kmsg_size 64, max_reason 2), holding
// @oopses Oops records made by our stack; then print the files our pstorefs shows after a
// reboot into OUTDIR, for comparison with what the real kernel exports (kernel-read.sh).
// Usage: npx tsx tools/testing/interop/write-image.ts IMAGE OUTDIR [OOPSES] [PROFILE]
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PANIC } from '../../../include/linux/panic.h.ts';
import { PRINTK } from '../../../include/linux/printk.h.ts';
import { PSTOREFS } from '../../../include/linux/pstore.h.ts';
import { boot_mmc_machine, image_storage } from '../mmc.ts';

const [image, out, count = '2', profile = '6.1'] = process.argv.slice(2);
if (!image || !out) throw new Error('usage: write-image.ts IMAGE OUTDIR [OOPSES] [6.1|6.6|none]');
const config = { MMC_PSTORE: 'n', PSTORE_BLK: 'm', ...(profile === 'none' ? { PSTORE_COMPRESS: 'n' } : { PSTORE_COMPRESS_PROFILE: profile }) };
const params = { blkdev: '/dev/mmcblk0', best_effort: 'y', kmsg_size: '64', max_reason: '2' };
const storage = image_storage(image, 1 << 20);
const m = await boot_mmc_machine({ storage, config, card: { capacity: '1MiB', gpt: [] } });
await m.modprobe('pstore_blk', params);
await m.exec(0, 'mount', () => m.resolve(PSTOREFS).mount());
for (let i = 1; i <= Number(count); i++) {
  await m.exec(1, `victim${i}`, async () => {
    m.resolve(PRINTK).pr_info(`KI-MARKER mmcpstore-ts before-oops ${i}\n`);
    await m.resolve(PANIC).oops(`mmcpstore-ts interop oops ${i}`);
  });
  await m.run(m.now + 3e9);
}
storage.get('mmc_mock.0')!.user.flush();
const m2 = await m.reboot();
await m2.modprobe('pstore_blk', params);
const fs = m2.resolve(PSTOREFS);
await m2.exec(0, 'mount', () => fs.mount());
mkdirSync(out, { recursive: true });
for (const f of fs.readdir()) writeFileSync(join(out, f.name), fs.read(f.name)!);
console.log(fs.readdir().map((f) => `${f.name}\t${f.size}`).join('\n'));
