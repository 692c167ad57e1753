// The serial host against a real tools/mmc-bridge injecting faults on TCP loopback: garbage and a
// corrupt reply are absorbed; a bridge killed in the middle of a write fails that write, never
// reports it done; restarted on the same port and image, it is found again and I/O goes on.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BLOCK } from '../../include/linux/blkdev.h.ts';
import { MmcBlock } from '../../drivers/mmc/core/block.ts';
import type { mmc_serial_host } from '../../drivers/mmc/host/mmc_serial.ts';
import type { board } from '../../init/board.ts';
import { Machine } from '../../init/machine.ts';
import { load_kconfig_db, resolve_config_or_throw } from '../../scripts/kconfig/index.ts';
import { bridge_fixture, read_at, stop_bridge, type bridge } from '../testing/bridge.ts';
import { pattern } from '../testing/pattern.ts';
import { open_board_links } from './board_links.ts';

const GPT = 'boot:64MiB,rootfs:1GiB';
const BLOCKS = 32;

const fx = new bridge_fixture();
afterEach(() => fx.cleanup());

/** A bridge on @image with @faults, a machine booted on it, and block I/O on its p2. */
const session = async (image: string, args: string[]) => {
  const br = await fx.start(['--image', image, ...args]);
  const b: board = { name: 'serial-faults', cpus: 2, cmdline: '', devices: [{ type: 'mmc_serial', link: br.url }] };
  const links = fx.track(open_board_links(b, 'test board'));
  const m = await Machine.boot({ config: resolve_config_or_throw(load_kconfig_db(), { MMC_SERIAL: 'y' }), board: b, links });
  const block = m.resolve(BLOCK);
  const p2 = block.lookup_bdev('mmcblk0p2')!;
  return {
    br,
    m,
    stats: () => (m.resolve(MmcBlock).cards()[0]![0].host.private as mmc_serial_host).session.stats,
    offset: (sector: number) => (p2.start_sect + sector) * 512,
    write: (sector: number, data: Uint8Array) => m.exec(0, 'io', () => block.bdev_write(p2, sector, data)),
    read: (sector: number, buf: Uint8Array) => m.exec(0, 'io', () => block.bdev_read(p2, sector, buf)),
  };
};

/** Request frames the bridge saw, from its SIGTERM summary. */
const frames_seen = async (br: bridge): Promise<number> => {
  let err = '';
  br.child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  await stop_bridge(br);
  return Number(/frames (\d+)/.exec(err)![1]);
};

describe('the serial host with a faulty tools/mmc-bridge', { timeout: 60_000 }, () => {
  it('absorbs garbage and a corrupt reply, fails the write the bridge dies in, and finds the restarted bridge', async () => {
    const dir = fx.mkdir('mmc-serial-faults-');
    // A clean run counts the requests of a boot: the faults below land on the writes after it.
    const probe = await session(join(dir, 'probe.img'), ['--create', '8GiB', '--gpt', GPT, '--tcp', '127.0.0.1:0']);
    const boot = await frames_seen(probe.br);
    expect(boot).toBeGreaterThan(10);

    // Write 1 is CMD23, CMD25 (resent once), 4 DATA frames and a CMD13: requests boot+1..boot+8.
    // Write 2 starts at boot+9; its second DATA frame, boot+12, is where the bridge dies.
    const image = join(dir, 'card.img');
    const faults = ['--fault', `garbage@${boot + 1}:9`, '--fault', `corrupt@${boot + 2}`, '--fault', `kill@${boot + 12}`];
    const s = await session(image, ['--create', '8GiB', '--gpt', GPT, '--tcp', '127.0.0.1:0', ...faults]);
    const one = pattern(BLOCKS * 512, 1);
    expect(await s.write(0, one)).toBe(0);
    expect(Buffer.compare(read_at(image, s.offset(0), one.length), one)).toBe(0);
    // The 9 noise bytes, and the 30 of the corrupt 32-byte CMD_RESP after its SOF: skipped, resent.
    expect(s.stats()).toMatchObject({ garbage_bytes: 9 + 30, bad_crc: 1, retransmits: 1, timeouts: 0 });

    const two = pattern(BLOCKS * 512, 2);
    const err = await s.write(BLOCKS, two);
    expect(err).toBeLessThan(0);
    await new Promise<void>((resolve) => (s.br.child.exitCode !== null || s.br.child.signalCode ? resolve() : s.br.child.once('exit', () => resolve())));
    expect(s.br.child.signalCode).toBe('SIGKILL');
    // The first DATA frame reached the card; what the bridge never executed did not.
    const landed = read_at(image, s.offset(BLOCKS), two.length);
    expect(Buffer.compare(landed.subarray(0, 8 * 512), two.subarray(0, 8 * 512))).toBe(0);
    expect(landed.subarray(8 * 512).every((b) => b === 0)).toBe(true);

    // The bridge comes back on the same port and image: the link reconnects, the host says HELLO,
    // mmc_blk re-initialises the card (a read: the failed write used up its reset), and writes work.
    await fx.start(['--image', image, '--tcp', s.br.url.slice('tcp:'.length)]);
    const back = new Uint8Array(BLOCKS * 512);
    expect(await s.read(0, back)).toBe(0);
    expect(Buffer.compare(back, one)).toBe(0);
    expect(await s.write(BLOCKS, two)).toBe(0);
    expect(Buffer.compare(read_at(image, s.offset(BLOCKS), two.length), two)).toBe(0);
    expect(s.stats().resyncs).toBeGreaterThanOrEqual(1);
    expect(s.m.reports).toEqual([]);
  });
});
