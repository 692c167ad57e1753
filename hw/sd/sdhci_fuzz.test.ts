// Property-based fuzzing of the SD Host Controller model under a random guest: sequences of 1-,
// 2- and 4-byte register reads and writes (mostly at real registers, with values that make
// sense there: commands, transfer modes, block sizes and counts, card addresses near the end
// of the card, DMA and descriptor addresses inside, at the edge of and outside guest RAM),
// random ADMA2 descriptor tables written into RAM, clock gating, snapshots, all interleaved
// with advancing the clock; from reset or from a card already brought up. The model gets
// checking stand-ins for guest memory, the card's stores and the clock (tools/testing/
// checked_hw.ts). Properties: no exception; no access the interfaces forbid (a DMA address
// outside the DmaMemory contract, a store access outside the store, an event at a time that is
// not a number); a register read is a value of its size; the interrupt line the embedder
// sees is the level the model reports; no livelock. Run counts and replay: tools/testing/
// fuzz.ts, docs/fuzzing.md.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccessSize } from '../../include/hw/mmio.h.ts';
import * as R from '../../include/hw/sdhci.h.ts';
import { VirtualClock } from '../../kernel/time/clock.ts';
import { CheckedBackend, CheckedClock, CheckedDma } from '../../tools/testing/checked_hw.ts';
import { fuzz_check, fuzz_long, fuzz_timeout } from '../../tools/testing/fuzz.ts';
import { SparseBackend } from '../block/sparse.ts';
import { GuestRam } from '../memory/ram.ts';
import { EmmcCard } from './emmc.ts';
import { SdhciController } from './sdhci.ts';
import { FLAGS, SdhciGuest } from './sdhci_testing.ts';

const USER_BYTES = 8 << 20;
const BOOT_BYTES = 128 << 10;
/** Guest RAM placements: the usual, at 0, and ending right below 4 GiB (where 32-bit addresses wrap). */
const RAMS = [
  { base: 0x8000_0000, size: 256 << 10 },
  { base: 0, size: 64 << 10 },
  { base: 2 ** 32 - (64 << 10), size: 64 << 10 },
] as const;

// ---- what the guest does --------------------------------------------------------------------

/**
 * An address: in RAM, near its end, or a notable one outside it; resolved against the bench's RAM.
 * A descriptor's data may also follow the previous descriptor's (a buffer split in segments).
 */
type addr = { ram: number; align: boolean } | { ram_end: number } | { abs: number } | { follows: true };
const addr_arb: fc.Arbitrary<addr> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ ram: fc.nat(), align: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ ram_end: fc.integer({ min: -1024, max: 4096 }) }) },
  { weight: 2, arbitrary: fc.record({ abs: fc.oneof(fc.constantFrom(0, 0xffff_ffff, 0xffff_fe00, 0x1000, 2 ** 32 - 4), fc.nat(0xffff_ffff)) }) },
);

/**
 * A card address (CMD17/18/24/25/35/36 argument; the 8 MiB card is byte-addressed): a block,
 * one near the end of the user area (or past it), a block number as a sector-mode card would
 * take it, or any value.
 */
type card_addr = { block: number } | { end_bytes: number } | { end_blocks: number } | { abs: number };
const card_addr_arb: fc.Arbitrary<card_addr> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ block: fc.nat(USER_BYTES / 512 - 1) }) },
  { weight: 2, arbitrary: fc.record({ end_bytes: fc.integer({ min: -4, max: 64 }) }) },
  fc.record({ end_blocks: fc.integer({ min: -4, max: 64 }) }),
  fc.record({ abs: fc.oneof(fc.nat(64), fc.nat(0xffff_ffff)) }),
);

type value = { raw: number } | { addr: addr } | { card: card_addr };

