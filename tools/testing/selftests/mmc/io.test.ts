// Block I/O through mmcblk on the mock host: single and multi-block round trips on the user
// area, a GPT partition and boot0; the bytes land at the right offsets of the image file and
// survive into another process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BLOCK, type block_api } from '../../../../include/linux/blkdev.h.ts';
import { EROFS } from '../../../../include/linux/errno.h.ts';
import type { Machine } from '../../../../init/machine.ts';
import { GIB, boot_mmc_machine, image_storage, make_image } from '../../mmc.ts';
import { pattern } from '../../pattern.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'mmc-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


const rw = async (m: Machine, block: block_api, name: string, sector: number, data: Uint8Array): Promise<Uint8Array> => {
  const bdev = block.lookup_bdev(name)!;
  const back = new Uint8Array(data.length);
  const [w, r] = (await m.exec(0, 'io', async () => [await block.bdev_write(bdev, sector, data), await block.bdev_read(bdev, sector, back)]))!;
  expect([w, r]).toEqual([0, 0]);
  return back;
};

const file_bytes = (path: string, offset: number, n: number): Uint8Array => {
  const fd = openSync(path, 'r');
  const b = new Uint8Array(n);
  readSync(fd, b, 0, n, offset);
  closeSync(fd);
  return b;
};

describe('mmcblk I/O', () => {
  it('round-trips single and multi-block transfers on the user area, a partition and boot0', async () => {
    const m = await boot_mmc_machine();
    const block = m.resolve(BLOCK);
    for (const [name, sector, blocks] of [
      ['mmcblk0', 12345, 1],
      ['mmcblk0', 40000, 300],
      ['mmcblk0p2', 7, 1],
      ['mmcblk0p2', 100, 2048],
    ] as const) {
      const data = pattern(blocks * 512, sector);
      expect(await rw(m, block, name, sector, data)).toEqual(data);
    }
    // Boot partitions are read-only until force_ro is cleared, as in Linux.
    const boot0 = block.lookup_bdev('mmcblk0boot0')!;
    expect(await m.exec(0, 'ro', () => block.bdev_write(boot0, 0, new Uint8Array(512)))).toBe(-EROFS);
    block.set_disk_ro(boot0.disk, false);
    const data = pattern(16 * 512, 3);
    expect(await rw(m, block, 'mmcblk0boot0', 8, data)).toEqual(data);
    // The user area did not change under the boot partition's sectors.
    expect(await rw(m, block, 'mmcblk0', 8, pattern(512, 9))).toEqual(pattern(512, 9));
    expect(m.reports).toEqual([]);
  });

  it('writes at the right byte offset of the image file, and another process reads it back', async () => {
    const path = join(dir, 'card.img');
    make_image(path, 8 * GIB);
    const m = await boot_mmc_machine({ storage: image_storage(path, 8 * GIB) });
    const block = m.resolve(BLOCK);
    const p2 = block.lookup_bdev('mmcblk0p2')!;
    const data = pattern(8 * 512, 42);
    expect(await rw(m, block, 'mmcblk0p2', 10, data)).toEqual(data);
    m.storage.get('mmc_mock.0')!.user.flush();
    expect(file_bytes(path, (p2.start_sect + 10) * 512, data.length)).toEqual(data);
    const r = spawnSync('node', ['--import', 'tsx', join(ROOT, 'tools/testing/selftests/mmc/read-bdev.ts'), path, 'mmcblk0p2', '10', '8'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(`0 ${Buffer.from(data).toString('hex')}`);
  }, 30_000);

  it('keeps data across a reboot of the same board, boot partitions included', async () => {
    const m = await boot_mmc_machine();
    const block = m.resolve(BLOCK);
    const data = pattern(4 * 512, 77);
    await rw(m, block, 'mmcblk0p3', 0, data);
    block.set_disk_ro(block.lookup_bdev('mmcblk0boot1')!.disk, false);
    await rw(m, block, 'mmcblk0boot1', 100, data);
    const m2 = await m.reboot();
    const b2 = m2.resolve(BLOCK);
    for (const [name, sector] of [['mmcblk0p3', 0], ['mmcblk0boot1', 100]] as const) {
      const back = new Uint8Array(data.length);
      expect(await m2.exec(0, 'io', () => b2.bdev_read(b2.lookup_bdev(name)!, sector, back))).toBe(0);
      expect(back, name).toEqual(data);
    }
  });
});
