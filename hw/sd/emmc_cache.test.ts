import { describe, expect, it } from 'vitest';
import { SparseBackend } from '../block/sparse.ts';
import { EmmcCard } from './emmc.ts';
import { EXT_CSD } from './emmc_ext_csd.ts';
import { R1 } from './emmc_status.ts';
import { ManualClock, RawHost } from './emmc_testing.ts';

const RELIABLE_WRITE = 0x8000_0000;
const FORCED_PROGRAMMING = 1 << 24;

const make = (cacheKiB = 64) => {
  const clock = new ManualClock();
  const user = new SparseBackend({ size: 8 * 1024 ** 3 });
  const card = new EmmcCard({ clock, user, cacheKiB, timing: { programNs: 250_000, cacheWriteNs: 10_000, flushNs: 100_000 } });
  const host = new RawHost(card, clock);
  host.bringUp();
  expect(host.switch(EXT_CSD.CACHE_CTRL, 1) & R1.SWITCH_ERROR).toBe(0);
  const media = (block: number, n = 512): Uint8Array => {
    const d = new Uint8Array(n);
    user.read(block * 512, d);
    return d;
  };
  /** Power-cycle and bring the card back to tran. */
  const powerCut = (): void => {
    card.setPower(false);
    card.setPower(true);
    clock.advance(1_000_000);
    host.bringUp();
  };
  return { clock, card, host, user, media, powerCut };
};

const data = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v);

describe('EmmcCard volatile cache', () => {
  it('keeps cached writes readable but loses them on a power cut', () => {
    const { card, host, clock, media, powerCut } = make();
    const t0 = clock.now;
    host.word(23, 8);
    host.word(25, 1000);
    card.writeData(data(4096, 0x5a));
    expect(card.busyUntil - t0).toBe(10_000); // one 4 KiB unit into the cache
    host.waitBusy();
    expect(card.cacheDirtyBytes).toBe(4096);
    expect(media(1000).every((b) => b === 0)).toBe(true);
    expect(host.read(17, 1003, 512).every((b) => b === 0x5a)).toBe(true);
    powerCut();
    expect(card.cacheDirtyBytes).toBe(0);
    expect(host.read(17, 1003, 512).every((b) => b === 0)).toBe(true);
  });

  it('writes the cache to the media on FLUSH_CACHE, with busy for the programming', () => {
    const { card, host, clock, media, powerCut } = make();
    host.write(2000, data(8192, 0x11));
    host.word(6, (3 << 24) | (EXT_CSD.FLUSH_CACHE << 16) | (1 << 8));
    expect(card.busyUntil - clock.now).toBe(100_000 + 2 * 250_000);
    expect(media(2000, 8192).every((b) => b === 0x11)).toBe(true);
    host.waitBusy();
    expect(host.status() & R1.SWITCH_ERROR).toBe(0);
    powerCut();
    expect(host.read(17, 2015, 512).every((b) => b === 0x11)).toBe(true);
  });

  it('bypasses the cache for forced programming and reliable writes', () => {
    const { card, host, clock, media, powerCut } = make();
    const t0 = clock.now;
    host.word(23, 1 | FORCED_PROGRAMMING);
    host.word(25, 3000);
    card.writeData(data(512, 0x77));
    expect(card.busyUntil - t0).toBe(250_000);
    host.waitBusy();
    host.write(3001, data(1024, 0x78), RELIABLE_WRITE);
    expect(card.cacheDirtyBytes).toBe(0);
    powerCut();
    expect(media(3000).every((b) => b === 0x77)).toBe(true);
    expect(media(3001, 1024).every((b) => b === 0x78)).toBe(true);
  });

  it('lets a direct write win over an older cached copy of the same block', () => {
    const { card, host, media } = make();
    host.write(4000, data(512, 1));
    host.write(4000, data(512, 2), FORCED_PROGRAMMING);
    expect(card.cacheDirtyBytes).toBe(0);
    host.word(6, (3 << 24) | (EXT_CSD.FLUSH_CACHE << 16) | (1 << 8));
    host.waitBusy();
    expect(media(4000).every((b) => b === 2)).toBe(true);
  });

  it('writes back when full, on sleep, on power-off notification and when turned off', () => {
    const { card, host, media } = make(4); // 4 KiB = 8 blocks
    host.write(0, data(4096, 3));
    expect(card.cacheDirtyBytes).toBe(4096);
    host.write(8, data(512, 4)); // no room: the 8 cached blocks go to the media first
    expect(media(0, 4096).every((b) => b === 3)).toBe(true);
    expect(card.cacheDirtyBytes).toBe(512);
    // Sleep: deselect, CMD5 with the sleep bit.
    host.cmd(7, 0);
    host.word(5, (1 << 16) | 0x8000);
    expect(card.state).toBe('slp');
    expect(card.cacheDirtyBytes).toBe(0);
    expect(media(8).every((b) => b === 4)).toBe(true);
    host.waitBusy();
    host.word(5, 1 << 16);
    host.waitBusy();
    host.word(7, 1 << 16);
    host.write(9, data(512, 5));
    host.switch(EXT_CSD.POWER_OFF_NOTIFICATION, 1);
    expect(card.cacheDirtyBytes).toBe(512);
    expect(host.switch(EXT_CSD.POWER_OFF_NOTIFICATION, 2) & R1.SWITCH_ERROR).toBe(0);
    expect(card.cacheDirtyBytes).toBe(0);
    host.write(10, data(512, 6));
    host.switch(EXT_CSD.CACHE_CTRL, 0);
    expect(media(10).every((b) => b === 6)).toBe(true);
    host.write(11, data(512, 7)); // cache off: straight to the media
    expect(media(11).every((b) => b === 7)).toBe(true);
  });
});
