// Raw MMIO tests of the SDHCI model, driven like a guest with no driver: bring an eMMC card up
// by hand, read and write blocks by PIO through SDHCI_BUFFER, and the command engine's rules.
import { describe, expect, it } from 'vitest';
import * as R from '../../include/hw/sdhci.h.ts';
import { VirtualClock } from '../../kernel/time/clock.ts';
import { FLAGS, makeBench, OCR_ARG } from './sdhci_testing.ts';

const DIV_400K = 250; // 200 MHz / (2 × 250)
const DIV_50M = 2; // 200 MHz / 4
const r1d = FLAGS.r1 | R.SDHCI_CMD_DATA;

const bench = (o: Parameters<typeof makeBench>[1] = {}) => makeBench(new VirtualClock(), o);

/** Bring-up at 400 kHz, then 4-bit at 50 MHz (no card-side switch needed for timing only). */
const ready = (o: Parameters<typeof makeBench>[1] = {}) => {
  const b = bench(o);
  b.guest.init(DIV_400K);
  b.guest.bringUp();
  b.guest.setClock(DIV_50M);
  b.guest.writeb(R.SDHCI_HOST_CONTROL, R.SDHCI_CTRL_4BITBUS);
  return b;
};

const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

describe('SDHCI raw bring-up', () => {
  it('CMD0/1/2/3/7 by hand: OCR, R2 shifted right by 8 without the CRC byte, R1 states', () => {
    const { guest, card, clock } = bench();
    guest.init(DIV_400K);
    // Power on took the card out of reset; 400 kHz SD clock running.
    expect(guest.readb(R.SDHCI_POWER_CONTROL)).toBe(R.SDHCI_POWER_330 | R.SDHCI_POWER_ON);
    expect(card.powered).toBe(true);
    const pres = guest.readl(R.SDHCI_PRESENT_STATE);
    expect(pres & (R.SDHCI_CARD_PRESENT | R.SDHCI_CARD_STATE_STABLE | R.SDHCI_CD_LVL)).toBe(R.SDHCI_CARD_PRESENT | R.SDHCI_CARD_STATE_STABLE | R.SDHCI_CD_LVL);
    expect(pres & R.SDHCI_DATA_LVL_MASK).toBe(R.SDHCI_DATA_LVL_MASK);

    const t0 = clock.now;
    const c0 = guest.cmd(0, 0, FLAGS.none);
    expect(c0.status).toBe(R.SDHCI_INT_RESPONSE);
    // A command without response completes after its 48 clocks: 120 µs at 400 kHz.
    expect(clock.now - t0).toBe(120_000);

    let ocr = guest.cmd(1, OCR_ARG, FLAGS.r3).resp;
    expect(ocr >>> 31).toBe(0);
    guest.runFor(1_000_000);
    ocr = guest.cmd(1, OCR_ARG, FLAGS.r3).resp;
    expect(ocr >>> 0).toBe(0x80ff_8080); // ready; byte addressing (64 MiB)

    const c2 = guest.cmd(2, 0, FLAGS.r2);
    expect(c2.status).toBe(R.SDHCI_INT_RESPONSE);
    const cid = card.cid;
    const be = (i: number) => ((cid[i]! << 24) | (cid[i + 1]! << 16) | (cid[i + 2]! << 8) | cid[i + 3]!) >>> 0;
    expect(guest.readl(0x1c)).toBe(((cid[0]! << 16) | (cid[1]! << 8) | cid[2]!) >>> 0);
    expect(guest.readl(0x18)).toBe(be(3));
    expect(guest.readl(0x14)).toBe(be(7));
    expect(guest.readl(0x10)).toBe(be(11));
    // Linux's sdhci_read_rsp_136 shift gives CID[127:0] back with a zero low byte.
    const reg = [0x10, 0x14, 0x18, 0x1c].map((o) => guest.readl(o));
    const resp = [0, 1, 2, 3].map((i) => ((reg[3 - i]! << 8) | (i < 3 ? reg[2 - i]! >>> 24 : 0)) >>> 0);
    expect(resp).toEqual([be(0), be(4), be(8), (be(12) & ~0xff) >>> 0]);

    const c3 = guest.cmd(3, 1 << 16, FLAGS.r1);
    expect((c3.resp >> 9) & 0xf).toBe(2); // ident, the state before
    const c7 = guest.cmd(7, 1 << 16, FLAGS.r1);
    expect((c7.resp >> 9) & 0xf).toBe(3); // stby
    expect(card.state).toBe('tran');
  });

  it('a CMD17 read through SDHCI_BUFFER returns what is in the card store', () => {
    const { guest, store } = ready();
    const data = pattern(512, 3);
    store.write(100 * 512, data);
    guest.writew(R.SDHCI_BLOCK_SIZE, R.SDHCI_MAKE_BLKSZ(7, 512));
    guest.writew(R.SDHCI_BLOCK_COUNT, 1);
    const { status } = guest.cmd(17, 100 * 512, r1d, R.SDHCI_TRNS_READ);
    expect(status).toBe(R.SDHCI_INT_RESPONSE);
    const pres = guest.readl(R.SDHCI_PRESENT_STATE);
    expect(pres & (R.SDHCI_DATA_INHIBIT | R.SDHCI_DOING_READ)).toBe(R.SDHCI_DATA_INHIBIT | R.SDHCI_DOING_READ);
    expect(pres & R.SDHCI_DATA_AVAILABLE).toBe(0);
    guest.waitInt(R.SDHCI_INT_DATA_AVAIL);
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & R.SDHCI_DATA_AVAILABLE).toBeTruthy();
    guest.ack(R.SDHCI_INT_DATA_AVAIL);
    expect(guest.readBlock(512)).toEqual(data);
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & R.SDHCI_DATA_AVAILABLE).toBe(0);
    expect(guest.waitInt(R.SDHCI_INT_DATA_END) & R.SDHCI_INT_DATA_END).toBeTruthy();
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & (R.SDHCI_DATA_INHIBIT | R.SDHCI_DOING_READ)).toBe(0);
  });

  it('reads a block with byte and halfword accesses in sequence; a non-sequential one gets nothing', () => {
    const { guest, store, logs } = ready();
    const data = pattern(512, 9);
    store.write(0, data);
    guest.writel(R.SDHCI_BLOCK_SIZE, R.SDHCI_MAKE_BLKSZ(7, 512) | (1 << 16));
    guest.cmd(17, 0, r1d, R.SDHCI_TRNS_READ);
    guest.waitInt(R.SDHCI_INT_DATA_AVAIL);
    expect(guest.readb(0x20)).toBe(data[0]);
    expect(guest.readb(0x21)).toBe(data[1]);
    expect(guest.readw(0x22)).toBe(data[2]! | (data[3]! << 8));
    expect(guest.readb(0x22)).toBe(0); // lane 2 when the port expects lane 0
    expect(logs.some((l) => /non-sequential/.test(l))).toBe(true);
    const rest = guest.readBlock(508);
    expect(rest).toEqual(data.subarray(4));
    // Past the block: nothing, and the buffer is not touched.
    expect(guest.readl(0x20)).toBe(0);
    expect(logs.some((l) => /Buffer Read Enable is clear/.test(l))).toBe(true);
  });

  it('CMD24 by PIO: Buffer Write Ready, DAT0 low while the card programs, Transfer Complete after', () => {
    const { guest, store, card } = ready();
    const data = pattern(512, 77);
    guest.writew(R.SDHCI_BLOCK_SIZE, R.SDHCI_MAKE_BLKSZ(7, 512));
    guest.writew(R.SDHCI_BLOCK_COUNT, 1);
    const { status } = guest.cmd(24, 8 * 512, r1d, 0);
    // Buffer Write Ready comes with the response: the buffer is empty.
    expect(status).toBe(R.SDHCI_INT_RESPONSE | R.SDHCI_INT_SPACE_AVAIL);
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & (R.SDHCI_SPACE_AVAILABLE | R.SDHCI_DOING_WRITE)).toBe(R.SDHCI_SPACE_AVAILABLE | R.SDHCI_DOING_WRITE);
    guest.ack();
    guest.writeBlock(data);
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & R.SDHCI_SPACE_AVAILABLE).toBe(0);
    // The block goes out, the card holds DAT0 low; no Transfer Complete until it lets go.
    expect(guest.runUntil(() => (guest.readl(R.SDHCI_PRESENT_STATE) & R.SDHCI_DATA_0_LVL_MASK) === 0)).toBe(true);
    expect(card.busy).toBe(true);
    expect(guest.readl(R.SDHCI_INT_STATUS) & R.SDHCI_INT_DATA_END).toBe(0);
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & (R.SDHCI_DATA_INHIBIT | R.SDHCI_DOING_WRITE)).toBe(R.SDHCI_DATA_INHIBIT | R.SDHCI_DOING_WRITE);
    guest.waitInt(R.SDHCI_INT_DATA_END);
    expect(card.busy).toBe(false);
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & (R.SDHCI_DATA_INHIBIT | R.SDHCI_DATA_0_LVL_MASK)).toBe(R.SDHCI_DATA_0_LVL_MASK);
    const back = new Uint8Array(512);
    store.read(8 * 512, back);
    expect(back).toEqual(data);
  });

  it('R1b without data: Transfer Complete when the card releases DAT0 (CMD6)', () => {
    const { guest, card, clock } = ready();
    // EXT_CSD[183] BUS_WIDTH := 1 (4-bit).
    const { status } = guest.cmd(6, (3 << 24) | (183 << 16) | (1 << 8), FLAGS.r1b);
    expect(status).toBe(R.SDHCI_INT_RESPONSE);
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & R.SDHCI_DATA_INHIBIT).toBeTruthy();
    const until = card.busyUntil;
    expect(until).toBeGreaterThan(clock.now);
    guest.waitInt(R.SDHCI_INT_DATA_END);
    expect(clock.now).toBe(until);
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & R.SDHCI_DATA_INHIBIT).toBe(0);
  });
});

