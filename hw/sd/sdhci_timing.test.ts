// The SDHCI model's data phases take virtual time at the SD clock, bus width and data rate of
// the moment (research §6.1: payload bits per line, halved for DDR, plus ~18 clocks a block),
// after the card's access time for reads, and wait for DAT0 busy after writes.
import { describe, expect, it } from 'vitest';
import * as R from '../../include/hw/sdhci.h.ts';
import { VirtualClock } from '../../kernel/time/clock.ts';
import { FLAGS, RAM_BASE, readyBench, writeAdmaTable } from './sdhci_testing.ts';

const TABLE = RAM_BASE + 0x1_0000;
const BUF = RAM_BASE + 0x2_0000;
const READ = R.SDHCI_TRNS_DMA | R.SDHCI_TRNS_BLK_CNT_EN | R.SDHCI_TRNS_MULTI | R.SDHCI_TRNS_READ;

/** 52 MHz from a 104 MHz base (N = 1), 8-bit, HS52 on the card; ADMA2 over one segment. */
const at52MHz = () => {
  const b = readyBench(new VirtualClock(), { controller: { baseClockHz: 104e6 } }, { divider: 1, width: 8 });
  b.guest.writeb(R.SDHCI_HOST_CONTROL, b.guest.readb(R.SDHCI_HOST_CONTROL) | R.SDHCI_CTRL_ADMA32);
  return b;
};

/** Issue a @blocks-block ADMA read (after CMD23) and return the ns from the command write to Transfer Complete. */
const timedRead = ({ guest, clock, ram }: ReturnType<typeof at52MHz>, blocks: number): number => {
  writeAdmaTable(ram, TABLE, [{ attr: R.ADMA2_TRAN_VALID | R.ADMA2_END, len: blocks * 512, addr: BUF }], 32);
  guest.cmd(23, blocks, FLAGS.r1);
  guest.writel(R.SDHCI_ADMA_ADDRESS, TABLE);
  guest.writew(R.SDHCI_BLOCK_SIZE, 512);
  guest.writew(R.SDHCI_BLOCK_COUNT, blocks);
  guest.writel(R.SDHCI_ARGUMENT, 0);
  guest.writew(R.SDHCI_TRANSFER_MODE, READ);
  const t0 = clock.now;
  guest.writew(R.SDHCI_COMMAND, R.SDHCI_MAKE_CMD(18, FLAGS.r1 | R.SDHCI_CMD_DATA));
  expect(guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR) & ~R.SDHCI_INT_RESPONSE).toBe(R.SDHCI_INT_DATA_END);
  const took = clock.now - t0;
  guest.ack();
  return took;
};