/** The registers the guest mostly writes, with their natural sizes and the values that make sense there. */
const REG_WRITES: ReadonlyArray<[number, AccessSize, fc.Arbitrary<value>]> = [
  [R.SDHCI_DMA_ADDRESS, 4, addr_arb.map((a) => ({ addr: a }))],
  [R.SDHCI_ADMA_ADDRESS, 4, addr_arb.map((a) => ({ addr: a }))],
  [R.SDHCI_ADMA_ADDRESS_HI, 4, fc.oneof(fc.constant(0), fc.constantFrom(1, 0x1f_ffff, 0x20_0000, 0xffff_ffff), fc.nat(0xffff_ffff)).map((v) => ({ raw: v }))],
  [R.SDHCI_ARGUMENT, 4, card_addr_arb.map((c) => ({ card: c }))],
  [R.SDHCI_BLOCK_SIZE, 2, fc.tuple(fc.nat(7), fc.oneof(fc.constantFrom(512, 0, 1, 4, 8, 64, 511, 513, 2048, 4095), fc.nat(0xfff))).map(([b, s]) => ({ raw: R.SDHCI_MAKE_BLKSZ(b, s) }))],
  [R.SDHCI_BLOCK_COUNT, 2, fc.oneof(fc.nat(20), fc.constantFrom(0, 0xffff)).map((v) => ({ raw: v }))],
  [R.SDHCI_TRANSFER_MODE, 2, fc.nat(0x3f).map((v) => ({ raw: v }))],
  [R.SDHCI_COMMAND, 2, fc.tuple(fc.oneof(fc.constantFrom(0, 1, 2, 3, 6, 7, 8, 9, 12, 13, 16, 17, 18, 21, 23, 24, 25, 35, 36, 38, 44, 45, 46, 47, 48), fc.nat(63)), fc.nat(0xff)).map(([c, f]) => ({ raw: R.SDHCI_MAKE_CMD(c, f) }))],
  [R.SDHCI_HOST_CONTROL, 1, fc.nat(0xff).map((v) => ({ raw: v }))],
  [R.SDHCI_HOST_CONTROL2, 2, fc.oneof(fc.constantFrom(R.SDHCI_CTRL_V4_MODE, R.SDHCI_CTRL_V4_MODE | R.SDHCI_CTRL_64BIT_ADDR, 0), fc.nat(0xffff)).map((v) => ({ raw: v }))],
  [R.SDHCI_SOFTWARE_RESET, 1, fc.oneof(fc.constantFrom(R.SDHCI_RESET_ALL, R.SDHCI_RESET_CMD, R.SDHCI_RESET_DATA), fc.nat(7)).map((v) => ({ raw: v }))],
  [R.SDHCI_INT_STATUS, 4, fc.oneof(fc.constant(0xffff_ffff), fc.nat(0xffff_ffff)).map((v) => ({ raw: v }))],
  [R.SDHCI_INT_ENABLE, 4, fc.oneof(fc.constant(0xffff_ffff), fc.nat(0xffff_ffff)).map((v) => ({ raw: v }))],
  [R.SDHCI_SIGNAL_ENABLE, 4, fc.oneof(fc.constant(0xffff_ffff), fc.nat(0xffff_ffff)).map((v) => ({ raw: v }))],
  [R.SDHCI_BUFFER, 4, fc.nat(0xffff_ffff).map((v) => ({ raw: v }))],
  [R.SDHCI_CLOCK_CONTROL, 2, fc.oneof(fc.constantFrom(0, 0x0205, 0x0207, 0x0105, 0x0005, 0x0007), fc.nat(0xffff)).map((v) => ({ raw: v }))],
  [R.SDHCI_POWER_CONTROL, 1, fc.oneof(fc.constantFrom(0, R.SDHCI_POWER_330 | R.SDHCI_POWER_ON, R.SDHCI_POWER_180 | R.SDHCI_POWER_ON), fc.nat(0xff)).map((v) => ({ raw: v }))],
  [R.SDHCI_TIMEOUT_CONTROL, 1, fc.nat(0xf).map((v) => ({ raw: v }))],
  [R.SDHCI_BLOCK_GAP_CONTROL, 1, fc.nat(0xff).map((v) => ({ raw: v }))],
  [R.SDHCI_SET_ACMD12_ERROR, 2, fc.nat(0xffff).map((v) => ({ raw: v }))],
  [R.SDHCI_SET_INT_ERROR, 2, fc.nat(0xffff).map((v) => ({ raw: v }))],
];

/** One ADMA2 descriptor: mostly valid tran/link/nop/end ones of sensible lengths pointing into RAM. */
const desc_arb = fc.record({
  attr: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(0x21, 0x23, 0x27, 0x25, 0x31, 0x33, 0x01, 0x03, 0x07, 0x11) },
    { weight: 1, arbitrary: fc.nat(0xffff) },
  ),
  len: fc.oneof(fc.constantFrom(512, 0, 1, 4, 256, 1024, 4096), fc.nat(0xffff)),
  addr: addr_arb,
  hi: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat(0xffff_ffff) }),
});

