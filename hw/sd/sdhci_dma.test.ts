// Raw MMIO tests of the SDHCI model's DMA engines: SDMA with its buffer-boundary pause, ADMA2
// descriptor walking with 32- and 64-bit descriptors, and the ADMA error states.
import { describe, expect, it, vi } from 'vitest';
import * as R from '../../include/hw/sdhci.h.ts';
import { VirtualClock } from '../../kernel/time/clock.ts';
import { FLAGS, RAM_BASE, readyBench, writeAdmaTable } from './sdhci_testing.ts';

const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed + (i >> 9)) & 0xff);
const READ_MULTI = R.SDHCI_TRNS_DMA | R.SDHCI_TRNS_BLK_CNT_EN | R.SDHCI_TRNS_MULTI | R.SDHCI_TRNS_READ;
const WRITE_MULTI = R.SDHCI_TRNS_DMA | R.SDHCI_TRNS_BLK_CNT_EN | R.SDHCI_TRNS_MULTI;
const TABLE = RAM_BASE + 0x1_0000;

const setup = (clock = new VirtualClock()) => {
  const b = readyBench(clock);
  const hc1 = b.guest.readb(R.SDHCI_HOST_CONTROL);
  const dma = (sel: number) => b.guest.writeb(R.SDHCI_HOST_CONTROL, (hc1 & ~R.SDHCI_CTRL_DMA_MASK) | sel);
  const at = (addr: number, n: number) => b.ram.bytes.subarray(addr - RAM_BASE, addr - RAM_BASE + n);
  const stored = (off: number, n: number) => {
    const out = new Uint8Array(n);
    b.store.read(off, out);
    return out;
  };
  return { ...b, dma, at, stored };
};

describe('SDHCI SDMA', () => {
  it('pauses at each 4 KiB boundary with DMA_END and the next address, resumes on the address write', () => {
    const { guest, store, at, dma } = setup();
    const data = pattern(16 * 512, 5);
    store.write(64 * 512, data);
    dma(R.SDHCI_CTRL_SDMA);
    guest.writel(R.SDHCI_DMA_ADDRESS, RAM_BASE + 0x800);
    guest.cmd(23, 16, FLAGS.r1);
    guest.dataCmd(18, 64 * 512, 16, READ_MULTI, 0);
    guest.ack();

    let st = guest.waitInt(R.SDHCI_INT_DMA_END | R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR);
    expect(st).toBe(R.SDHCI_INT_DMA_END);
    expect(guest.readl(R.SDHCI_DMA_ADDRESS)).toBe(RAM_BASE + 0x1000);
    expect(guest.readw(R.SDHCI_BLOCK_COUNT)).toBe(12);
    // Paused: nothing moves until the address is written.
    guest.runFor(5e6);
    expect(guest.readl(R.SDHCI_INT_STATUS)).toBe(R.SDHCI_INT_DMA_END);
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & (R.SDHCI_DOING_READ | R.SDHCI_DATA_INHIBIT)).toBe(R.SDHCI_DOING_READ | R.SDHCI_DATA_INHIBIT);
    guest.ack(R.SDHCI_INT_DMA_END);
    guest.writel(R.SDHCI_DMA_ADDRESS, RAM_BASE + 0x1000);

    st = guest.waitInt(R.SDHCI_INT_DMA_END | R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR);
    expect(st).toBe(R.SDHCI_INT_DMA_END);
    expect(guest.readl(R.SDHCI_DMA_ADDRESS)).toBe(RAM_BASE + 0x2000);
    expect(guest.readw(R.SDHCI_BLOCK_COUNT)).toBe(4);
    guest.ack(R.SDHCI_INT_DMA_END);
    guest.writel(R.SDHCI_DMA_ADDRESS, RAM_BASE + 0x2000);

    // The last four blocks end at 0x2800: Transfer Complete, no more DMA interrupt.
    st = guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR);
    expect(st).toBe(R.SDHCI_INT_DATA_END);
    expect(at(RAM_BASE + 0x800, data.length)).toEqual(data);
  });

  it('writes with the 512 KiB boundary in one run', () => {
    const { guest, at, dma, stored } = setup();
    const data = pattern(8 * 512, 9);
    at(RAM_BASE + 0x4000, data.length).set(data);
    dma(R.SDHCI_CTRL_SDMA);
    guest.writel(R.SDHCI_DMA_ADDRESS, RAM_BASE + 0x4000);
    guest.cmd(23, 8, FLAGS.r1);
    guest.dataCmd(25, 200 * 512, 8, WRITE_MULTI);
    expect(guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR)).toBe(R.SDHCI_INT_DATA_END);
    expect(stored(200 * 512, data.length)).toEqual(data);
    expect(guest.readl(R.SDHCI_DMA_ADDRESS)).toBe(RAM_BASE + 0x4000 + data.length);
  });

  it('an address outside memory stops the transfer with an error, nothing thrown', () => {
    const { guest, dma, logs } = setup();
    dma(R.SDHCI_CTRL_SDMA);
    guest.writel(R.SDHCI_DMA_ADDRESS, 0x1000);
    guest.cmd(23, 2, FLAGS.r1);
    guest.dataCmd(18, 0, 2, READ_MULTI);
    const st = guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR);
    expect(st & ~R.SDHCI_INT_RESPONSE).toBe(R.SDHCI_INT_ERROR | R.SDHCI_INT_ADMA_ERROR);
    expect(logs.some((l) => /guest_error: sdhci: SDMA write to 0x1000 \(512 bytes\) is outside memory/.test(l))).toBe(true);
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & R.SDHCI_DATA_INHIBIT).toBeTruthy();
    guest.writeb(R.SDHCI_SOFTWARE_RESET, R.SDHCI_RESET_DATA);
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & R.SDHCI_DATA_INHIBIT).toBe(0);
  });
});

