// Power loss at any instant of a write: blocks programmed before the cut are new, blocks after
// it old, the one in flight old, new or torn (a new prefix) as the card is configured; without
// a cut nothing changes. The expected media is worked out here from the documented timing rule
// (block i of n programs in [T0 + i·P/n, T0 + (i+1)·P/n) after the data phase ends at T0).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SparseBackend } from '../block/sparse.ts';
import { EmmcCard, type EmmcPowerLoss } from './emmc.ts';
import { EXT_CSD } from './emmc_ext_csd.ts';
import { MediaProgramming } from './emmc_program.ts';
import { ManualClock, RawHost } from './emmc_testing.ts';
import { pattern } from '../../tools/testing/pattern.ts';

const UNIT = 4096;
const PROGRAM_NS = 250_000;
const AT = 5000; // first block of every write
const FORCED_PROGRAMMING = 1 << 24;

const make = (powerLoss: EmmcPowerLoss, cacheKiB = 0) => {
  const clock = new ManualClock();
  const user = new SparseBackend({ size: 4 * 1024 ** 3 }); // sector addressing
  const card = new EmmcCard({ clock, user, powerLoss, cacheKiB, timing: { programNs: PROGRAM_NS, programUnitBytes: UNIT, flushNs: 100_000 } });
  const host = new RawHost(card, clock);
  host.bringUp();
  const media = (block: number, n: number): Uint8Array => {
    const d = new Uint8Array(n * 512);
    user.read(block * 512, d);
    return d;
  };
  return { clock, card, host, user, media };
};

/** The media a cut at @cut after the data phase should leave: per block new, old, or torn. */
const expected = (oldData: Uint8Array, newData: Uint8Array, programNs: number, cut: number, mode: EmmcPowerLoss): Uint8Array => {
  const n = newData.length / 512;
  const out = oldData.slice();
  for (let i = 0; i < n; i++) {
    const start = (i * programNs) / n;
    const end = ((i + 1) * programNs) / n;
    const block = newData.subarray(i * 512, (i + 1) * 512);
    if (end <= cut) out.set(block, i * 512);
    else if (start <= cut) {
      const prefix = mode === 'new' ? 512 : mode === 'old' ? 0 : Math.floor(((cut - start) / (end - start)) * 512);
      out.set(block.subarray(0, prefix), i * 512);
    }
  }
  return out;
};

/** Write @newData at AT (CMD24, or CMD23 + CMD25) and return the instant its data phase ended. */
const startWrite = (host: RawHost, card: EmmcCard, newData: Uint8Array, flags = 0): number => {
  const n = newData.length / 512;
  if (n === 1) host.word(24, AT);
  else {
    host.word(23, (n | flags) >>> 0);
    host.word(25, AT);
  }
  expect(card.writeData(newData)).toBe(newData.length);
  return host.clock.now;
};

const programNsOf = (blocks: number): number => Math.ceil((blocks * 512) / UNIT) * PROGRAM_NS;

