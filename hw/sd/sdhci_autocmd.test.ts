// Raw MMIO tests of Auto CMD23 (Argument 2 at 0x00, before the command) and Auto CMD12 (after
// the last block, R1b busy before Transfer Complete), their responses in 0x1C and errors in 0x3C.
import { describe, expect, it } from 'vitest';
import * as R from '../../include/hw/sdhci.h.ts';
import { VirtualClock } from '../../kernel/time/clock.ts';
import { FLAGS, RAM_BASE, readyBench, writeAdmaTable } from './sdhci_testing.ts';

const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 5 + seed) & 0xff);
const TABLE = RAM_BASE + 0x1_0000;
const BUF = RAM_BASE + 0x2_0000;
const r1State = (r: number) => (r >> 9) & 0xf;

describe('SDHCI Auto CMD23', () => {
  it('sends CMD23 with Argument 2 first: one Command Complete, its R1 in 0x1C, the card counts the blocks', () => {
    const { guest, ram, store, card, clock } = readyBench(new VirtualClock());
    const data = pattern(4 * 512, 1);
    ram.bytes.set(data, BUF - RAM_BASE);
    writeAdmaTable(ram, TABLE, [{ attr: R.ADMA2_TRAN_VALID | R.ADMA2_END, len: data.length, addr: BUF }], 32);
    guest.writeb(R.SDHCI_HOST_CONTROL, (guest.readb(R.SDHCI_HOST_CONTROL) & ~R.SDHCI_CTRL_DMA_MASK) | R.SDHCI_CTRL_ADMA32);
    guest.writel(R.SDHCI_ADMA_ADDRESS, TABLE);
    guest.writel(R.SDHCI_ARGUMENT2, 4);
    guest.writew(R.SDHCI_BLOCK_SIZE, 512);
    guest.writew(R.SDHCI_BLOCK_COUNT, 4);
    guest.writel(R.SDHCI_ARGUMENT, 30 * 512);
    guest.writew(R.SDHCI_TRANSFER_MODE, R.SDHCI_TRNS_DMA | R.SDHCI_TRNS_BLK_CNT_EN | R.SDHCI_TRNS_MULTI | R.SDHCI_TRNS_AUTO_CMD23);
    const t0 = clock.now;
    guest.writew(R.SDHCI_COMMAND, R.SDHCI_MAKE_CMD(25, FLAGS.r1 | R.SDHCI_CMD_DATA));
    expect(guest.waitInt(R.SDHCI_INT_RESPONSE | R.SDHCI_INT_ERROR)).toBe(R.SDHCI_INT_RESPONSE);
    // Two commands on the line: 2 × (48 + 8 + 48) clocks at 50 MHz.
    expect(clock.now - t0).toBe(2 * 2080);
    expect(r1State(guest.readl(0x1c))).toBe(4); // CMD23 answered in tran
    expect(r1State(guest.readl(R.SDHCI_RESPONSE))).toBe(4); // CMD25 too
    guest.ack();
    expect(guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR)).toBe(R.SDHCI_INT_DATA_END);
    // The card ended the write by its count, without CMD12.
    expect(card.state).toBe('tran');
    const back = new Uint8Array(data.length);
    store.read(30 * 512, back);
    expect(back).toEqual(data);
    expect(guest.readw(R.SDHCI_BLOCK_COUNT)).toBe(0);
  });

  it('a CMD23 without response: Auto CMD error (timeout in 0x3C), the command itself never sent', () => {
    const { guest, card } = readyBench(new VirtualClock());
    guest.cmd(7, 0, FLAGS.none); // deselect: CMD23 is illegal in stby
    expect(card.state).toBe('stby');
    guest.writel(R.SDHCI_ARGUMENT2, 2);
    guest.writew(R.SDHCI_BLOCK_SIZE, 512);
    guest.writew(R.SDHCI_BLOCK_COUNT, 2);
    guest.writel(R.SDHCI_ARGUMENT, 0);
    guest.writew(R.SDHCI_TRANSFER_MODE, R.SDHCI_TRNS_READ | R.SDHCI_TRNS_BLK_CNT_EN | R.SDHCI_TRNS_MULTI | R.SDHCI_TRNS_AUTO_CMD23);
    guest.writew(R.SDHCI_COMMAND, R.SDHCI_MAKE_CMD(18, FLAGS.r1 | R.SDHCI_CMD_DATA));
    expect(guest.waitInt(R.SDHCI_INT_RESPONSE | R.SDHCI_INT_ERROR)).toBe(R.SDHCI_INT_ERROR | R.SDHCI_INT_AUTO_CMD_ERR);
    expect(guest.readw(R.SDHCI_AUTO_CMD_STATUS)).toBe(R.SDHCI_AUTO_CMD_TIMEOUT);
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & (R.SDHCI_CMD_INHIBIT | R.SDHCI_DATA_INHIBIT)).toBe(0);
    guest.runFor(1e7);
    expect(guest.readl(R.SDHCI_INT_STATUS) & ~(R.SDHCI_INT_ERROR | R.SDHCI_INT_AUTO_CMD_ERR)).toBe(0);
    expect(card.state).toBe('stby');
  });
});

