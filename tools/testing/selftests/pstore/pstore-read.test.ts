// An image written here is read by tools/pstore-read as the pstore filesystem shows it: the
// Oops record pstore_blk put on partition 3 of an image-file card comes back byte for byte.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BLOCK } from '../../../../include/linux/blkdev.h.ts';
import { PANIC } from '../../../../include/linux/panic.h.ts';
import { PRINTK } from '../../../../include/linux/printk.h.ts';
import { PSTOREFS } from '../../../../include/linux/pstore.h.ts';
import { GIB, boot_mmc_machine, image_storage, make_image } from '../../mmc.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'pstore-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tools/pstore-read on an image written here', () => {
  for (const profile of ['6.1', '6.6'] as const) {
    it(`gives the files pstorefs shows (profile ${profile})`, async () => {
      const image = join(dir, `card-${profile}.img`);
      make_image(image, 8 * GIB);
      const config = { MMC_PSTORE: 'n', PSTORE_BLK: 'm', PSTORE_COMPRESS_PROFILE: profile };
      const params = { blkdev: '/dev/mmcblk0p3', best_effort: 'y' };
      const m = await boot_mmc_machine({ storage: image_storage(image, 8 * GIB), config });
      await m.modprobe('pstore_blk', params);
      await m.exec(0, 'mount', () => m.resolve(PSTOREFS).mount());
      await m.exec(1, 'victim', async () => {
        m.resolve(PRINTK).pr_info('before the oops\n');
        await m.resolve(PANIC).oops('written here');
      });
      await m.run(m.now + 2e9);
      const p3 = m.resolve(BLOCK).lookup_bdev('mmcblk0p3')!;
      m.storage.get('mmc_mock.0')!.user.flush();

      const m2 = await m.reboot();
      await m2.modprobe('pstore_blk', params);
      const fs = m2.resolve(PSTOREFS);
      await m2.exec(0, 'mount', () => fs.mount());
      const shown = fs.readdir().map((f) => f.name);
      expect(shown).toEqual(['dmesg-pstore_blk-0']);

      const out = join(dir, `out-${profile}`);
      const r = spawnSync(join(ROOT, 'tools/pstore-read'), [image, '--out', out, '--offset', String(p3.start_sect * 512), '--size', String(p3.nr_sects * 512), '--profile', profile], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(readdirSync(out)).toEqual(shown);
      expect(new Uint8Array(readFileSync(join(out, 'dmesg-pstore_blk-0')))).toEqual(fs.read('dmesg-pstore_blk-0'));
    }, 30_000);
  }
});
