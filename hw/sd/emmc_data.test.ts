import { describe, expect, it } from 'vitest';
import { MemoryBackend } from '../block/memory.ts';
import { SparseBackend } from '../block/sparse.ts';
import { EmmcCard, type EmmcCardOptions } from './emmc.ts';
import { EXT_CSD } from './emmc_ext_csd.ts';
import { R1, r1State } from './emmc_status.ts';
import { ManualClock, RawHost } from './emmc_testing.ts';
import { TUNING_BLOCK_4BIT, TUNING_BLOCK_8BIT } from './emmc_tuning.ts';
import { pattern } from '../../tools/testing/pattern.ts';

const MiB = 1024 * 1024;

const make = (extra: Partial<EmmcCardOptions> = {}) => {
  const clock = new ManualClock();
  const user = new SparseBackend({ size: 4 * 1024 * MiB }); // 4 GiB: sector addressing
  const boot0 = new MemoryBackend(new Uint8Array(MiB));
  const boot1 = new MemoryBackend(new Uint8Array(MiB));
  const card = new EmmcCard({ clock, user, boot0, boot1, ...extra });
  const host = new RawHost(card, clock);
  host.bringUp();
  return { clock, card, host, user, boot0, boot1 };
};

const backendBytes = (b: { read(o: number, d: Uint8Array): void }, offset: number, n: number): Uint8Array => {
  const d = new Uint8Array(n);
  b.read(offset, d);
  return d;
};