interface desc {
  attr: number;
  len: number;
  addr: addr;
  hi: number;
}

/** A data transfer set up as a driver does it, through one of the engines (ADMA2 with a table of @entries). */
interface xfer {
  op: 'xfer';
  write: boolean;
  multi: boolean;
  blocks: number;
  arg: card_addr;
  engine: 'pio' | 'sdma' | 'adma32' | 'adma64';
  boundary: number;
  acmd: number;
  addr: addr;
  desc: 8 | 12 | 16;
  entries: desc[];
  /** Virtual time let pass right after the command is issued. */
  run: number;
  /** First as a driver recovers: clocks on, CMD and DAT lines reset, status acked. */
  recover: boolean;
}
const xfer_arb: fc.Arbitrary<xfer> = fc.record({
  op: fc.constant('xfer' as const),
  write: fc.boolean(),
  multi: fc.boolean(),
  blocks: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constantFrom(0, 0xffff)),
  arg: card_addr_arb,
  engine: fc.constantFrom('pio' as const, 'sdma' as const, 'adma32' as const, 'adma64' as const),
  boundary: fc.nat(7),
  acmd: fc.constantFrom(0, R.SDHCI_TRNS_AUTO_CMD12, R.SDHCI_TRNS_AUTO_CMD23),
  addr: addr_arb,
  desc: fc.constantFrom(8 as const, 12 as const, 16 as const),
  entries: fc.oneof(
    fc.array(
      fc.record({
        attr: fc.oneof({ weight: 6, arbitrary: fc.constant(0x21) }, { weight: 1, arbitrary: fc.constantFrom(0x31, 0x01, 0x25) }, { weight: 1, arbitrary: fc.nat(0xffff) }),
        len: fc.oneof(fc.integer({ min: 1, max: 8 }).map((k) => 512 * k), fc.constantFrom(0, 4, 256), fc.nat(0xffff)),
        addr: addr_arb,
        hi: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat(0xffff_ffff) }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    // A buffer split in segments as a driver maps it, each following the one before, now and
    // then with Int, End, a bad attribute or a length that is not whole blocks.
    fc.array(
      fc.record({
        attr: fc.oneof({ weight: 8, arbitrary: fc.constant(0x21) }, { weight: 1, arbitrary: fc.constantFrom(0x25, 0x23, 0x20, 0x31) }),
        len: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 8 }).map((k) => 512 * k) }, { weight: 1, arbitrary: fc.constantFrom(0, 700) }),
        addr: fc.constant({ follows: true as const }),
        hi: fc.constant(0),
      }),
      { minLength: 2, maxLength: 8 },
    ),
  ),
  run: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5e6 }), fc.constant(2e9)),
  recover: fc.boolean(),
});

type op =
  | xfer
  | { op: 'pio'; write: boolean; words: number; v: number }
  | { op: 'w'; off: number; size: AccessSize; v: value }
  | { op: 'r'; off: number; size: AccessSize }
  | { op: 'cmd'; arg: card_addr; blksz: number; blocks: number; mode: number; index: number; flags: number }
  | { op: 'table'; at: addr; desc: 8 | 12 | 16; entries: desc[] }
  | { op: 'run'; ns: number }
  | { op: 'gate'; on: boolean }
  | { op: 'snapshot' };

