// The serial host under every line fault the bridge can inject, at every request of a block
// write: whatever the fault, a write reported successful is on the card, and once the line is
// healed (the bridge restarted, if it died) the host resynchronises and the next write works.
import { describe, expect, it } from 'vitest';
import { BLOCK } from '../../../include/linux/blkdev.h.ts';
import { SparseBackend } from '../../../hw/block/sparse.ts';
import { EmmcCard } from '../../../hw/sd/emmc.ts';
import type { board } from '../../../init/board.ts';
import { Machine } from '../../../init/machine.ts';
import { VirtualClock } from '../../../kernel/time/clock.ts';
import { LoopLink } from '../../../lib/mmc_serial/loop_link.ts';
import { load_kconfig_db, resolve_config_or_throw } from '../../../scripts/kconfig/index.ts';
import { BridgeDevice } from '../../../tools/bridge/device.ts';
import { FaultPlan, parse_fault } from '../../../tools/bridge/faults.ts';
import { FaultyDevice } from '../../../tools/bridge/faulty_device.ts';
import { write_gpt } from '../../../tools/lib/mkdisk.ts';
import { pattern } from '../../../tools/testing/pattern.ts';

const BOARD: board = { name: 'serial-faults', cpus: 2, cmdline: '', devices: [{ type: 'mmc_serial', link: 'tcp:bridge:1' }] };
const BLOCKS = 32;

/**
 * A bridge on a card whose store outlives it (heal(true) is a new process on the same image). Its
 * clock runs 1 ms a batch of bytes, whatever the host's does, as a real bridge's would.
 */
const bridge_on = (user: SparseBackend) => {
  const clock = new VirtualClock();
  const fresh = () => new BridgeDevice(new EmmcCard({ clock, user, poweredOn: false }), clock);
  let device = fresh();
  let faulty = new FaultyDevice(device, new FaultPlan([]));
  const link = new LoopLink((bytes) => {
    clock.advance_to(clock.now + 1e6);
    return faulty.receive(bytes);
  });
  return {
    link,
    /** Faults counted from the next request on. */
    inject: (specs: string[]) => (faulty = new FaultyDevice(device, new FaultPlan(specs.map(parse_fault)))),
    /** Take the faults away; bring a dead bridge back (a new one on the same image) or a dropped line. */
    heal: (killed: boolean) => {
      if (killed) device = fresh();
      faulty = new FaultyDevice(device, new FaultPlan([]));
      if (!link.up) link.reconnect();
    },
  };
};

const boot = async () => {
  const user = new SparseBackend({ size: 8 * 2 ** 30 });
  write_gpt((off, b) => user.write(off, b), user.size, [
    { name: 'boot', sectors: 131072 },
    { name: 'rootfs', sectors: 2097152 },
  ]);
  const br = bridge_on(user);
  const machine = await Machine.boot({
    config: resolve_config_or_throw(load_kconfig_db(), { MMC_SERIAL: 'y' }),
    board: BOARD,
    links: { open: () => ({ link: br.link, baud: 3_000_000 }) },
  });
  const block = machine.resolve(BLOCK);
  const p2 = block.lookup_bdev('mmcblk0p2')!;
  const on_card = (sector: number, n: number) => {
    const b = new Uint8Array(n);
    user.read((p2.start_sect + sector) * 512, b);
    return b;
  };
  const write = (sector: number, data: Uint8Array) => machine.exec(0, 'io', () => block.bdev_write(p2, sector, data));
  const read = (sector: number, buf: Uint8Array) => machine.exec(0, 'io', () => block.bdev_read(p2, sector, buf));
  return { m: machine, br, on_card, write, read };
};

describe('mmc_serial under line faults', () => {
  it('never reports a write successful that is not on the card, and resynchronises after every fault', async () => {
    const { m, br, on_card, write, read } = await boot();
    const outcomes: Record<string, { ok: number; failed: number }> = {};
    let trial = 0;
    // The seven requests of one write: CMD23, CMD25, 4 DATA frames of 8 blocks, the CMD13 after.
    for (const kind of ['garbage@K:7', 'drop@K', 'corrupt@K', 'drop@Kx4', 'corrupt@Kx4', 'stall@K', 'disconnect@K', 'kill@K']) {
      const o = (outcomes[kind] = { ok: 0, failed: 0 });
      for (let k = 1; k <= 7; k++) {
        const sector = 8192 + trial++ * BLOCKS;
        const data = pattern(BLOCKS * 512, trial);
        br.inject([kind.replace('K', String(k))]);
        const err = await write(sector, data);
        if (err === 0) {
          o.ok++;
          expect(Buffer.compare(on_card(sector, data.length), data), `${kind} at ${k}`).toBe(0);
        } else o.failed++;
        br.heal(kind.startsWith('kill'));
        // A read first: a restarted bridge's card needs re-initialising, and mmc_blk resets a
        // card once per request type until one succeeds (the failed write already had its go).
        const back = new Uint8Array(BLOCKS * 512);
        expect(await read(sector, back), `the read after ${kind} at ${k}`).toBe(0);
        if (err === 0) expect(Buffer.compare(back, data)).toBe(0);
        const next = pattern(BLOCKS * 512, 1000 + trial);
        expect(await write(sector, next), `the write after ${kind} at ${k}`).toBe(0);
        expect(Buffer.compare(on_card(sector, next.length), next)).toBe(0);
      }
    }
    // Faults the protocol absorbs (a lost or corrupt reply is resent from the bridge's cache; four
    // in a row time out, and mmc_blk's retry goes through): every write went through.
    for (const k of ['garbage@K:7', 'drop@K', 'corrupt@K', 'drop@Kx4', 'corrupt@Kx4']) expect(outcomes[k]).toEqual({ ok: 7, failed: 0 });
    // A bridge that stops answering, hangs up or dies fails the write in flight.
    for (const k of ['stall@K', 'disconnect@K', 'kill@K']) expect(outcomes[k]).toEqual({ ok: 0, failed: 7 });
    expect(m.dmesg()).toMatch(/mmcblk0p?\d?: error -110 transferring data/);
    expect(m.reports).toEqual([]);
  });
});