describe('SDHCI ADMA2', () => {
  it('32-bit descriptors: a multi-block write gathered from uneven segments, read back scattered', () => {
    const { guest, ram, at, dma, stored } = setup();
    const data = pattern(8 * 512, 21);
    const segs = [
      { addr: RAM_BASE + 0x2_0000, len: 700 },
      { addr: RAM_BASE + 0x3_0000, len: 1348 },
      { addr: RAM_BASE + 0x4_0000, len: 2048 },
    ];
    let off = 0;
    for (const s of segs) {
      at(s.addr, s.len).set(data.subarray(off, off + s.len));
      off += s.len;
    }
    writeAdmaTable(ram, TABLE, [...segs.map((s) => ({ attr: R.ADMA2_TRAN_VALID, ...s })), { attr: R.ADMA2_NOP_END_VALID, len: 0, addr: 0 }], 32);
    dma(R.SDHCI_CTRL_ADMA32);
    guest.writel(R.SDHCI_ADMA_ADDRESS, TABLE);
    guest.cmd(23, 8, FLAGS.r1);
    guest.dataCmd(25, 1000 * 512, 8, WRITE_MULTI);
    expect(guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR) & ~R.SDHCI_INT_RESPONSE).toBe(R.SDHCI_INT_DATA_END);
    expect(stored(1000 * 512, data.length)).toEqual(data);
    guest.ack();

    // Read it back through two other segments.
    writeAdmaTable(
      ram,
      TABLE,
      [
        { attr: R.ADMA2_TRAN_VALID, len: 1536, addr: RAM_BASE + 0x5_0000 },
        { attr: R.ADMA2_TRAN_VALID, len: 2560, addr: RAM_BASE + 0x6_0000 },
        { attr: R.ADMA2_NOP_END_VALID, len: 0, addr: 0 },
      ],
      32,
    );
    guest.writel(R.SDHCI_ADMA_ADDRESS, TABLE);
    guest.cmd(23, 8, FLAGS.r1);
    guest.dataCmd(18, 1000 * 512, 8, READ_MULTI);
    expect(guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR) & ~R.SDHCI_INT_RESPONSE).toBe(R.SDHCI_INT_DATA_END);
    expect(at(RAM_BASE + 0x5_0000, 1536)).toEqual(data.subarray(0, 1536));
    expect(at(RAM_BASE + 0x6_0000, 2560)).toEqual(data.subarray(1536));
    expect(guest.readb(R.SDHCI_ADMA_ERROR)).toBe(0);
  });

  it('64-bit descriptors with a link, End on the last tran, and Int raising DMA_END', () => {
    const { guest, ram, at, dma, stored } = setup();
    const data = pattern(4 * 512, 33);
    at(RAM_BASE + 0x2_0000, 1024).set(data.subarray(0, 1024));
    at(RAM_BASE + 0x3_0000, 1024).set(data.subarray(1024));
    writeAdmaTable(
      ram,
      TABLE,
      [
        { attr: R.ADMA2_TRAN_VALID, len: 1024, addr: RAM_BASE + 0x2_0000 },
        { attr: R.ADMA2_LINK_VALID, len: 0, addr: TABLE + 0x100 },
      ],
      64,
    );
    writeAdmaTable(ram, TABLE + 0x100, [{ attr: R.ADMA2_TRAN_VALID | R.ADMA2_END | R.ADMA2_INT, len: 1024, addr: RAM_BASE + 0x3_0000 }], 64);
    dma(R.SDHCI_CTRL_ADMA64);
    guest.writel(R.SDHCI_ADMA_ADDRESS, TABLE);
    guest.writel(R.SDHCI_ADMA_ADDRESS_HI, 0);
    guest.cmd(23, 4, FLAGS.r1);
    guest.dataCmd(25, 40 * 512, 4, WRITE_MULTI);
    const st = guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR);
    expect(st & ~R.SDHCI_INT_RESPONSE).toBe(R.SDHCI_INT_DMA_END | R.SDHCI_INT_DATA_END);
    expect(stored(40 * 512, data.length)).toEqual(data);
    expect(guest.readl(R.SDHCI_ADMA_ADDRESS)).toBe(TABLE + 0x100); // stopped on the End descriptor
    guest.ack();

    at(RAM_BASE + 0x2_0000, 1024).fill(0);
    at(RAM_BASE + 0x3_0000, 1024).fill(0);
    guest.writel(R.SDHCI_ADMA_ADDRESS, TABLE);
    guest.cmd(23, 4, FLAGS.r1);
    guest.dataCmd(18, 40 * 512, 4, READ_MULTI);
    expect(guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR) & ~R.SDHCI_INT_RESPONSE).toBe(R.SDHCI_INT_DMA_END | R.SDHCI_INT_DATA_END);
    expect(at(RAM_BASE + 0x2_0000, 1024)).toEqual(data.subarray(0, 1024));
    expect(at(RAM_BASE + 0x3_0000, 1024)).toEqual(data.subarray(1024));
  });

  it('a burst runs on through descriptors that continue each other, up to the one with Int, when nothing can act in between', () => {
    const clock = new VirtualClock();
    // No CPU to run: a transfer's blocks all run ahead, as when the driver sleeps on its interrupt.
    clock.cpus_idle_until = () => Infinity;
    const { guest, ram, at, dma, stored, store } = setup(clock);
    const data = pattern(8 * 512, 5);
    const base = RAM_BASE + 0x2_0000;
    at(base, data.length).set(data);
    const desc = (i: number, attr: number) => ({ attr, len: 1024, addr: base + i * 1024 });
    writeAdmaTable(ram, TABLE, [desc(0, R.ADMA2_TRAN_VALID), desc(1, R.ADMA2_TRAN_VALID | R.ADMA2_INT), desc(2, R.ADMA2_TRAN_VALID), desc(3, R.ADMA2_TRAN_VALID | R.ADMA2_END)], 32);
    const writes = vi.spyOn(store, 'exchange');
    dma(R.SDHCI_CTRL_ADMA32);
    guest.writel(R.SDHCI_ADMA_ADDRESS, TABLE);
    guest.cmd(23, 8, FLAGS.r1);
    guest.dataCmd(25, 300 * 512, 8, WRITE_MULTI);
    expect(guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR) & ~R.SDHCI_INT_RESPONSE).toBe(R.SDHCI_INT_DMA_END | R.SDHCI_INT_DATA_END);
    expect(stored(300 * 512, data.length)).toEqual(data);
    // Two runs: descriptors 0-1 (Int ends a run: its DMA_END is due after its last block), then 2-3.
    expect(writes.mock.calls.map(([offset, src]) => [offset / 512, src.length / 512])).toEqual([
      [300, 4],
      [304, 4],
    ]);
    expect(guest.readl(R.SDHCI_ADMA_ADDRESS)).toBe(TABLE + 3 * 8); // stopped on the End descriptor
  });

  it('a descriptor length of 0 moves 65536 bytes', () => {
    const { guest, ram, store, at, dma } = setup();
    const data = pattern(65536, 2);
    store.write(0, data);
    writeAdmaTable(ram, TABLE, [{ attr: R.ADMA2_TRAN_VALID | R.ADMA2_END, len: 0, addr: RAM_BASE + 0x2_0000 }], 32);
    dma(R.SDHCI_CTRL_ADMA32);
    guest.writel(R.SDHCI_ADMA_ADDRESS, TABLE);
    guest.cmd(23, 128, FLAGS.r1);
    guest.dataCmd(18, 0, 128, READ_MULTI);
    expect(guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR) & ~R.SDHCI_INT_RESPONSE).toBe(R.SDHCI_INT_DATA_END);
    expect(at(RAM_BASE + 0x2_0000, 65536)).toEqual(data);
  });

  it('an invalid descriptor: ADMA error in ST_FDS with the address on it; DAT reset and CMD12 recover', () => {
    const { guest, ram, dma, card } = setup();
    writeAdmaTable(
      ram,
      TABLE,
      [
        { attr: R.ADMA2_TRAN_VALID, len: 512, addr: RAM_BASE + 0x2_0000 },
        { attr: R.ADMA2_TRAN_VALID & ~1, len: 512, addr: RAM_BASE + 0x3_0000 },
      ],
      32,
    );
    dma(R.SDHCI_CTRL_ADMA32);
    guest.writel(R.SDHCI_ADMA_ADDRESS, TABLE);
    guest.dataCmd(18, 0, 3, READ_MULTI);
    const st = guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR);
    expect(st & ~R.SDHCI_INT_RESPONSE).toBe(R.SDHCI_INT_ERROR | R.SDHCI_INT_ADMA_ERROR);
    expect(guest.readb(R.SDHCI_ADMA_ERROR)).toBe(0x1); // ST_FDS
    expect(guest.readl(R.SDHCI_ADMA_ADDRESS)).toBe(TABLE + 8);
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & (R.SDHCI_DATA_INHIBIT | R.SDHCI_DOING_READ)).toBe(R.SDHCI_DATA_INHIBIT);
    // Linux's error path: reset CMD and DATA, then CMD12.
    guest.writeb(R.SDHCI_SOFTWARE_RESET, R.SDHCI_RESET_CMD | R.SDHCI_RESET_DATA);
    guest.ack();
    expect(card.state).toBe('data');
    // A read stops without busy: Transfer Complete comes with the response.
    expect(guest.cmd(12, 0, FLAGS.r1b).status).toBe(R.SDHCI_INT_RESPONSE | R.SDHCI_INT_DATA_END);
    expect(card.state).toBe('tran');
  });

  it('length mismatch both ways: the table ends early, or holds more than the block count', () => {
    const early = setup();
    writeAdmaTable(early.ram, TABLE, [{ attr: R.ADMA2_TRAN_VALID | R.ADMA2_END, len: 512, addr: RAM_BASE + 0x2_0000 }], 32);
    early.dma(R.SDHCI_CTRL_ADMA32);
    early.guest.writel(R.SDHCI_ADMA_ADDRESS, TABLE);
    early.guest.cmd(23, 2, FLAGS.r1);
    early.guest.dataCmd(18, 0, 2, READ_MULTI);
    expect(early.guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR) & R.SDHCI_INT_ADMA_ERROR).toBeTruthy();
    expect(early.guest.readb(R.SDHCI_ADMA_ERROR)).toBe(0x3 | 0x4); // ST_TFR, length mismatch
    expect(early.guest.readl(R.SDHCI_ADMA_ADDRESS)).toBe(TABLE);

    const more = setup();
    writeAdmaTable(more.ram, TABLE, [{ attr: R.ADMA2_TRAN_VALID | R.ADMA2_END, len: 1024, addr: RAM_BASE + 0x2_0000 }], 32);
    more.dma(R.SDHCI_CTRL_ADMA32);
    more.guest.writel(R.SDHCI_ADMA_ADDRESS, TABLE);
    more.guest.dataCmd(17, 0, 1, R.SDHCI_TRNS_DMA | R.SDHCI_TRNS_READ);
    expect(more.guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR) & ~R.SDHCI_INT_RESPONSE).toBe(R.SDHCI_INT_ERROR | R.SDHCI_INT_ADMA_ERROR);
    expect(more.guest.readb(R.SDHCI_ADMA_ERROR)).toBe(0x3 | 0x4);
  });

  it('memory faults: a table outside memory (ST_FDS), a data address outside memory (ST_TFR)', () => {
    const a = setup();
    a.dma(R.SDHCI_CTRL_ADMA32);
    a.guest.writel(R.SDHCI_ADMA_ADDRESS, 0x10);
    a.guest.dataCmd(17, 0, 1, R.SDHCI_TRNS_DMA | R.SDHCI_TRNS_READ);
    expect(a.guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR) & R.SDHCI_INT_ADMA_ERROR).toBeTruthy();
    expect(a.guest.readb(R.SDHCI_ADMA_ERROR)).toBe(0x1);
    expect(a.logs.some((l) => /descriptor at 0x10 is outside memory/.test(l))).toBe(true);

    const b = setup();
    writeAdmaTable(b.ram, TABLE, [{ attr: R.ADMA2_TRAN_VALID | R.ADMA2_END, len: 512, addr: 0x4000 }], 32);
    b.dma(R.SDHCI_CTRL_ADMA32);
    b.guest.writel(R.SDHCI_ADMA_ADDRESS, TABLE);
    b.guest.dataCmd(24, 0, 1, R.SDHCI_TRNS_DMA);
    expect(b.guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR) & R.SDHCI_INT_ADMA_ERROR).toBeTruthy();
    expect(b.guest.readb(R.SDHCI_ADMA_ERROR)).toBe(0x3);
    expect(b.card.state).toBe('rcv'); // the card never got the block
  });
});