const size_arb = fc.constantFrom<AccessSize>(1, 2, 4);
const op_arb: fc.Arbitrary<op> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...REG_WRITES).chain(([off, size, v]) => v.map((x): op => ({ op: 'w', off, size, v: x }))) },
  // Any offset and size, inside the window or just past it.
  { weight: 1, arbitrary: fc.record({ op: fc.constant('w' as const), off: fc.integer({ min: -4, max: 0x103 }), size: size_arb, v: fc.nat(0xffff_ffff).map((v) => ({ raw: v })) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('r' as const), off: fc.oneof(fc.constantFrom(0x00, 0x04, 0x06, 0x0c, 0x10, 0x20, 0x24, 0x30, 0x3c, 0x54, 0x58, 0x5c, 0xfc, 0xfe), fc.nat(0xff)), size: size_arb }) },
  // A whole command as a driver issues it (argument, block size and count, mode, command).
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('cmd' as const),
      arg: card_addr_arb,
      blksz: fc.oneof(fc.constant(R.SDHCI_MAKE_BLKSZ(7, 512)), fc.tuple(fc.nat(7), fc.oneof(fc.constant(512), fc.nat(0xfff))).map(([b, s]) => R.SDHCI_MAKE_BLKSZ(b, s))),
      blocks: fc.oneof(fc.integer({ min: 1, max: 16 }), fc.constantFrom(0, 0xffff)),
      mode: fc.oneof(fc.constantFrom(0x23, 0x33, 0x27, 0x37, 0x2b, 0x3b, 0x13, 0x03, 0x01, 0x11, 0x10, 0x00), fc.nat(0x3f)),
      index: fc.constantFrom(17, 18, 24, 25, 8, 6, 13, 12, 23, 35, 36, 38, 0),
      flags: fc.oneof(fc.constantFrom(FLAGS.r1 | R.SDHCI_CMD_DATA, FLAGS.r1, FLAGS.r1b, FLAGS.r2, FLAGS.none), fc.nat(0xff)),
    }),
  },
  { weight: 6, arbitrary: xfer_arb },
  // The Buffer Data Port, a block's worth or part of one.
  { weight: 3, arbitrary: fc.record({ op: fc.constant('pio' as const), write: fc.boolean(), words: fc.oneof(fc.constant(128), fc.integer({ min: 1, max: 300 })), v: fc.nat(0xffff_ffff) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('table' as const), at: addr_arb, desc: fc.constantFrom(8 as const, 12 as const, 16 as const), entries: fc.array(desc_arb, { minLength: 1, maxLength: 8 }) }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('run' as const), ns: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 2e9 })) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('gate' as const), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('snapshot' as const) }) },
);

const bench_arb: fc.Arbitrary<bench_options> = fc.record({
  spec: fc.constantFrom('2.00' as const, '3.00' as const, '4.00' as const),
  adma64: fc.boolean(),
  ram: fc.nat(RAMS.length - 1),
  ready: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  cache: fc.boolean(),
  cmdq: fc.boolean(),
  gated: fc.constantFrom('ones' as const, 'zeros' as const, 'bus-error' as const),
});

// ---- the bench ------------------------------------------------------------------------------

/** Events one 'run' may fire before it is called a livelock. */
const MAX_EVENTS = 200_000;

interface bench_options {
  spec: '2.00' | '3.00' | '4.00';
  adma64: boolean;
  ram: number;
  ready: boolean;
  cache: boolean;
  cmdq: boolean;
  gated: 'ones' | 'zeros' | 'bus-error';
}

/**
 * How the model may move data: in bursts (the default: guest memory it can view in place, and a
 * clock that lets an event run ahead while the guest waits in run()), or block by block.
 */
type data_moves = 'bursts' | 'blocks';

