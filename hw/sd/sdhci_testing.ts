// SPDX-License-Identifier: GPL-2.0
// Test support for the SD Host Controller model, usable by embedders' smoke tests too: a guest
// that pokes the registers by hand (no driver), the way a bare-metal program or Linux's
// sdhci.c would, on any clock that can be stepped event by event (the simulated kernel's
// VirtualClock has that shape). Register names come from include/hw/sdhci.h.ts.
import type { Clock } from '../../include/hw/clock.h.ts';
import type { MmioRegion } from '../../include/hw/mmio.h.ts';
import * as R from '../../include/hw/sdhci.h.ts';
import { SparseBackend } from '../block/sparse.ts';
import { GuestRam } from '../memory/ram.ts';
import { EmmcCard, type EmmcCardOptions } from './emmc.ts';
import { SdhciController } from './sdhci.ts';
import type { SdhciOptions } from './sdhci_options.ts';

/** A clock the test drives: run the next event up to @limit, or idle forward to @time. */
export interface SteppableClock extends Clock {
  fire_next(limit: number): boolean;
  advance_to(time: number): void;
}

/** Command register flags for Linux's response types (research §2). */
export const FLAGS = {
  none: 0x00,
  r1: R.SDHCI_CMD_RESP_SHORT | R.SDHCI_CMD_CRC | R.SDHCI_CMD_INDEX,
  r1b: R.SDHCI_CMD_RESP_SHORT_BUSY | R.SDHCI_CMD_CRC | R.SDHCI_CMD_INDEX,
  r2: R.SDHCI_CMD_RESP_LONG | R.SDHCI_CMD_CRC,
  r3: R.SDHCI_CMD_RESP_SHORT,
} as const;

/** The CMD1 argument Linux sends once it chose a voltage (sector mode, 2.7-3.6 V, 1.7-1.95 V). */
export const OCR_ARG = 0x40ff_8080;

export class SdhciGuest {
  constructor(
    readonly hc: MmioRegion,
    readonly clock: SteppableClock,
  ) {}

  readl(off: number): number {
    return this.hc.read(off, 4);
  }
  readw(off: number): number {
    return this.hc.read(off, 2);
  }
  readb(off: number): number {
    return this.hc.read(off, 1);
  }
  writel(off: number, v: number): void {
    this.hc.write(off, 4, v);
  }
  writew(off: number, v: number): void {
    this.hc.write(off, 2, v);
  }
  writeb(off: number, v: number): void {
    this.hc.write(off, 1, v);
  }

  /** Run events until @cond holds (true) or @ns of virtual time pass (false). */
  runUntil(cond: () => boolean, ns = 2e9): boolean {
    const limit = this.clock.now + ns;
    for (;;) {
      if (cond()) return true;
      if (!this.clock.fire_next(limit)) {
        this.clock.advance_to(limit);
        return cond();
      }
    }
  }

  /** Let @ns of virtual time pass, running what falls due. */
  runFor(ns: number): void {
    const limit = this.clock.now + ns;
    while (this.clock.fire_next(limit));
    this.clock.advance_to(limit);
  }

  /** Wait for any of @bits in INT_STATUS (throws after @ns). Returns INT_STATUS. */
  waitInt(bits: number, ns = 2e9): number {
    if (!this.runUntil(() => (this.readl(R.SDHCI_INT_STATUS) & bits) !== 0, ns))
      throw new Error(`no interrupt 0x${bits.toString(16)} within ${ns} ns (INT_STATUS 0x${this.readl(R.SDHCI_INT_STATUS).toString(16)})`);
    return this.readl(R.SDHCI_INT_STATUS);
  }

  ack(bits = 0xffffffff): void {
    this.writel(R.SDHCI_INT_STATUS, bits);
  }

  /** Linux's sdhci_set_clock: SD clock off, divider, internal clock on, wait stable, SD clock on. */
  setClock(divider: number): void {
    this.writew(R.SDHCI_CLOCK_CONTROL, 0);
    const clk = ((divider & R.SDHCI_DIV_MASK) << R.SDHCI_DIVIDER_SHIFT) | (((divider & R.SDHCI_DIV_HI_MASK) >> 8) << R.SDHCI_DIVIDER_HI_SHIFT) | R.SDHCI_CLOCK_INT_EN;
    this.writew(R.SDHCI_CLOCK_CONTROL, clk);
    if (!this.runUntil(() => (this.readw(R.SDHCI_CLOCK_CONTROL) & R.SDHCI_CLOCK_INT_STABLE) !== 0, 150e6)) throw new Error('internal clock never stable');
    this.writew(R.SDHCI_CLOCK_CONTROL, clk | R.SDHCI_CLOCK_CARD_EN);
  }