describe('SDHCI Auto CMD12', () => {
  it('after the last PIO read block: CMD12 goes out, its R1 in 0x1C, then Transfer Complete', () => {
    const { guest, store, card } = readyBench(new VirtualClock());
    const data = pattern(3 * 512, 7);
    store.write(5 * 512, data);
    guest.dataCmd(18, 5 * 512, 3, R.SDHCI_TRNS_READ | R.SDHCI_TRNS_BLK_CNT_EN | R.SDHCI_TRNS_MULTI | R.SDHCI_TRNS_AUTO_CMD12);
    const got: Uint8Array[] = [];
    for (let i = 0; i < 3; i++) {
      guest.waitInt(R.SDHCI_INT_DATA_AVAIL);
      guest.ack(R.SDHCI_INT_DATA_AVAIL);
      got.push(guest.readBlock(512));
    }
    expect(Buffer.concat(got)).toEqual(Buffer.from(data));
    expect(card.state).toBe('data'); // open-ended: only CMD12 stops it
    expect(guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR)).toBe(R.SDHCI_INT_DATA_END);
    expect(card.state).toBe('tran');
    expect(r1State(guest.readl(0x1c))).toBe(5); // the state CMD12 found: data
  });

  it('after the last write block: Transfer Complete waits for the programming busy after CMD12', () => {
    const { guest, ram, store, card, clock } = readyBench(new VirtualClock());
    const data = pattern(2 * 512, 3);
    ram.bytes.set(data, BUF - RAM_BASE);
    guest.writel(R.SDHCI_DMA_ADDRESS, BUF);
    guest.dataCmd(25, 60 * 512, 2, R.SDHCI_TRNS_DMA | R.SDHCI_TRNS_BLK_CNT_EN | R.SDHCI_TRNS_MULTI | R.SDHCI_TRNS_AUTO_CMD12);
    expect(guest.runUntil(() => card.state === 'prg')).toBe(true);
    const busyEnd = card.busyUntil;
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & R.SDHCI_DATA_0_LVL_MASK).toBe(0);
    expect(guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR)).toBe(R.SDHCI_INT_DATA_END);
    expect(clock.now).toBe(busyEnd);
    const back = new Uint8Array(data.length);
    store.read(60 * 512, back);
    expect(back).toEqual(data);
  });

  it('an Auto CMD12 the card does not answer: Auto CMD error, no Transfer Complete', () => {
    const { guest, card } = readyBench(new VirtualClock());
    guest.dataCmd(18, 0, 1 + 1, R.SDHCI_TRNS_READ | R.SDHCI_TRNS_BLK_CNT_EN | R.SDHCI_TRNS_MULTI | R.SDHCI_TRNS_AUTO_CMD12);
    card.corruptNextCommand();
    for (let i = 0; i < 2; i++) {
      guest.waitInt(R.SDHCI_INT_DATA_AVAIL);
      guest.ack(R.SDHCI_INT_DATA_AVAIL);
      guest.readBlock(512);
    }
    expect(guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR)).toBe(R.SDHCI_INT_ERROR | R.SDHCI_INT_AUTO_CMD_ERR);
    expect(guest.readw(R.SDHCI_AUTO_CMD_STATUS)).toBe(R.SDHCI_AUTO_CMD_TIMEOUT);
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & R.SDHCI_DATA_INHIBIT).toBeTruthy();
  });
});