function make_bench(b: bench_options, moves: data_moves = 'bursts') {
  const virtual = new VirtualClock();
  /** The end of the run() in progress: the guest does nothing before it. */
  let guest_waits_until = -Infinity;
  if (moves === 'bursts') virtual.cpus_idle_until = () => guest_waits_until;
  const clock = new CheckedClock(virtual);
  const place = RAMS[b.ram]!;
  const ram = new GuestRam(place);
  const checked = new CheckedDma(ram, place.base, place.size);
  const dma = moves === 'bursts' ? checked : { read: checked.read.bind(checked), write: checked.write.bind(checked) };
  const media = [new SparseBackend({ size: USER_BYTES }), new SparseBackend({ size: BOOT_BYTES }), new SparseBackend({ size: BOOT_BYTES })] as const;
  const stores = [new CheckedBackend(media[0], 'user'), new CheckedBackend(media[1], 'boot0'), new CheckedBackend(media[2], 'boot1')] as const;
  const card = new EmmcCard({ clock, user: stores[0], boot0: stores[1], boot1: stores[2], bootPartitionBytes: BOOT_BYTES, cacheKiB: b.cache ? 64 : 0, cmdq: b.cmdq ? { depth: 8 } : false, poweredOn: false });
  let line = false;
  const hc = new SdhciController({ clock, card, irq: { set: (level) => (line = level) }, dma, spec: b.spec, baseClockHz: b.spec === '2.00' ? 50e6 : 200e6, caps: { adma64: b.adma64 }, gatedAccess: b.gated });
  if (b.ready) {
    // The card brought up as Linux does: in tran, high speed, 4-bit bus, 50 MHz.
    const g = new SdhciGuest(hc, clock);
    g.init(250);
    g.bringUp();
    g.switch(185, 1);
    g.switch(183, 1);
    g.writeb(R.SDHCI_HOST_CONTROL, R.SDHCI_CTRL_HISPD | R.SDHCI_CTRL_4BITBUS);
    g.setClock(2);
    g.ack();
  }
  /** @follows: where the previous descriptor's data ends. */
  const resolve_addr = (a: addr, follows = place.base): number => {
    if ('follows' in a) return follows;
    if ('ram' in a) return place.base + ((a.ram % place.size) & (a.align ? ~3 : ~0));
    if ('ram_end' in a) return Math.max(0, place.base + place.size - a.ram_end) % 2 ** 32;
    return a.abs;
  };
  const resolve_card = (c: card_addr): number => ('block' in c ? 512 * c.block : 'end_bytes' in c ? USER_BYTES - 512 * c.end_bytes : 'end_blocks' in c ? USER_BYTES / 512 - c.end_blocks : c.abs) >>> 0;
  /** The guest CPU writes a descriptor table at bus address @addr (what falls in RAM). */
  const write_table = (addr: number, size: 8 | 12 | 16, entries: readonly desc[]): void => {
    let data_end = place.base;
    entries.forEach((e, i) => {
      const d = new Uint8Array(size);
      const v = new DataView(d.buffer);
      const data = resolve_addr(e.addr, data_end);
      data_end = data + ((e.len & 0xffff) || 65536);
      v.setUint16(0, e.attr, true);
      v.setUint16(2, e.len & 0xffff, true);
      v.setUint32(4, data >>> 0, true);
      if (size > 8) v.setUint32(8, e.hi, true);
      const off = addr - place.base + i * size;
      if (off >= 0 && off + size <= place.size) ram.bytes.set(d, off);
    });
  };
  const resolve = (v: value): number => ('raw' in v ? v.raw : 'addr' in v ? resolve_addr(v.addr) : resolve_card(v.card));

  /** Every contract breach so far. */
  const violations = (): string[] => [...checked.violations, ...stores.flatMap((s) => s.violations), ...clock.violations];

  /** Let @ns pass, running what falls due. */
  const run = (ns: number): void => {
    const limit = clock.now + ns;
    let n = 0;
    guest_waits_until = limit;
    while (clock.fire_next(limit)) if (++n > MAX_EVENTS) throw new Error(`livelock: more than ${MAX_EVENTS} events within ${ns} ns`);
    guest_waits_until = -Infinity;
    clock.advance_to(limit);
  };

  const apply = (o: op): void => {
    switch (o.op) {
      case 'w':
        return hc.write(o.off, o.size, resolve(o.v));
      case 'r': {
        const v = hc.read(o.off, o.size);
        if (!Number.isInteger(v) || v < 0 || v >= 2 ** (8 * o.size)) throw new Error(`${o.size}-byte read at ${o.off} returned ${v}`);
        return;
      }
      case 'cmd':
        hc.write(R.SDHCI_ARGUMENT, 4, resolve_card(o.arg));
        hc.write(R.SDHCI_BLOCK_SIZE, 2, o.blksz);
        hc.write(R.SDHCI_BLOCK_COUNT, 2, o.blocks);
        hc.write(R.SDHCI_TRANSFER_MODE, 2, o.mode);
        return hc.write(R.SDHCI_COMMAND, 2, R.SDHCI_MAKE_CMD(o.index, o.flags));
      case 'table':
        return write_table(resolve_addr(o.at), o.desc, o.entries);
      case 'xfer': {
        if (o.recover) {
          hc.setClockGated(false);
          hc.write(R.SDHCI_SOFTWARE_RESET, 1, R.SDHCI_RESET_CMD | R.SDHCI_RESET_DATA);
          run(1e6);
          hc.write(R.SDHCI_INT_STATUS, 4, 0xffff_ffff);
        }
        const sel = { pio: R.SDHCI_CTRL_SDMA, sdma: R.SDHCI_CTRL_SDMA, adma32: R.SDHCI_CTRL_ADMA32, adma64: R.SDHCI_CTRL_ADMA64 }[o.engine];
        hc.write(R.SDHCI_HOST_CONTROL, 1, (hc.read(R.SDHCI_HOST_CONTROL, 1) & ~R.SDHCI_CTRL_DMA_MASK) | sel);
        const at = resolve_addr(o.addr);
        if (o.engine === 'sdma') hc.write(R.SDHCI_DMA_ADDRESS, 4, at);
        if (o.engine.startsWith('adma')) {
          // The table where addr says, its last descriptor ending it.
          write_table(at, o.desc, o.entries.map((e, i) => (i === o.entries.length - 1 && (e.attr & 0x30) === 0x20 ? { ...e, attr: e.attr | 0x2 } : e)));
          hc.write(R.SDHCI_ADMA_ADDRESS, 4, at);
          hc.write(R.SDHCI_ADMA_ADDRESS_HI, 4, 0);
        }
        hc.write(R.SDHCI_BLOCK_SIZE, 2, R.SDHCI_MAKE_BLKSZ(o.boundary, 512));
        hc.write(R.SDHCI_BLOCK_COUNT, 2, o.blocks);
        hc.write(R.SDHCI_ARGUMENT, 4, resolve_card(o.arg));
        const mode = (o.engine === 'pio' ? 0 : R.SDHCI_TRNS_DMA) | R.SDHCI_TRNS_BLK_CNT_EN | (o.write ? 0 : R.SDHCI_TRNS_READ) | (o.multi ? R.SDHCI_TRNS_MULTI | o.acmd : 0);
        hc.write(R.SDHCI_TRANSFER_MODE, 2, mode);
        const index = o.write ? (o.multi ? 25 : 24) : o.multi ? 18 : 17;
        hc.write(R.SDHCI_COMMAND, 2, R.SDHCI_MAKE_CMD(index, FLAGS.r1 | R.SDHCI_CMD_DATA));
        return run(o.run);
      }
      case 'pio':
        for (let i = 0; i < o.words; i++) {
          if (o.write) hc.write(R.SDHCI_BUFFER, 4, o.v);
          else hc.read(R.SDHCI_BUFFER, 4);
        }
        return;
      case 'run':
        return run(o.ns);
      case 'gate':
        return hc.setClockGated(o.on);
      case 'snapshot':
        return hc.loadState(hc.saveState());
    }
  };
  return { hc, card, ram, media, dma: checked, stores, apply, violations, line: () => line, now: () => clock.now };
}