describe('EmmcCard block I/O', () => {
  it('reads and writes the partition PARTITION_CONFIG selects, at the addressed block', () => {
    const { host, card, user, boot0, boot1 } = make();
    expect(card.extCsd[EXT_CSD.BOOT_SIZE_MULT]).toBe(8); // boot size taken from the given stores
    const parts = [
      { access: 0, store: user, data: pattern(2048, 1) },
      { access: 1, store: boot0, data: pattern(2048, 2) },
      { access: 2, store: boot1, data: pattern(2048, 3) },
    ];
    for (const p of parts) {
      expect(host.switch(EXT_CSD.PARTITION_CONFIG, p.access) & 0xffff_e000).toBe(0);
      host.write(10, p.data);
    }
    for (const p of parts) expect(backendBytes(p.store, 10 * 512, 2048)).toEqual(p.data);
    // Read back through the card, single and multiple block, from each partition.
    for (const p of parts) {
      host.switch(EXT_CSD.PARTITION_CONFIG, p.access);
      expect(host.read(17, 11, 512)).toEqual(p.data.subarray(512, 1024));
      host.word(23, 4);
      expect(host.read(18, 10, 2048)).toEqual(p.data);
      expect(card.state).toBe('tran');
    }
  });

  it('programs after a CMD23-bounded CMD25, busy on DAT0, then returns to tran by itself', () => {
    const { host, card, clock, user } = make({ timing: { programNs: 300_000, programUnitBytes: 4096 } });
    host.word(23, 16);
    expect(r1State(host.word(25, 100))).toBe('tran');
    expect(card.state).toBe('rcv');
    const data = pattern(16 * 512, 9);
    expect(card.writeData(data.subarray(0, 4096))).toBe(4096);
    expect(card.state).toBe('rcv');
    const t0 = clock.now;
    expect(card.writeData(data.subarray(4096))).toBe(4096);
    expect(card.writeData(new Uint8Array(512))).toBe(0); // the count is done
    expect(card.busy).toBe(true);
    expect(card.busyUntil).toBe(t0 + 2 * 300_000); // 8 KiB = two 4 KiB program units
    const s = host.status();
    expect(r1State(s)).toBe('prg');
    expect(s & R1.READY_FOR_DATA).toBe(0);
    // A new data command while busy is refused.
    expect(host.cmd(17, 0).kind).toBe('none');
    clock.advance(599_999);
    expect(card.state).toBe('prg');
    clock.advance(1);
    expect(card.busy).toBe(false);
    const after = host.status();
    expect(r1State(after)).toBe('tran');
    expect(after & R1.READY_FOR_DATA).toBeTruthy();
    expect(after & R1.ILLEGAL_COMMAND).toBeTruthy(); // from the refused CMD17
    expect(backendBytes(user, 100 * 512, data.length)).toEqual(data);
  });

  it('streams an open-ended CMD18 until CMD12', () => {
    const { host, card } = make();
    const data = pattern(5 * 512, 4);
    host.write(200, data);
    host.word(18, 200);
    const a = new Uint8Array(1024);
    const b = new Uint8Array(1536);
    expect(card.readData(a)).toBe(1024);
    expect(card.readData(b)).toBe(1536);
    expect([...a, ...b]).toEqual([...data]);
    const stop = host.word(12);
    expect(r1State(stop)).toBe('data');
    expect(card.state).toBe('tran');
    expect(card.readData(a)).toBe(0);
  });

  it('applies CMD23 only to the command right after it', () => {
    const { host, card } = make();
    host.word(23, 2);
    host.status();
    host.word(25, 0);
    expect(card.writeData(new Uint8Array(4 * 512))).toBe(4 * 512); // open-ended now
    expect(card.state).toBe('rcv');
    expect(r1State(host.word(12))).toBe('rcv');
    expect(card.state).toBe('prg');
  });

  it('refuses an address past the partition with OUT_OF_RANGE and no data phase', () => {
    const { host, card, boot0 } = make();
    const last = 4 * 1024 * 2048 - 1;
    expect(host.word(17, last + 1) & R1.OUT_OF_RANGE).toBeTruthy();
    expect(card.state).toBe('tran');
    expect(card.readData(new Uint8Array(512))).toBe(0);
    expect(host.status() & R1.OUT_OF_RANGE).toBe(0); // reported once
    host.read(17, last, 512);
    // The same block number is far outside boot0 (1 MiB = 2048 blocks).
    host.switch(EXT_CSD.PARTITION_CONFIG, 1);
    expect(host.word(24, 2048) & R1.OUT_OF_RANGE).toBeTruthy();
    expect(host.word(24, 2047) & R1.OUT_OF_RANGE).toBe(0);
    expect(card.writeData(new Uint8Array(512).fill(0xee))).toBe(512);
    host.waitBusy();
    expect(backendBytes(boot0, 2047 * 512, 512).every((x) => x === 0xee)).toBe(true);
  });

  it('stops a multi-block transfer at the end of the partition and reports OUT_OF_RANGE next', () => {
    const { host, card } = make();
    host.switch(EXT_CSD.PARTITION_CONFIG, 2);
    host.word(18, 2046);
    const buf = new Uint8Array(4 * 512);
    expect(card.readData(buf)).toBe(1024);
    expect(card.readData(buf)).toBe(0);
    const stop = host.word(12);
    expect(stop & R1.OUT_OF_RANGE).toBeTruthy();
    expect(card.state).toBe('tran');
    host.word(25, 2047);
    expect(card.writeData(new Uint8Array(1024))).toBe(512);
    expect(host.word(12) & R1.OUT_OF_RANGE).toBeTruthy();
  });

  it('does not move plain blocks to or from RPMB (its frame protocol is not modelled)', () => {
    const logs: string[] = [];
    const { host, card } = make({ rpmbBytes: 128 * 1024, log: (c, m) => logs.push(`${c}: ${m}`) });
    expect(host.switch(EXT_CSD.PARTITION_CONFIG, 3) & R1.SWITCH_ERROR).toBe(0);
    expect(host.word(17, 0) & R1.ERROR).toBeTruthy();
    expect(card.state).toBe('tran');
    expect(logs).toContain('unimp: RPMB data frames are not modelled');
  });

  it('sends the tuning block in HS200 only, sized by the bus width', () => {
    const { host, card } = make();
    expect(host.cmd(21).kind).toBe('none');
    host.switch(EXT_CSD.BUS_WIDTH, 1);
    expect(host.switch(EXT_CSD.HS_TIMING, 2) & R1.SWITCH_ERROR).toBe(0);
    expect(host.read(21, 0, 64)).toEqual(TUNING_BLOCK_4BIT);
    host.switch(EXT_CSD.BUS_WIDTH, 2);
    expect(host.read(21, 0, 128)).toEqual(TUNING_BLOCK_8BIT);
    expect(card.state).toBe('tran');
  });

  it('answers the bus test with the pattern inverted', () => {
    const { host, card } = make();
    host.switch(EXT_CSD.BUS_WIDTH, 2);
    host.word(19);
    expect(card.state).toBe('btst');
    expect(card.writeData(new Uint8Array([0x55, 0xaa, 0, 0, 0, 0, 0, 0]))).toBe(8);
    expect(r1State(host.word(14))).toBe('btst');
    const back = new Uint8Array(8);
    expect(card.readData(back)).toBe(8);
    expect([...back]).toEqual([0xaa, 0x55, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(card.state).toBe('tran');
  });
});