describe('SDHCI timing in virtual time', () => {
  it('a 64-block read at 52 MHz on 8 bits: command, access time, 64 × (512 + 18) clocks', () => {
    const b = at52MHz();
    const { card } = b;
    const took = timedRead(b, 64);
    const expected = (104 / 52e6) * 1e9 + card.readLatencyNs + ((64 * (512 + 18)) / 52e6) * 1e9;
    expect(card.readLatencyNs).toBeGreaterThanOrEqual(100_000);
    expect(Math.abs(took - expected) / expected).toBeLessThan(0.02);
    // ~32 KiB in ~0.75 ms: about 43 MB/s with the access time, 50 MB/s on the bus.
    expect(took).toBeGreaterThan(740_000);
    expect(took).toBeLessThan(770_000);
  });

  it('DDR52 halves the payload clocks; a 4-bit bus doubles them', () => {
    const ddr = at52MHz();
    ddr.guest.switch(183, 6); // 8-bit DDR on the card
    ddr.guest.writew(R.SDHCI_HOST_CONTROL2, R.SDHCI_CTRL_UHS_DDR50);
    const lat = ddr.card.readLatencyNs;
    const tDdr = timedRead(ddr, 64) - lat;
    expect(Math.abs(tDdr - (104 + 64 * (256 + 18)) / 0.052) / tDdr).toBeLessThan(0.01);

    const narrow = at52MHz();
    narrow.guest.writeb(R.SDHCI_HOST_CONTROL, (narrow.guest.readb(R.SDHCI_HOST_CONTROL) & ~R.SDHCI_CTRL_8BITBUS) | R.SDHCI_CTRL_4BITBUS);
    const t4 = timedRead(narrow, 64) - narrow.card.readLatencyNs;
    expect(Math.abs(t4 - (104 + 64 * (1024 + 18)) / 0.052) / t4).toBeLessThan(0.01);
  });

  it('one block on 1 bit at 400 kHz takes about 10 ms', () => {
    const { guest, clock } = readyBench(new VirtualClock(), {}, { divider: 250, width: 1, highSpeed: false });
    guest.writew(R.SDHCI_BLOCK_SIZE, 512);
    guest.writel(R.SDHCI_ARGUMENT, 0);
    guest.writew(R.SDHCI_TRANSFER_MODE, R.SDHCI_TRNS_READ);
    const t0 = clock.now;
    guest.writew(R.SDHCI_COMMAND, R.SDHCI_MAKE_CMD(17, FLAGS.r1 | R.SDHCI_CMD_DATA));
    guest.waitInt(R.SDHCI_INT_DATA_AVAIL);
    const took = clock.now - t0;
    // 104 command clocks + 4114 data clocks at 2.5 µs, plus the access time.
    expect(took).toBeGreaterThan(10.5e6);
    expect(took).toBeLessThan(10.7e6);
  });

  it('a write completes when the card ends programming: Transfer Complete at busyUntil', () => {
    const { guest, clock, card, ram } = at52MHz();
    writeAdmaTable(ram, TABLE, [{ attr: R.ADMA2_TRAN_VALID | R.ADMA2_END, len: 8 * 512, addr: BUF }], 32);
    guest.cmd(23, 8, FLAGS.r1);
    guest.writel(R.SDHCI_ADMA_ADDRESS, TABLE);
    guest.dataCmd(25, 0, 8, R.SDHCI_TRNS_DMA | R.SDHCI_TRNS_BLK_CNT_EN | R.SDHCI_TRNS_MULTI);
    const t0 = clock.now;
    expect(guest.runUntil(() => card.busy)).toBe(true);
    // Eight blocks on the bus first.
    expect(clock.now - t0).toBeGreaterThanOrEqual(8 * Math.floor((530 / 52e6) * 1e9));
    const end = card.busyUntil;
    expect(end - clock.now).toBeGreaterThan(100_000);
    guest.waitInt(R.SDHCI_INT_DATA_END);
    expect(clock.now).toBe(end);
  });

  it('busy past the data timeout is a data timeout error when enabled, else the controller waits', () => {
    const fail = at52MHz();
    // TMCLK 1 MHz × 2^13 = 8.2 ms; erasing 32 MiB (many erase groups) keeps DAT0 low longer.
    fail.guest.writeb(R.SDHCI_TIMEOUT_CONTROL, 0);
    fail.guest.cmd(35, 0, FLAGS.r1);
    fail.guest.cmd(36, 32 * 1024 * 1024, FLAGS.r1);
    fail.guest.cmd(38, 0, FLAGS.r1b);
    expect(fail.card.busyUntil - fail.clock.now).toBeGreaterThan(8.2e6);
    expect(fail.guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR)).toBe(R.SDHCI_INT_ERROR | R.SDHCI_INT_DATA_TIMEOUT);
    expect(fail.guest.readl(R.SDHCI_PRESENT_STATE) & R.SDHCI_DATA_INHIBIT).toBeTruthy();

    const wait = at52MHz();
    wait.guest.writeb(R.SDHCI_TIMEOUT_CONTROL, 0);
    wait.guest.writel(R.SDHCI_INT_ENABLE, R.SDHCI_INT_ALL_MASK & ~R.SDHCI_INT_DATA_TIMEOUT);
    wait.guest.cmd(35, 0, FLAGS.r1);
    wait.guest.cmd(36, 32 * 1024 * 1024, FLAGS.r1);
    wait.guest.cmd(38, 0, FLAGS.r1b);
    const end = wait.card.busyUntil;
    expect(wait.guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR)).toBe(R.SDHCI_INT_DATA_END);
    expect(wait.clock.now).toBe(end);
  });
});