// ---- the property ---------------------------------------------------------------------------

/** What the CI-sized run reached, to show the fuzzer is not idling (checked after the property). */
const reached = { dma: 0, outside: 0, store_writes: 0, cases: 0 };

describe('found by fuzzing', () => {
  it('an ADMA2 address above 2^53 (a 64-bit link read from an 8-byte table) is an ADMA error, never a DmaMemory access', () => {
    const b = make_bench({ spec: '3.00', adma64: true, ram: 0, ready: true, cache: false, cmdq: false, gated: 'ones' });
    const ram = { ram: 0, align: true };
    // 8-byte descriptors read as 12-byte ones: the link's high half is the next descriptor's attribute and length.
    const entries = [
      { attr: 0x31, len: 0, addr: ram, hi: 0 }, // link
      { attr: 0x21, len: 512, addr: ram, hi: 0 }, // tran, made the End by xfer: attribute 0x23
    ];
    b.apply({ op: 'xfer', write: false, multi: false, blocks: 1, arg: { block: 0 }, engine: 'adma64', boundary: 0, acmd: 0, addr: ram, desc: 8, entries, run: 2e9, recover: false });
    expect(b.violations()).toEqual([]);
    expect(b.hc.read(R.SDHCI_INT_STATUS, 4) & R.SDHCI_INT_ADMA_ERROR).toBe(R.SDHCI_INT_ADMA_ERROR);
    // ST_FDS, with the address register on the unreachable link target, exactly as the descriptor held it.
    expect(b.hc.read(R.SDHCI_ADMA_ERROR, 1) & 3).toBe(1);
    expect([b.hc.read(R.SDHCI_ADMA_ADDRESS_HI, 4), b.hc.read(R.SDHCI_ADMA_ADDRESS, 4)]).toEqual([0x0200_0023, 0x8000_0000]);
  });
});

