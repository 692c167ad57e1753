// SPDX-License-Identifier: GPL-2.0
// Test support for the card model, usable by embedders' smoke tests too: a hand-driven Clock
// and a host that speaks raw commands to an SdCard the way Linux's mmc core does (bring-up,
// block I/O, CMD6 with busy wait). Not a host controller: no timing of its own beyond waiting
// out DAT0 busy by advancing the clock.
import type { Clock, ClockEvent } from '../../include/hw/clock.h.ts';
import type { SdCard, SdResponse } from '../../include/hw/sd.h.ts';

/** A Clock advanced by hand; events run in time order (then in the order added). */
export class ManualClock implements Clock {
  now = 0;
  private events: { ev: ClockEvent; seq: number; fn: () => void }[] = [];
  private seq = 0;

  at(time: number, fn: () => void): ClockEvent {
    const ev: ClockEvent = { time: Math.max(time, this.now), cancelled: false };
    this.events.push({ ev, seq: this.seq++, fn });
    return ev;
  }

  cancel(ev: ClockEvent | null): void {
    if (ev) ev.cancelled = true;
  }

  /** Move time forward by @ns, running every event that falls due. */
  advance(ns: number): void {
    this.advanceTo(this.now + ns);
  }

  advanceTo(time: number): void {
    for (;;) {
      this.events = this.events.filter((e) => !e.ev.cancelled);
      const due = this.events.filter((e) => e.ev.time <= time).sort((a, b) => a.ev.time - b.ev.time || a.seq - b.seq)[0];
      if (!due) break;
      this.events.splice(this.events.indexOf(due), 1);
      this.now = due.ev.time;
      due.fn();
    }
    if (time > this.now) this.now = time;
  }
}

/** Linux's CMD1 argument once it picked a voltage: the card's window with the sector-mode bit. */
export const LINUX_OCR_ARG = 0x40ff_8080;

/** A raw-command host over @card. Methods throw (test failures) when the card stays silent. */
export class RawHost {
  constructor(
    readonly card: SdCard,
    readonly clock: ManualClock,
    readonly rca = 1,
  ) {}

  cmd(index: number, arg = 0): SdResponse {
    return this.card.command(index, arg >>> 0);
  }

  /** A command that must answer with one word (R1/R3). */
  word(index: number, arg = 0): number {
    const r = this.cmd(index, arg);
    if (r.kind !== 'short') throw new Error(`CMD${index}(0x${(arg >>> 0).toString(16)}): expected a short response, got ${r.kind}`);
    return r.word;
  }

  /** A command that must answer R2: the 16 register bytes, bit 127 first. */
  reg(index: number, arg = 0): Uint8Array {
    const r = this.cmd(index, arg);
    if (r.kind !== 'long') throw new Error(`CMD${index}: expected R2, got ${r.kind}`);
    const out = new Uint8Array(16);
    r.words.forEach((w, i) => {
      for (let b = 0; b < 4; b++) out[4 * i + b] = (w >>> (24 - 8 * b)) & 0xff;
    });
    return out;
  }

  status(): number {
    return this.word(13, this.rca << 16);
  }

  /** Let DAT0 busy run out. */
  waitBusy(): void {
    this.clock.advanceTo(this.card.busyUntil);
  }

  /** Linux's mmc_init_card up to the selected card, polling CMD1 every 1 ms. Returns the final OCR. */
  bringUp(): number {
    this.cmd(0, 0);
    let ocr = this.word(1, LINUX_OCR_ARG);
    for (let tries = 0; !(ocr & 0x8000_0000); tries++) {
      if (tries > 1000) throw new Error('CMD1 never reported ready');
      this.clock.advance(1_000_000);
      ocr = this.word(1, LINUX_OCR_ARG);
    }
    this.reg(2);
    this.word(3, this.rca << 16);
    this.reg(9, this.rca << 16);
    this.word(7, this.rca << 16);
    return ocr;
  }

  /** CMD6 write-byte, wait for busy, return the CMD13 status after it. */
  switch(index: number, value: number): number {
    this.word(6, (3 << 24) | (index << 16) | (value << 8));
    this.waitBusy();
    return this.status();
  }

  /** Read @blocks blocks with @index (17, 18, 8, 21, ...) at @arg; CMD12 after an open-ended read. */
  read(index: number, arg: number, bytes: number): Uint8Array {
    this.word(index, arg);
    const buf = new Uint8Array(bytes);
    const n = this.card.readData(buf);
    if (n !== bytes) throw new Error(`read ${n} of ${bytes} bytes`);
    return buf;
  }

  /** CMD23 (count | @flags: b31 reliable write, b24 forced programming) + CMD25, data, programming. */
  write(arg: number, data: Uint8Array, flags = 0): void {
    this.word(23, ((data.length / 512) | flags) >>> 0);
    this.word(25, arg);
    const n = this.card.writeData(data);
    if (n !== data.length) throw new Error(`wrote ${n} of ${data.length} bytes`);
    this.waitBusy();
  }
}
