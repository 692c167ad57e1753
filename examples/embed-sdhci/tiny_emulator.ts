// SPDX-License-Identifier: GPL-2.0
// A deliberately tiny "foreign" emulator, written as if mmcpstore-ts did not exist: a CPU whose
// every bus access costs cycles, a physical address map of RAM and MMIO windows, one interrupt
// controller and an event queue in cycle time. It knows the device models only through the four
// contracts of include/hw (Clock, MmioRegion, IrqLine, DmaMemory), which is all an embedder
// provides or consumes.
import type { AccessSize, Clock, ClockEvent, DmaMemory, IrqLine, MmioRegion } from '../../hw/index.ts';

/** 100 MHz: every bus access costs one 10 ns cycle. */
const NS_PER_CYCLE = 10;

interface timer extends ClockEvent {
  readonly fn: () => void;
  readonly seq: number;
}

/** The event queue, in nanoseconds of emulated time; what a device model schedules on. */
class EventClock implements Clock {
  now = 0;
  private queue: timer[] = [];
  private seq = 0;

  at(time: number, fn: () => void): ClockEvent {
    const t: timer = { time: Math.max(time, this.now), fn, seq: this.seq++, cancelled: false };
    this.queue.push(t);
    this.queue.sort((a, b) => a.time - b.time || a.seq - b.seq);
    return t;
  }

  cancel(ev: ClockEvent | null): void {
    if (ev) ev.cancelled = true;
  }

  /** Move time to @time, running every event due on the way. */
  run_until(time: number): void {
    for (let t = this.queue[0]; t && t.time <= time; t = this.queue[0]) {
      this.queue.shift();
      this.now = t.time;
      if (!t.cancelled) t.fn();
    }
    this.now = Math.max(this.now, time);
  }

  /** When the next live event falls due, or null if none is pending. */
  next(): number | null {
    this.queue = this.queue.filter((t) => !t.cancelled);
    return this.queue[0]?.time ?? null;
  }
}

interface window {
  readonly base: number;
  readonly region: MmioRegion;
}

/** The machine: RAM at ram_base, MMIO windows mapped by the board, a level-triggered interrupt controller. */
export class TinyEmulator {
  readonly clock = new EventClock();
  readonly ram: Uint8Array;
  private readonly windows: window[] = [];
  private pending = 0;
  /** Interrupts the CPU took, per line. */
  readonly irq_count: number[] = [];

  constructor(
    readonly ram_base: number,
    ram_bytes: number,
  ) {
    this.ram = new Uint8Array(ram_bytes);
  }

  /** Map @region's registers at physical address @base. */
  map(base: number, region: MmioRegion): void {
    this.windows.push({ base, region });
  }

  /** Interrupt line @n of the interrupt controller, for a device to drive. */
  irq_line(n: number): IrqLine {
    this.irq_count[n] ??= 0;
    return {
      set: (level) => {
        if (level && !(this.pending & (1 << n))) this.irq_count[n]!++;
        this.pending = level ? this.pending | (1 << n) : this.pending & ~(1 << n);
      },
    };
  }

  /** The bus as a DMA master sees it: this emulator's own RAM, nothing else. */
  dma(): DmaMemory {
    const inside = (addr: number, len: number) => addr >= this.ram_base && addr + len <= this.ram_base + this.ram.length;
    return {
      read: (addr, dst) => inside(addr, dst.length) && (dst.set(this.ram.subarray(addr - this.ram_base, addr - this.ram_base + dst.length)), true),
      write: (addr, src) => inside(addr, src.length) && (this.ram.set(src, addr - this.ram_base), true),
    };
  }

  /** A CPU load of @size bytes at physical address @addr (little-endian). */
  load(addr: number, size: AccessSize): number {
    this.tick();
    const w = this.window_at(addr);
    if (w) return w.region.read(addr - w.base, size);
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = (v << 8) | this.ram[addr - this.ram_base + i]!;
    return v >>> 0;
  }

  /** A CPU store. */
  store(addr: number, size: AccessSize, value: number): void {
    this.tick();
    const w = this.window_at(addr);
    if (w) return w.region.write(addr - w.base, size, value);
    for (let i = 0; i < size; i++) this.ram[addr - this.ram_base + i] = (value >>> (8 * i)) & 0xff;
  }

  /** WFI: sleep until an interrupt line is asserted; false if nothing could ever assert one. */
  wait_for_interrupt(): boolean {
    while (!this.pending) {
      const next = this.clock.next();
      if (next === null) return false;
      this.clock.run_until(next);
    }
    return true;
  }

  /** Idle the CPU for @ns (a delay loop). */
  delay(ns: number): void {
    this.clock.run_until(this.clock.now + ns);
  }

  private tick(): void {
    this.clock.run_until(this.clock.now + NS_PER_CYCLE);
  }

  private window_at(addr: number): window | undefined {
    return this.windows.find((w) => addr >= w.base && addr < w.base + w.region.size);
  }
}