describe('SDHCI model under random guest MMIO', () => {
  it('no exception, no access outside what the interfaces allow, a consistent interrupt line', { timeout: fuzz_timeout(60_000) }, async () => {
    await fuzz_check(
      'sdhci mmio',
      fc.property(bench_arb, fc.array(op_arb, { minLength: 1, maxLength: 60, size: 'medium' }), (b, ops) => {
        const bench = make_bench(b);
        ops.forEach((o, i) => {
          try {
            bench.apply(o);
          } catch (e) {
            throw new Error(`op ${i} ${JSON.stringify(o)} threw: ${(e as Error).stack ?? String(e)}`);
          }
          const v = bench.violations();
          if (v.length) throw new Error(`after op ${i} ${JSON.stringify(o)}: ${v.join('; ')}`);
          if (bench.line() !== bench.hc.irqLevel) throw new Error(`after op ${i}: the line is ${bench.line()}, the model says ${bench.hc.irqLevel}`);
        });
        reached.cases++;
        reached.dma += bench.dma.accesses;
        reached.outside += bench.dma.outside;
        reached.store_writes += bench.stores.reduce((n, s) => n + s.writes, 0);
      }),
      3000,
    );
    if (fuzz_long) console.log(`[fuzz] sdhci mmio reached: ${JSON.stringify(reached)}`);
    // A fuzzer that never moved data would pass vacuously.
    expect(reached.dma, 'DMA accesses').toBeGreaterThan(0);
    expect(reached.outside, 'DMA accesses outside RAM').toBeGreaterThan(0);
    expect(reached.store_writes, 'writes to the card').toBeGreaterThan(0);
  });
});

// ---- bursts against block by block ---------------------------------------------------------

/** The first difference between two stores' contents, or null (only written chunks are read). */
function media_difference(a: SparseBackend, b: SparseBackend): string | null {
  for (const e of [...a.extents(), ...b.extents()]) {
    const x = new Uint8Array(e.length);
    const y = new Uint8Array(e.length);
    a.read(e.offset, x);
    b.read(e.offset, y);
    const i = x.findIndex((v, k) => v !== y[k]);
    if (i >= 0) return `byte ${e.offset + i}: ${x[i]} (bursts) vs ${y[i]} (blocks)`;
  }
  return null;
}

const json = (v: unknown): string => JSON.stringify(v);
/** Where two JSON texts part, with some context. */
const first_difference = (a: string, b: string): string => {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `at ${i}: …${a.slice(Math.max(0, i - 80), i + 80)}… (bursts) vs …${b.slice(Math.max(0, i - 80), i + 80)}… (blocks)`;
};
const moved = { bursts: 0, blocks: 0 };

describe('SDHCI bursts under random guest MMIO', () => {
  it('leave the guest, the card and the media exactly as block by block would, after every step', { timeout: fuzz_timeout(60_000) }, async () => {
    await fuzz_check(
      'sdhci bursts',
      fc.property(bench_arb, fc.array(op_arb, { minLength: 1, maxLength: 60, size: 'medium' }), (b, ops) => {
        const bursts = make_bench(b, 'bursts');
        const blocks = make_bench(b, 'blocks');
        ops.forEach((o, i) => {
          bursts.apply(o);
          blocks.apply(o);
          const at = `after op ${i} ${json(o)}`;
          if (bursts.now() !== blocks.now()) throw new Error(`${at}: the clock reads ${bursts.now()} vs ${blocks.now()}`);
          if (json(bursts.hc.saveState()) !== json(blocks.hc.saveState())) throw new Error(`${at}: the controllers differ: ${first_difference(json(bursts.hc.saveState()), json(blocks.hc.saveState()))}`);
          if (bursts.line() !== blocks.line()) throw new Error(`${at}: the interrupt line differs`);
          if (Buffer.compare(bursts.ram.bytes, blocks.ram.bytes)) throw new Error(`${at}: guest RAM differs`);
          if (json(bursts.card.saveState()) !== json(blocks.card.saveState())) throw new Error(`${at}: the cards differ: ${first_difference(json(bursts.card.saveState()), json(blocks.card.saveState()))}`);
        });
        bursts.media.forEach((m, i) => {
          const d = media_difference(m, blocks.media[i]!);
          if (d) throw new Error(`media ${i} differs at ${d}`);
        });
        moved.bursts += bursts.stores.reduce((n, s) => n + s.writes, 0);
        moved.blocks += blocks.stores.reduce((n, s) => n + s.writes, 0);
      }),
      1000,
    );
    if (fuzz_long) console.log(`[fuzz] sdhci bursts: media writes ${json(moved)}`);
    // Bursts that never happened would pass vacuously: they write the media in fewer, longer calls.
    expect(moved.blocks, 'media writes block by block').toBeGreaterThan(0);
    expect(moved.bursts, 'media writes in bursts').toBeLessThan(moved.blocks);
  });
});
