// The series end to end on the mock host, built in and as a module: a panic on CPU1 is written
// through panic_write, and after a reboot the pstore filesystem (and tools/pstore-read on the
// image) shows the dmesg, pmsg and console records.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BLOCK } from '../../../../include/linux/blkdev.h.ts';
import { PSTOREFS } from '../../../../include/linux/pstore.h.ts';
import { GIB, image_storage, make_image } from '../../mmc.ts';
import { boot_pstore_machine, crash, expect_crash_records, mmcpstore_of, pstore_ready } from '../../mmcpstore.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'mmcpstore-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const mode of ['y', 'm'] as const) {
  describe(`mmcpstore ${mode === 'y' ? 'built in' : 'as a module'}`, () => {
    it('writes the panic through panic_write and shows it after a reboot, as pstore-read does', async () => {
      const image = join(dir, `card-${mode}.img`);
      make_image(image, 8 * GIB);
      const m = await boot_pstore_machine({ mode, storage: image_storage(image, 8 * GIB) });
      expect(m.dmesg()).toMatch(/mmcpstore: \/dev\/mmcblk0p3 \(4194304 bytes at sector \d+\) registered/);
      expect(mmcpstore_of(m).state).toBe('READY');
      await crash(m, 'first');
      expect(m.halted).toBe('panic');
      const panics = mmcpstore_of(m).panic_log;
      expect(panics.length).toBeGreaterThan(0);
      expect(panics[0]!.ret).toBe(panics[0]!.size);
      m.storage.get('mmc_mock.0')!.user.flush();

      const m2 = await pstore_ready(await m.reboot(), { mode });
      const fs = m2.resolve(PSTOREFS);
      expect_crash_records(fs, 'first');
      const names = fs.readdir().map((f) => f.name).sort();

      const p3 = m2.resolve(BLOCK).lookup_bdev('mmcblk0p3')!;
      const out = join(dir, `out-${mode}`);
      const r = spawnSync(join(ROOT, 'tools/pstore-read'), [image, '--out', out, '--offset', String(p3.start_sect * 512), '--size', String(p3.nr_sects * 512), '--pmsg-size', '64', '--console-size', '64'], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(readdirSync(out).sort()).toEqual(names);
      for (const n of names) expect(new Uint8Array(readFileSync(join(out, n))), n).toEqual(fs.read(n));
    }, 30_000);
  });
}