describe('EmmcCard power loss during a write', () => {
  it('keeps earlier blocks new, later ones old, and the one in flight old, new or torn (any instant, 1 to 40 blocks)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 120_000 }), fc.constantFrom<EmmcPowerLoss>('old', 'new', 'torn'), (blocks, at, mode) => {
        const { clock, card, host, user, media } = make(mode);
        const oldData = pattern(blocks * 512, 1);
        const newData = pattern(blocks * 512, 2);
        user.write(AT * 512, oldData);
        const t0 = startWrite(host, card, newData, FORCED_PROGRAMMING);
        const P = programNsOf(blocks);
        expect(card.busyUntil - t0).toBe(P); // the busy the host sees is the programming time
        const cut = Math.floor((at * P) / 100_000); // up to 20 % past the end of programming
        clock.advanceTo(t0 + cut);
        const r = card.powerCut();
        expect(media(AT, blocks)).toEqual(expected(oldData, newData, P, cut, mode));
        // Exactly one block is in flight while the write programs; none once it is done.
        expect(r.old + r.torn + r.new).toBe(cut >= P ? 0 : blocks - Math.floor((cut * blocks) / P));
      }),
      { numRuns: 150, seed: 5 },
    );
  });

  it('tears the block in flight at the byte the cut instant gives: floor(512 × elapsed / duration)', () => {
    const { clock, card, host, media } = make('torn');
    const newData = new Uint8Array(8 * 512).fill(0xaa); // one programming unit: 250 µs, 31.25 µs per block
    const t0 = startWrite(host, card, newData, FORCED_PROGRAMMING);
    clock.advanceTo(t0 + 3 * 31_250 + 31_250 / 4); // a quarter into block 3
    expect(card.powerCut()).toMatchObject({ old: 4, torn: 1, new: 0 });
    const m = media(AT, 8);
    expect(m.subarray(0, 3 * 512).every((b) => b === 0xaa)).toBe(true);
    expect(m.subarray(3 * 512, 3 * 512 + 128).every((b) => b === 0xaa)).toBe(true);
    expect(m.subarray(3 * 512 + 128).every((b) => b === 0)).toBe(true);
  });

  it('leaves the media as it was when the cut comes while the data still arrives', () => {
    const { card, host, user, media } = make('torn');
    user.write(AT * 512, pattern(16 * 512, 1));
    host.word(23, 16 | FORCED_PROGRAMMING);
    host.word(25, AT);
    expect(card.writeData(pattern(8 * 512, 2))).toBe(8 * 512); // half of it, the card still in rcv
    expect(card.state).toBe('rcv');
    expect(card.powerCut()).toMatchObject({ old: 8, torn: 0, new: 0 });
    expect(media(AT, 16)).toEqual(pattern(16 * 512, 1));
  });

  it('changes nothing without a cut, nor once programming is over: setPower(false) after the busy keeps every block', () => {
    for (const mode of ['old', 'new', 'torn'] as const) {
      const { card, host, media } = make(mode);
      const newData = pattern(24 * 512, 3);
      startWrite(host, card, newData, FORCED_PROGRAMMING);
      expect(media(AT, 24)).toEqual(newData); // on the media at once, as before
      host.waitBusy();
      card.setPower(false);
      expect(media(AT, 24)).toEqual(newData);
      expect(card.powerCut()).toEqual({ time: host.clock.now, old: 0, torn: 0, new: 0 });
    }
  });

  it('setPower(false) during programming rolls back like powerCut()', () => {
    const { clock, card, host, user, media } = make('old');
    user.write(AT * 512, pattern(8 * 512, 1));
    const t0 = startWrite(host, card, pattern(8 * 512, 2), FORCED_PROGRAMMING);
    clock.advanceTo(t0 + PROGRAM_NS / 2); // blocks 0-3 done, 4 in flight
    card.setPower(false);
    expect(media(AT, 8)).toEqual(expected(pattern(8 * 512, 1), pattern(8 * 512, 2), PROGRAM_NS, PROGRAM_NS / 2, 'old'));
  });

  it('programs a cache flush block by block after its fixed cost, in address order', () => {
    const { clock, card, host, user, media } = make('old', 64);
    expect(host.switch(EXT_CSD.CACHE_CTRL, 1)).toBeTypeOf('number');
    user.write(AT * 512, pattern(8 * 512, 1));
    host.write(AT, pattern(8 * 512, 2)); // into the cache
    expect(card.cacheDirtyBytes).toBe(8 * 512);
    host.word(6, (3 << 24) | (EXT_CSD.FLUSH_CACHE << 16) | (1 << 8));
    const t0 = clock.now;
    expect(card.busyUntil - t0).toBe(100_000 + PROGRAM_NS);
    clock.advanceTo(t0 + 100_000 + (5 * PROGRAM_NS) / 8); // 5 blocks programmed
    card.powerCut();
    expect(media(AT, 8)).toEqual(expected(pattern(8 * 512, 1), pattern(8 * 512, 2), PROGRAM_NS, (5 * PROGRAM_NS) / 8, 'old'));
  });

  it('has what is left programmed by the end of a busy a High Priority Interrupt cut short', () => {
    const { clock, card, host, media } = make('old');
    host.switch(EXT_CSD.HPI_MGMT, 1);
    const newData = pattern(64 * 512, 4); // 2 ms of programming
    const t0 = startWrite(host, card, newData, FORCED_PROGRAMMING);
    clock.advanceTo(t0 + 100_000);
    host.word(12, (1 << 16) | 1); // CMD12 with HPI
    expect(card.busyUntil).toBe(t0 + 110_000);
    clock.advanceTo(card.busyUntil);
    expect(card.powerCut()).toMatchObject({ old: 0, torn: 0, new: 0 });
    expect(media(AT, 64)).toEqual(newData);
  });

  it('keeps what is programming across saveState/loadState', () => {
    const { clock, card, host, user, media } = make('torn');
    user.write(AT * 512, pattern(8 * 512, 1));
    const t0 = startWrite(host, card, pattern(8 * 512, 2), FORCED_PROGRAMMING);
    const saved = JSON.parse(JSON.stringify(card.saveState()));
    expect(saved.programming).toHaveLength(8);
    const b = new EmmcCard({ clock, user, powerLoss: 'torn', timing: { programNs: PROGRAM_NS, programUnitBytes: UNIT }, poweredOn: false });
    b.loadState(saved);
    clock.advanceTo(t0 + PROGRAM_NS / 4);
    b.powerCut();
    expect(media(AT, 8)).toEqual(expected(pattern(8 * 512, 1), pattern(8 * 512, 2), PROGRAM_NS, PROGRAM_NS / 4, 'torn'));
  });

  it('rejects an unknown powerLoss', () => {
    const clock = new ManualClock();
    expect(() => new EmmcCard({ clock, user: new SparseBackend({ size: 1024 * 1024 }), powerLoss: 'half' as 'old' })).toThrow(/powerLoss must be one of old, new, torn/);
  });
});