describe('SDHCI command engine', () => {
  it('no response is a command timeout, and a data command then starts no data phase', () => {
    const { guest } = bench();
    guest.init(DIV_400K);
    // The card is idle: CMD17 is illegal there, the card stays silent.
    guest.writew(R.SDHCI_BLOCK_SIZE, 512);
    guest.writew(R.SDHCI_BLOCK_COUNT, 1);
    const { status } = guest.cmd(17, 0, r1d, R.SDHCI_TRNS_READ);
    expect(status).toBe(R.SDHCI_INT_ERROR | R.SDHCI_INT_TIMEOUT);
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & (R.SDHCI_CMD_INHIBIT | R.SDHCI_DATA_INHIBIT | R.SDHCI_DOING_READ)).toBe(0);
    guest.runFor(1e9);
    expect(guest.readl(R.SDHCI_INT_STATUS)).toBe(0);
  });

  it('an empty slot: no card present, bus power stays off, every command times out', () => {
    const { guest, logs } = bench({ empty: true });
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & R.SDHCI_CARD_PRESENT).toBe(0);
    guest.init(DIV_400K);
    expect(guest.readb(R.SDHCI_POWER_CONTROL) & R.SDHCI_POWER_ON).toBe(0);
    expect(guest.cmd(1, OCR_ARG, FLAGS.r3).status).toBe(R.SDHCI_INT_ERROR | R.SDHCI_INT_TIMEOUT);
    expect(logs).toEqual([]);
  });

  it('CRC and index checks fail on an R3 answer (no CRC7, index 111111)', () => {
    const { guest } = bench();
    guest.init(DIV_400K);
    guest.cmd(0, 0, FLAGS.none);
    expect(guest.cmd(1, OCR_ARG, FLAGS.r1).status).toBe(R.SDHCI_INT_ERROR | R.SDHCI_INT_CRC | R.SDHCI_INT_INDEX);
  });

  it('issues on any write covering byte 0x0F, not on one to 0x0E alone', () => {
    const { guest, card } = bench();
    guest.init(DIV_400K);
    guest.runFor(2e6);
    guest.writel(R.SDHCI_ARGUMENT, 0);
    guest.writeb(R.SDHCI_COMMAND, FLAGS.none);
    guest.runFor(1e6);
    expect(guest.readl(R.SDHCI_INT_STATUS)).toBe(0);
    guest.writeb(R.SDHCI_COMMAND + 1, 0); // CMD0
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & R.SDHCI_CMD_INHIBIT).toBeTruthy();
    expect(guest.waitInt(R.SDHCI_INT_RESPONSE)).toBe(R.SDHCI_INT_RESPONSE);
    guest.ack();
    // Transfer Mode and Command in one 32-bit write (what some drivers do).
    guest.writel(R.SDHCI_ARGUMENT, OCR_ARG);
    guest.writel(R.SDHCI_TRANSFER_MODE, (R.SDHCI_MAKE_CMD(1, FLAGS.r3) << 16) | 0);
    expect(guest.waitInt(R.SDHCI_INT_RESPONSE)).toBe(R.SDHCI_INT_RESPONSE);
    expect(guest.readw(R.SDHCI_COMMAND)).toBe(R.SDHCI_MAKE_CMD(1, FLAGS.r3));
    expect(guest.readl(R.SDHCI_RESPONSE) & 0x00ff_ffff).toBe(0xff_8080);
    expect(card.state).toBe('ready');
  });

  it('refuses a command while inhibited (logged), allows one without data during a transfer', () => {
    const { guest, logs, card } = ready();
    guest.writew(R.SDHCI_BLOCK_SIZE, 512);
    guest.writew(R.SDHCI_BLOCK_COUNT, 1);
    guest.writel(R.SDHCI_ARGUMENT, 0);
    guest.writew(R.SDHCI_TRANSFER_MODE, R.SDHCI_TRNS_READ);
    guest.writew(R.SDHCI_COMMAND, R.SDHCI_MAKE_CMD(17, r1d));
    // CMD inhibit: the first is still on the line.
    guest.writew(R.SDHCI_COMMAND, R.SDHCI_MAKE_CMD(13, FLAGS.r1));
    expect(logs.at(-1)).toMatch(/CMD13 not issued: Command Inhibit \(CMD\)/);
    expect(guest.readw(R.SDHCI_COMMAND)).toBe(R.SDHCI_MAKE_CMD(17, r1d));
    guest.waitInt(R.SDHCI_INT_RESPONSE);
    guest.ack();
    // DAT inhibit: no second data command, no R1b; Transfer Mode is locked too.
    guest.writew(R.SDHCI_TRANSFER_MODE, 0);
    expect(logs.at(-1)).toMatch(/Transfer Mode written while Command Inhibit \(DAT\)/);
    guest.writew(R.SDHCI_COMMAND, R.SDHCI_MAKE_CMD(17, r1d));
    expect(logs.at(-1)).toMatch(/CMD17 not issued: Command Inhibit \(DAT\)/);
    guest.writew(R.SDHCI_COMMAND, R.SDHCI_MAKE_CMD(6, FLAGS.r1b));
    expect(logs.at(-1)).toMatch(/CMD6 not issued/);
    // CMD13 needs only the CMD line.
    const c13 = guest.cmd(13, 1 << 16, FLAGS.r1);
    expect((c13.resp >> 9) & 0xf).toBe(5); // data
    expect(card.state).toBe('data');
    guest.waitInt(R.SDHCI_INT_DATA_AVAIL);
    guest.readBlock(512);
    guest.waitInt(R.SDHCI_INT_DATA_END);
  });

  it('an abort-type CMD12 is allowed while DAT inhibit is set and stops the transfer', () => {
    const { guest, card } = ready();
    guest.writew(R.SDHCI_BLOCK_SIZE, 512);
    // Open-ended multi-block read (no block count): runs until stopped.
    guest.cmd(18, 0, r1d, R.SDHCI_TRNS_READ | R.SDHCI_TRNS_MULTI);
    guest.waitInt(R.SDHCI_INT_DATA_AVAIL);
    guest.readBlock(512);
    guest.ack();
    guest.writel(R.SDHCI_ARGUMENT, 0);
    guest.writew(R.SDHCI_COMMAND, R.SDHCI_MAKE_CMD(12, FLAGS.r1b | R.SDHCI_CMD_ABORTCMD));
    guest.waitInt(R.SDHCI_INT_RESPONSE);
    guest.waitInt(R.SDHCI_INT_DATA_END);
    expect(card.state).toBe('tran');
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & (R.SDHCI_CMD_INHIBIT | R.SDHCI_DATA_INHIBIT | R.SDHCI_DOING_READ)).toBe(0);
  });

  it('does not issue with the SD clock stopped', () => {
    const { guest, logs } = bench();
    guest.init(DIV_400K);
    guest.writew(R.SDHCI_CLOCK_CONTROL, R.SDHCI_CLOCK_INT_EN);
    guest.writew(R.SDHCI_COMMAND, R.SDHCI_MAKE_CMD(0, 0));
    expect(logs.at(-1)).toMatch(/CMD0 not issued: the SD clock is not running/);
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & R.SDHCI_CMD_INHIBIT).toBe(0);
  });
});