  /** Reset all, every interrupt enabled in status (none signalled), 3.3 V bus power, clock at @divider. */
  init(divider: number): void {
    this.writeb(R.SDHCI_SOFTWARE_RESET, R.SDHCI_RESET_ALL);
    if (!this.runUntil(() => this.readb(R.SDHCI_SOFTWARE_RESET) === 0, 100e6)) throw new Error('reset never completed');
    this.writel(R.SDHCI_INT_ENABLE, R.SDHCI_INT_ALL_MASK);
    this.writeb(R.SDHCI_POWER_CONTROL, 0);
    this.writeb(R.SDHCI_POWER_CONTROL, R.SDHCI_POWER_330 | R.SDHCI_POWER_ON);
    this.setClock(divider);
    this.writeb(R.SDHCI_TIMEOUT_CONTROL, 0xe);
  }

  /**
   * Issue CMD@index and wait for Command Complete or a command error. Returns the INT_STATUS
   * seen (acked of its command bits) and the short response.
   */
  cmd(index: number, arg: number, flags: number, mode = 0): { status: number; resp: number } {
    if (!this.runUntil(() => (this.readl(R.SDHCI_PRESENT_STATE) & R.SDHCI_CMD_INHIBIT) === 0, 1e9)) throw new Error('CMD inhibit stuck');
    this.writel(R.SDHCI_ARGUMENT, arg >>> 0);
    this.writew(R.SDHCI_TRANSFER_MODE, mode);
    this.writew(R.SDHCI_COMMAND, R.SDHCI_MAKE_CMD(index, flags));
    const status = this.waitInt(R.SDHCI_INT_RESPONSE | R.SDHCI_INT_ERROR);
    this.ack(status & R.SDHCI_INT_CMD_MASK);
    return { status, resp: this.readl(R.SDHCI_RESPONSE) };
  }

  /** CMD0, CMD1 until ready, CMD2, CMD3 (RCA 1), CMD9, CMD7: the card selected, in tran. */
  bringUp(): void {
    this.cmd(0, 0, FLAGS.none);
    for (let i = 0; ; i++) {
      const { resp } = this.cmd(1, OCR_ARG, FLAGS.r3);
      if (resp & 0x8000_0000) break;
      if (i > 1000) throw new Error('CMD1 never ready');
      this.runFor(1e6);
    }
    this.cmd(2, 0, FLAGS.r2);
    this.cmd(3, 1 << 16, FLAGS.r1);
    this.cmd(9, 1 << 16, FLAGS.r2);
    this.cmd(7, 1 << 16, FLAGS.r1);
  }

  /** CMD6 SWITCH (write byte @value to EXT_CSD[@index]) and its busy. Returns the R1. */
  switch(index: number, value: number): number {
    const { status, resp } = this.cmd(6, (3 << 24) | (index << 16) | (value << 8), FLAGS.r1b);
    if (status & R.SDHCI_INT_ERROR) throw new Error(`CMD6 failed: 0x${status.toString(16)}`);
    this.waitInt(R.SDHCI_INT_DATA_END);
    this.ack(R.SDHCI_INT_DATA_END);
    return resp;
  }

  /** Block Size (512 B, boundary @boundaryArg) and Block Count, then the data command; waits for the response. */
  dataCmd(index: number, arg: number, blocks: number, mode: number, boundaryArg = 7): number {
    this.writew(R.SDHCI_BLOCK_SIZE, R.SDHCI_MAKE_BLKSZ(boundaryArg, 512));
    this.writew(R.SDHCI_BLOCK_COUNT, blocks);
    return this.cmd(index, arg, FLAGS.r1 | R.SDHCI_CMD_DATA, mode).status;
  }

