import { describe, expect, it } from 'vitest';
import { SparseBackend } from '../block/sparse.ts';
import { EmmcCard } from './emmc.ts';
import { ERASE_ARG } from './emmc_erase.ts';
import { EXT_CSD } from './emmc_ext_csd.ts';
import { R1, r1State } from './emmc_status.ts';
import { ManualClock, RawHost } from './emmc_testing.ts';

const make = (erasedByte: 0 | 0xff = 0xff) => {
  const clock = new ManualClock();
  const user = new SparseBackend({ size: 8 * 1024 ** 3, fill: erasedByte });
  const card = new EmmcCard({ clock, user, erasedByte, cacheKiB: 64, timing: { eraseNsPerGroup: 3_000_000, trimNsPerGroup: 1_000_000 } });
  const host = new RawHost(card, clock);
  host.bringUp();
  host.write(0, new Uint8Array(2048 * 512).fill(0x42)); // erase groups 0 and 1
  const block = (n: number): number => {
    const d = new Uint8Array(512);
    user.read(n * 512, d);
    return d[0]!;
  };
  return { clock, card, host, block };
};

const erase = (host: RawHost, start: number, end: number, arg: number): number => {
  host.word(35, start);
  host.word(36, end);
  return host.word(38, arg);
};

describe('EmmcCard erase, trim, discard', () => {
  it('erases whole erase groups to ERASED_MEM_CONT, with busy per group', () => {
    const { host, card, clock, block } = make(0xff);
    expect(card.extCsd[EXT_CSD.ERASED_MEM_CONT]).toBe(1);
    const r = erase(host, 100, 200, ERASE_ARG.ERASE);
    expect(r & 0xffff_e000).toBe(0);
    expect(card.busyUntil - clock.now).toBe(3_000_000);
    expect(r1State(host.status())).toBe('prg');
    host.waitBusy();
    expect(block(0)).toBe(0xff);
    expect(block(1023)).toBe(0xff);
    expect(block(1024)).toBe(0x42);
    expect(host.read(17, 500, 512).every((b) => b === 0xff)).toBe(true);
  });

  it('trims and discards exactly the blocks given, erasing to 0 on an erasedByte 0 card', () => {
    const { host, block } = make(0);
    erase(host, 1500, 1501, ERASE_ARG.TRIM);
    host.waitBusy();
    expect([block(1499), block(1500), block(1501), block(1502)]).toEqual([0x42, 0, 0, 0x42]);
    erase(host, 10, 10, ERASE_ARG.DISCARD);
    host.waitBusy();
    expect([block(9), block(10), block(11)]).toEqual([0x42, 0, 0x42]);
  });

  it('erases what is still in the cache too', () => {
    const { host, block } = make(0xff);
    host.switch(EXT_CSD.CACHE_CTRL, 1);
    host.write(1700, new Uint8Array(512).fill(9));
    erase(host, 1700, 1700, ERASE_ARG.TRIM);
    host.waitBusy();
    host.switch(EXT_CSD.FLUSH_CACHE, 1);
    expect(block(1700)).toBe(0xff);
    expect(host.read(17, 1700, 512)[0]).toBe(0xff);
  });

  it('runs secure trim in two steps', () => {
    const { host, block } = make(0xff);
    erase(host, 30, 31, ERASE_ARG.SECURE_TRIM_1);
    host.waitBusy();
    expect(block(30)).toBe(0x42);
    erase(host, 0, 0, ERASE_ARG.SECURE_TRIM_2);
    host.waitBusy();
    expect([block(29), block(30), block(31), block(0)]).toEqual([0x42, 0xff, 0xff, 0x42]);
  });

  it('reports sequence errors, and ERASE_RESET when another command breaks the sequence', () => {
    const { host, block } = make(0xff);
    expect(host.word(36, 5) & R1.ERASE_SEQ_ERROR).toBeTruthy();
    expect(host.word(38, 0) & R1.ERASE_SEQ_ERROR).toBeTruthy();
    host.word(35, 5);
    host.status(); // CMD13 may come between
    host.word(36, 6);
    const broken = host.word(16, 512);
    expect(broken & R1.ERASE_RESET).toBeTruthy();
    expect(host.word(38, 0) & R1.ERASE_SEQ_ERROR).toBeTruthy();
    expect(block(5)).toBe(0x42);
    expect(erase(host, 7, 6, ERASE_ARG.TRIM) & R1.ERASE_PARAM).toBeTruthy();
    expect(erase(host, 6, 7, 0x1234) & R1.ERASE_PARAM).toBeTruthy();
    expect(host.word(35, 16 * 1024 * 1024) & R1.OUT_OF_RANGE).toBeTruthy();
  });
});
