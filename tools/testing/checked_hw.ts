// SPDX-License-Identifier: GPL-2.0
// Checking stand-ins for what an embedder hands a device model (include/hw/): guest memory, a
// backing store and a clock that pass every call through and record each one that breaks the
// interface's contract, so a fuzzer can assert that a model under random guest input never
// did. Nothing here throws on its own; the wrapped object answers as it would.
import type { BlockBackend } from '../../include/hw/block.h.ts';
import type { Clock, ClockEvent } from '../../include/hw/clock.h.ts';
import type { DmaMemory } from '../../include/hw/dma.h.ts';
import { type Exchangeable, exchangeRange, type Replaced } from '../../hw/block/exchange.ts';

/** The contract's address space: byte addresses below 2^53 (include/hw/dma.h.ts). */
const ADDRESS_LIMIT = 2 ** 53;

const well_formed = (addr: number, len: number): boolean => Number.isSafeInteger(addr) && addr >= 0 && addr + len <= ADDRESS_LIMIT;

/**
 * DmaMemory over @mem of @size bytes at @base. An access with any byte outside it may be tried
 * (the memory answers false: a bus error for the device to report), but its address must be
 * one the contract allows, and an empty access is pointless; those are recorded as violations.
 * Every access outside the memory is counted (a fuzzer can check it is reached at all).
 */
export class CheckedDma implements DmaMemory {
  readonly violations: string[] = [];
  outside = 0;
  accesses = 0;

  constructor(
    private readonly mem: DmaMemory,
    private readonly base: number,
    private readonly size: number,
  ) {}

  private check(what: string, addr: number, len: number): void {
    this.accesses++;
    if (!well_formed(addr, len) || len === 0) this.violations.push(`DMA ${what} of ${len} bytes at ${String(addr)}: not an address of the DmaMemory contract`);
    else if (addr < this.base || addr + len > this.base + this.size) this.outside++;
  }

  read(addr: number, dst: Uint8Array): boolean {
    this.check('read', addr, dst.length);
    return this.mem.read(addr, dst);
  }

  write(addr: number, src: Uint8Array): boolean {
    this.check('write', addr, src.length);
    return this.mem.write(addr, src);
  }

  view(addr: number, len: number): Uint8Array | null {
    this.check('view', addr, len);
    const v = this.mem.view?.(addr, len) ?? null;
    if (v && v.length !== len) this.violations.push(`DMA view of ${len} bytes at ${addr} is ${v.length} bytes long`);
    return v;
  }
}

/** BlockBackend over @store: any access not within [0, size) is a violation (the contract calls it a caller's bug). */
export class CheckedBackend implements BlockBackend, Exchangeable {
  readonly violations: string[] = [];
  reads = 0;
  writes = 0;

  constructor(
    private readonly store: BlockBackend,
    private readonly name: string,
  ) {}

  get size(): number {
    return this.store.size;
  }

  private check(what: string, offset: number, len: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + len > this.store.size)
      this.violations.push(`${this.name}: ${what} of ${len} bytes at ${String(offset)} (store of ${this.store.size})`);
  }

  read(offset: number, dst: Uint8Array): void {
    this.reads++;
    this.check('read', offset, dst.length);
    this.store.read(offset, dst);
  }

  write(offset: number, src: Uint8Array): void {
    this.writes++;
    this.check('write', offset, src.length);
    this.store.write(offset, src);
  }

  /** The write a card model makes (hw/block/exchange.ts), checked as write() is: the store's own exchange runs under it. */
  exchange(offset: number, src: Uint8Array): Replaced {
    this.writes++;
    this.check('write', offset, src.length);
    return exchangeRange(this.store, offset, src);
  }

  flush(): void {
    this.store.flush();
  }
}

/** A clock a test steps (VirtualClock's shape), recording events asked for at a time that is not a finite number, and run-aheads past quietUntil(). */
export interface SteppedClock extends Clock {
  fire_next(limit: number): boolean;
  advance_to(time: number): void;
}

export class CheckedClock implements SteppedClock {
  readonly violations: string[] = [];

  constructor(private readonly clock: SteppedClock) {}

  get now(): number {
    return this.clock.now;
  }

  at(time: number, fn: () => void): ClockEvent {
    if (!Number.isFinite(time)) this.violations.push(`an event at ${String(time)} ns`);
    return this.clock.at(time, fn);
  }

  cancel(ev: ClockEvent | null): void {
    this.clock.cancel(ev);
  }

  quietUntil(): number {
    return this.clock.quietUntil?.() ?? this.clock.now;
  }

  advanceTo(time: number): void {
    if (!(time < this.quietUntil())) this.violations.push(`a run-ahead to ${String(time)} ns, not before quietUntil() = ${this.quietUntil()}`);
    else this.clock.advanceTo!(time);
  }

  fire_next(limit: number): boolean {
    return this.clock.fire_next(limit);
  }

  advance_to(time: number): void {
    this.clock.advance_to(time);
  }
}