  /** Read one PIO block of @bytes through SDHCI_BUFFER (32-bit reads, LSB first). */
  readBlock(bytes: number): Uint8Array {
    const out = new Uint8Array(bytes);
    for (let i = 0; i < bytes; i += 4) {
      const w = this.readl(R.SDHCI_BUFFER);
      for (let b = 0; b < 4 && i + b < bytes; b++) out[i + b] = (w >>> (8 * b)) & 0xff;
    }
    return out;
  }

  writeBlock(data: Uint8Array): void {
    for (let i = 0; i < data.length; i += 4) {
      let w = 0;
      for (let b = 0; b < 4 && i + b < data.length; b++) w |= data[i + b]! << (8 * b);
      this.writel(R.SDHCI_BUFFER, w >>> 0);
    }
  }
}

export const RAM_BASE = 0x8000_0000;

export interface BenchOptions {
  controller?: Partial<Omit<SdhciOptions, 'clock' | 'irq' | 'dma' | 'card'>>;
  card?: Partial<EmmcCardOptions>;
  /** No card in the slot. */
  empty?: boolean;
  userBytes?: number;
  ramBytes?: number;
}

/**
 * A controller on @clock with an eMMC card (unpowered until the guest turns bus power on) on
 * a sparse store, guest RAM at RAM_BASE, the IRQ line's levels and both models' logs recorded.
 */
export function makeBench(clock: SteppableClock, o: BenchOptions = {}) {
  const logs: string[] = [];
  const irq: boolean[] = [];
  const store = new SparseBackend({ size: o.userBytes ?? 64 * 1024 * 1024 });
  const card = new EmmcCard({ clock, user: store, poweredOn: false, log: (c, m) => logs.push(`card ${c}: ${m}`), ...o.card });
  const ram = new GuestRam({ base: RAM_BASE, size: o.ramBytes ?? 1024 * 1024 });
  const hc = new SdhciController({
    clock,
    card: o.empty ? null : card,
    irq: { set: (level) => irq.push(level) },
    dma: ram,
    log: (c, m) => logs.push(`${c}: ${m}`),
    ...o.controller,
  });
  return { clock, card, store, ram, hc, guest: new SdhciGuest(hc, clock), irq, logs };
}

/** One ADMA2 descriptor: attribute (ADMA2_*), length (0 = 65536), address. */
export interface AdmaEntry {
  attr: number;
  len: number;
  addr: number;
}

/** Write an ADMA2 table at @at in @ram: 8-byte (32-bit) or 12-byte (64-bit) descriptors. */
export function writeAdmaTable(ram: GuestRam, at: number, entries: readonly AdmaEntry[], bits: 32 | 64): void {
  const size = bits === 32 ? 8 : 12;
  const d = new DataView(ram.bytes.buffer, ram.bytes.byteOffset + (at - ram.base), entries.length * size);
  entries.forEach((e, i) => {
    d.setUint16(i * size, e.attr, true);
    d.setUint16(i * size + 2, e.len & 0xffff, true);
    d.setUint32(i * size + 4, e.addr % 2 ** 32, true);
    if (bits === 64) d.setUint32(i * size + 8, Math.floor(e.addr / 2 ** 32), true);
  });
}

export interface BusSetup {
  /** SD clock divider N (f = base / 2N; 0 = base). Default 2 (50 MHz from 200 MHz). */
  divider?: number;
  width?: 1 | 4 | 8;
  /** HS_TIMING 1 on the card and High Speed Enable on the host. Default true. */
  highSpeed?: boolean;
}

/** makeBench, then bring-up at 400 kHz and the bus switched as Linux's mmc_init_card would. */
export function readyBench(clock: SteppableClock, o: BenchOptions = {}, bus: BusSetup = {}) {
  const b = makeBench(clock, o);
  const g = b.guest;
  g.init(250);
  g.bringUp();
  let hc1 = 0;
  if (bus.highSpeed ?? true) {
    g.switch(185, 1);
    hc1 |= R.SDHCI_CTRL_HISPD;
  }
  const width = bus.width ?? 4;
  if (width !== 1) {
    g.switch(183, width === 8 ? 2 : 1);
    hc1 |= width === 8 ? R.SDHCI_CTRL_8BITBUS : R.SDHCI_CTRL_4BITBUS;
  }
  g.writeb(R.SDHCI_HOST_CONTROL, hc1);
  g.setClock(bus.divider ?? 2);
  g.ack();
  return b;
}
