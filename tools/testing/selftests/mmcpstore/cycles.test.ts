// Three panic/reboot cycles: each boot's recovery moves the write position past the newest
// zone and continues the panic counter, as Linux's pstore/zone does; and the ways the module
// path refuses, while the builtin path silently ignores cards it was not pointed at.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BLOCK } from '../../../../include/linux/blkdev.h.ts';
import { EINVAL, ENODEV, ENOSPC } from '../../../../include/linux/errno.h.ts';
import { PSTOREFS } from '../../../../include/linux/pstore.h.ts';
import { GIB, image_storage, make_image } from '../../mmc.ts';
import { boot_pstore_machine, crash, mmcpstore_of, pstore_ready, text } from '../../mmcpstore.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'cycles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('three panic/reboot cycles', () => {
  it('fill zones 0, 1, 2 with panic counters 1, 2, 3', async () => {
    const image = join(dir, 'card.img');
    make_image(image, 8 * GIB);
    let m = await boot_pstore_machine({ storage: image_storage(image, 8 * GIB) });
    for (const n of [1, 2, 3]) {
      await crash(m, `boot${n}`);
      expect(m.halted).toBe('panic');
      m = await pstore_ready(await m.reboot());
    }
    const fs = m.resolve(PSTOREFS);
    const dmesg = fs.readdir().map((f) => f.name).filter((n) => n.startsWith('dmesg')).sort();
    expect(dmesg).toEqual(['dmesg-pstore_blk-0', 'dmesg-pstore_blk-1', 'dmesg-pstore_blk-2']);
    for (const [i, n] of dmesg.entries()) {
      const body = text(fs.read(n));
      expect(body.startsWith('Panic#1 Part1\n')).toBe(true);
      expect(body).toContain(`boot${i + 1}: hello from cpu1`);
    }
    // Each boot's ring zones hold that boot's data only.
    expect(text(fs.read('pmsg-pstore_blk-0'))).toBe('boot3: pmsg\n');
    m.storage.get('mmc_mock.0')!.user.flush();
    const p3 = m.resolve(BLOCK).lookup_bdev('mmcblk0p3')!;
    const r = spawnSync(join(ROOT, 'tools/pstore-read'), [image, '--out', join(dir, 'out'), '--offset', String(p3.start_sect * 512), '--size', String(p3.nr_sects * 512), '--pmsg-size', '64', '--console-size', '64', '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const records = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((j) => j.type === 'dmesg');
    expect(records.map((j) => [j.id, j.counter, j.reason])).toEqual([
      [0, 1, 'Panic'],
      [1, 2, 'Panic'],
      [2, 3, 'Panic'],
    ]);
  }, 60_000);
});

describe('finding the card', () => {
  it('as a module, refuses a card that does not exist, a removable one, and a partition too small', async () => {
    const cases: Array<[Parameters<typeof boot_pstore_machine>[0], number, RegExp]> = [
      [{ cmdline: 'pstore_blk.blkdev=/dev/mmcblk1p3' }, -ENODEV, /mmcpstore: card mmcblk1 not found/],
      [{ host: { caps_clear: ['MMC_CAP_NONREMOVABLE'] } }, -EINVAL, /mmcpstore: mmc0:0001 is removable; only non-removable cards are supported/],
      [{ card: { gpt: [{ name: 'a', size: '64MiB' }, { name: 'b', size: '64MiB' }, { name: 'tiny', size: '64KiB' }] } }, -ENOSPC, /mmcpstore: \/dev\/mmcblk0p3 is too small: 65536 bytes, need at least/],
    ];
    for (const [o, err, msg] of cases) {
      // boot_pstore_machine modprobes once; a second modprobe shows the same refusal and its errno.
      const m = await boot_pstore_machine({ ...o, mode: 'm', mount: false });
      expect(await m.modprobe('mmcpstore')).toBe(err);
      expect(m.dmesg()).toMatch(msg);
      expect(mmcpstore_of(m).state).not.toBe('READY');
    }
  }, 30_000);

  it('built in, ignores cards it was not pointed at', async () => {
    const m = await boot_pstore_machine({ cmdline: 'pstore_blk.blkdev=/dev/mmcblk1p3' });
    expect(mmcpstore_of(m).state).toBe('UNINITIALIZED');
    expect(m.dmesg()).not.toMatch(/mmcpstore: /);
  });
});
