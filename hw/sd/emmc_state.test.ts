import { describe, expect, it } from 'vitest';
import { SparseBackend } from '../block/sparse.ts';
import { EmmcCard, type EmmcCardOptions } from './emmc.ts';
import { EXT_CSD } from './emmc_ext_csd.ts';
import type { EmmcCardState } from './emmc_state.ts';
import { R1, r1State } from './emmc_status.ts';
import { ManualClock, RawHost } from './emmc_testing.ts';

describe('EmmcCard sleep', () => {
  it('sleeps from stand-by only, accepts only CMD0/CMD5 asleep, and wakes with busy', () => {
    const clock = new ManualClock();
    const card = new EmmcCard({ clock, user: new SparseBackend({ size: 8 * 1024 ** 3 }), timing: { sleepAwakeNs: 2_000_000 } });
    const host = new RawHost(card, clock);
    host.bringUp();
    expect(host.cmd(5, (1 << 16) | 0x8000).kind).toBe('none'); // selected: not from tran
    host.cmd(7, 0);
    const r = host.word(5, (1 << 16) | 0x8000);
    expect(r1State(r)).toBe('stby');
    expect(r & R1.ILLEGAL_COMMAND).toBeTruthy(); // the refused CMD5 before
    expect(card.state).toBe('slp');
    expect(card.busyUntil - clock.now).toBe(2_000_000);
    expect(100 * 2 ** card.extCsd[EXT_CSD.S_A_TIMEOUT]!).toBeGreaterThanOrEqual(2_000_000);
    expect(host.cmd(13, 1 << 16).kind).toBe('none');
    expect(host.cmd(7, 1 << 16).kind).toBe('none');
    expect(host.cmd(5, 1 << 16).kind).toBe('none'); // still busy going to sleep
    host.waitBusy();
    expect(r1State(host.word(5, 1 << 16))).toBe('slp');
    expect(card.state).toBe('stby');
    expect(host.cmd(7, 1 << 16).kind).toBe('none'); // still waking up
    host.waitBusy();
    expect(r1State(host.word(7, 1 << 16))).toBe('stby');
    expect(card.state).toBe('tran');
    host.cmd(7, 0);
    host.word(5, (1 << 16) | 0x8000);
    host.waitBusy();
    expect(host.cmd(0).kind).toBe('none');
    expect(card.state).toBe('idle');
  });
});

const OPTIONS = (clock: ManualClock, user: SparseBackend, boot0: SparseBackend, boot1: SparseBackend): EmmcCardOptions => ({
  clock,
  user,
  boot0,
  boot1,
  cacheKiB: 256,
  cmdq: { depth: 8 },
});

describe('EmmcCard saveState/loadState', () => {
  it('continues on a fresh card exactly where the saved one was', () => {
    const clock = new ManualClock();
    const user = new SparseBackend({ size: 8 * 1024 ** 3 });
    const boot0 = new SparseBackend({ size: 1024 * 1024 });
    const boot1 = new SparseBackend({ size: 1024 * 1024 });
    const a = new EmmcCard(OPTIONS(clock, user, boot0, boot1));
    const host = new RawHost(a, clock, 7);
    host.bringUp();
    host.switch(EXT_CSD.BUS_WIDTH, 2);
    host.switch(EXT_CSD.CACHE_CTRL, 1);
    host.switch(EXT_CSD.PARTITION_CONFIG, 2);
    host.write(40, new Uint8Array(3 * 512).map((_, i) => i >> 9 || 0x10)); // cached, in boot1
    host.word(23, 3);
    host.word(18, 40);
    const first = new Uint8Array(512);
    expect(a.readData(first)).toBe(512);
    expect(host.cmd(2).kind).toBe('none'); // illegal: ILLEGAL_COMMAND pending

    const saved: EmmcCardState = JSON.parse(JSON.stringify(a.saveState()));
    expect(saved.version).toBe(1);
    expect(saved.state).toBe('data');
    expect(saved.rca).toBe(7);
    expect(saved.extCsd.partitionConfig).toBe(2);
    expect(saved.transfer).toMatchObject({ kind: 'read', part: 2, block: 41, remaining: 2 });
    expect(saved.cache.length).toBe(3);

    const b = new EmmcCard({ ...OPTIONS(clock, user, boot0, boot1), poweredOn: false });
    b.loadState(saved);
    expect(b.state).toBe('data');
    expect(b.extCsd).toEqual(a.extCsd);
    expect(b.cacheDirtyBytes).toBe(3 * 512);
    const rest = new Uint8Array(1024);
    expect(b.readData(rest)).toBe(1024);
    expect([first[0], rest[0], rest[512]]).toEqual([0x10, 1, 2]);
    expect(b.state).toBe('tran');
    const hb = new RawHost(b, clock, 7);
    expect(hb.status() & R1.ILLEGAL_COMMAND).toBeTruthy();
    expect(b.saveState()).toEqual({ ...saved, state: 'tran', transfer: null, pendingStatus: 0 });
  });

  it('keeps the busy deadline and the command queue', () => {
    const clock = new ManualClock();
    const stores = [new SparseBackend({ size: 8 * 1024 ** 3 }), new SparseBackend({ size: 1024 * 1024 }), new SparseBackend({ size: 1024 * 1024 })] as const;
    const a = new EmmcCard(OPTIONS(clock, ...stores));
    const host = new RawHost(a, clock);
    host.bringUp();
    host.switch(EXT_CSD.CMDQ_MODE_EN, 1);
    host.word(44, (1 << 30) | (4 << 16) | 1);
    host.word(45, 0);
    host.word(44, (2 << 16) | 8);
    host.word(45, 8);
    host.word(47, 2 << 16);
    a.writeData(new Uint8Array(8 * 512));
    const b = new EmmcCard({ ...OPTIONS(clock, ...stores), poweredOn: false });
    b.loadState(a.saveState());
    expect(b.busy).toBe(true);
    expect(b.busyUntil).toBe(a.busyUntil);
    expect(b.state).toBe('prg');
    host.waitBusy();
    expect(new RawHost(b, clock).word(13, (1 << 16) | (1 << 15))).toBe(1 << 4);
  });

  it('rejects a malformed or foreign state', () => {
    const clock = new ManualClock();
    const card = new EmmcCard({ clock, user: new SparseBackend({ size: 1024 * 1024 }) });
    const good = card.saveState();
    expect(() => card.loadState({ ...good, version: 2 as 1 })).toThrow(TypeError);
    expect(() => card.loadState({ ...good, state: 'sleeping' as 'slp' })).toThrow(/state/);
    expect(() => card.loadState({ ...good, cmdq: { pending: null, tasks: [] } })).toThrow(/cmdq/);
    expect(() => card.loadState({ ...good, cache: [{ partition: 0, block: 0, data: '00' }] })).toThrow(/cache/);
  });
});