// The old bytes are the store's own chunk buffers (SparseBackend.exchange), recycled once a run is
// forgotten: rollback must still find the truly old bytes, whatever was written since.
describe('MediaProgramming on an exchanging store', () => {
  const CHUNK_BLOCKS = 8; // 4 KiB chunks keep the arrays small
  const store = (old: Uint8Array) => {
    const s = new SparseBackend({ size: 1 << 20, chunkBytes: CHUNK_BLOCKS * 512 });
    s.write(0, old);
    const blocks = (block: number, n: number): Uint8Array => {
      const d = new Uint8Array(n * 512);
      s.read(block * 512, d);
      return d;
    };
    return { s, blocks };
  };
  const write = (p: MediaProgramming, s: SparseBackend, block: number, data: Uint8Array) => p.record(0, block, s.exchange(block * 512, data));

  it('gives each block its oldest bytes after overlapping writes still programming', () => {
    const original = pattern(50 * 512, 1);
    const { s, blocks } = store(original);
    const p = new MediaProgramming();
    const first = pattern(34 * 512, 2); // blocks 0-33: chunks 0-3 whole, 2 blocks of chunk 4
    write(p, s, 0, first);
    p.schedule(0, 34_000); // block i: [1000 i, 1000 (i + 1))
    write(p, s, 4, pattern(34 * 512, 3)); // blocks 4-37: overlaps the first, not started at the cut
    p.schedule(34_000, 34_000);
    expect(p.powerCut(10_500, [s], 'old')).toEqual({ time: 10_500, old: 24 + 34, torn: 0, new: 0 });
    const want = original.slice();
    want.set(first.subarray(0, 10 * 512)); // blocks 0-9 of the first write completed
    expect(blocks(0, 50)).toEqual(want);
  });

  it('recycles a forgotten run’s buffer without touching the old bytes a pending run holds', () => {
    const a = pattern(2 * CHUNK_BLOCKS * 512, 1);
    const b = pattern(CHUNK_BLOCKS * 512, 2);
    const c = pattern(CHUNK_BLOCKS * 512, 3);
    const { s, blocks } = store(a);
    const p = new MediaProgramming();
    write(p, s, 0, b); // chunk 0: a -> b
    p.schedule(0, 100);
    write(p, s, 0, c); // chunk 0: b -> c, the second run holding b
    p.schedule(100, 100);
    p.settle(100); // the first run is done: its buffer (a) goes back to the store
    expect(s.freeBytes).toBe(CHUNK_BLOCKS * 512);
    write(p, s, CHUNK_BLOCKS, pattern(CHUNK_BLOCKS * 512, 4)); // chunk 1, whole: reuses that buffer
    expect(s.freeBytes).toBe(0);
    p.schedule(200, 100);
    const half = (CHUNK_BLOCKS / 2) * 512;
    p.powerCut(150, [s], 'old'); // the second run half done (the next block in flight), the third not started
    const want = a.slice();
    want.set(c.subarray(0, half));
    want.set(b.subarray(half), half);
    expect(blocks(0, 2 * CHUNK_BLOCKS)).toEqual(want);
  });

  it('hands saveState copies of the old bytes, not the buffers that go back to the store', () => {
    const a = pattern(2 * CHUNK_BLOCKS * 512, 1);
    const { s } = store(a);
    const p = new MediaProgramming();
    write(p, s, 0, pattern(CHUNK_BLOCKS * 512, 2));
    p.schedule(0, 100);
    const saved = p.entries(0);
    p.settle(100);
    write(p, s, CHUNK_BLOCKS, pattern(CHUNK_BLOCKS * 512, 3)); // reuses the first run's buffer
    expect(s.freeBytes).toBe(0);
    expect(saved).toHaveLength(CHUNK_BLOCKS);
    expect(saved[5]!.old).toEqual(a.subarray(5 * 512, 6 * 512));
  });

  it('keeps the spread arithmetic: hurry re-spreads what is left, a restored unscheduled block takes its schedule', () => {
    const { s } = store(new Uint8Array(0));
    const p = new MediaProgramming();
    write(p, s, 0, pattern(8 * 512, 2));
    p.schedule(0, 800); // block i: [100 i, 100 (i + 1))
    p.hurry(150, 250); // blocks 1-7 are left: over [150, 250)
    expect(p.entries(0)[0]).toMatchObject({ block: 0, start: 0, end: 100 }); // done, as it was
    expect(p.entries(150).map((e) => [e.block, e.start, e.end])).toEqual(Array.from({ length: 7 }, (_, i) => [1 + i, 150 + (i * 100) / 7, 150 + ((i + 1) * 100) / 7]));
    p.settle(250);
    expect(p.entries(0)).toEqual([]);
    p.restore([{ part: 0, block: 3, old: new Uint8Array(512), start: null, end: null }]);
    expect(p.entries(0)[0]).toMatchObject({ start: null, end: null });
    p.schedule(1000, 300);
    expect(p.entries(0)[0]).toMatchObject({ block: 3, start: 1000, end: 1300 });
  });
});
