// The serial host against a real tools/mmc-bridge process, over a pseudo-terminal and over TCP
// on loopback: the card is enumerated, block I/O lands in the bridge's image, a panic's record
// comes back after the reboot, and tools/pstore-read reads it from the image afterwards.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { BLOCK } from '../../include/linux/blkdev.h.ts';
import { PSTOREFS } from '../../include/linux/pstore.h.ts';
import type { board } from '../../init/board.ts';
import { Machine } from '../../init/machine.ts';
import { load_kconfig_db, resolve_config_or_throw } from '../../scripts/kconfig/index.ts';
import { crash, expect_crash_records, pstore_ready, PSTORE_CMDLINE, text } from '../testing/mmcpstore.ts';
import { bridge_fixture, read_at, stop_bridge } from '../testing/bridge.ts';
import { pattern } from '../testing/pattern.ts';
import { open_board_links, type opened_links } from './board_links.ts';

const PSTORE_READ = fileURLToPath(new URL('../pstore-read', import.meta.url));
const GPT = 'boot:64MiB,rootfs:1GiB,pstore:4MiB';

const serial_board = (url: string): board => ({ name: 'serial', cpus: 2, cmdline: PSTORE_CMDLINE, devices: [{ type: 'mmc_serial', link: url }] });

const boot = (b: board, links: opened_links) =>
  Machine.boot({
    config: resolve_config_or_throw(load_kconfig_db(), { PSTORE_PMSG: 'y', PSTORE_CONSOLE: 'y', MMC_PSTORE: 'y', MMC_SERIAL: 'y', MMC_PSTORE_VARIANT: 'v5' }),
    board: b,
    links,
  });

const fx = new bridge_fixture();
afterEach(() => fx.cleanup());

describe('the serial host with tools/mmc-bridge', { timeout: 60_000 }, () => {
  for (const transport of ['pty', 'tcp'] as const) {
    it(`over ${transport === 'pty' ? 'a pseudo-terminal' : 'TCP on loopback'}: enumerates, does block I/O, and the panic record survives into the next boot and the image`, async () => {
      const dir = fx.mkdir('mmc-serial-e2e-');
      const image = join(dir, 'card.img');
      const where = transport === 'pty' ? ['--pty', join(dir, 'tty')] : ['--tcp', '127.0.0.1:0'];
      const br = await fx.start(['--image', image, '--create', '8GiB', '--gpt', GPT, ...where]);
      expect(br.url).toMatch(transport === 'pty' ? /^serial:.*\/tty$/ : /^tcp:127\.0\.0\.1:\d+$/);
      const b = serial_board(br.url);
      const links = fx.track(open_board_links(b, 'test board'));

      const m = await pstore_ready(await boot(b, links));
      expect(m.dmesg()).toMatch(/mmc0: new high speed MMC card at address 0001\n/);
      expect(m.dmesg()).toMatch(/ mmcblk0: p1 p2 p3\n/);

      // Block I/O through mmc_blk: 64 sectors out, back in, and in the bridge's image.
      const block = m.resolve(BLOCK);
      const p2 = block.lookup_bdev('mmcblk0p2')!;
      const data = pattern(64 * 512, 2);
      expect(await m.exec(0, 'io', () => block.bdev_write(p2, 4096, data))).toBe(0);
      const back = new Uint8Array(data.length);
      expect(await m.exec(0, 'io', () => block.bdev_read(p2, 4096, back))).toBe(0);
      expect(Buffer.compare(back, data)).toBe(0);
      const on_card = read_at(image, (p2.start_sect + 4096) * 512, data.length);
      expect(Buffer.compare(on_card, data)).toBe(0);

      const tag = `serial-${transport}`;
      await crash(m, tag);
      expect(m.halted).toBe('panic');
      const next = await pstore_ready(await m.reboot());
      expect_crash_records(next.resolve(PSTOREFS), tag);

      // The bridge's image, read with the offline reader.
      const p3 = next.resolve(BLOCK).lookup_bdev('mmcblk0p3')!;
      links.close();
      await stop_bridge(br);
      const out = join(dir, 'pstore');
      const r = spawnSync(PSTORE_READ, [image, '--offset', String(p3.start_sect * 512), '--size', String(4 << 20), '--kmsg-size', '64', '--pmsg-size', '64', '--console-size', '64', '--out', out], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const dmesg = readFileSync(join(out, 'dmesg-pstore_blk-0'), 'utf8');
      expect(dmesg).toContain(`Kernel panic - not syncing: ${tag} crash`);
      expect(dmesg).toContain(`${tag}: hello from cpu0`);
      expect(text(readFileSync(join(out, 'pmsg-pstore_blk-0')))).toBe(`${tag}: pmsg\n`);
    });
  }
});
