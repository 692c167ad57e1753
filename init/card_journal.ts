// SPDX-License-Identifier: GPL-2.0
// Every write each card's media received, from the card's side (partition, offset, length,
// virtual time): what the panic write audit reads.
import { inject, injectable } from 'tsyringe';
import { VirtualClock } from '../kernel/time/clock.ts';

export type card_part = 'user' | 'boot0' | 'boot1' | 'rpmb';

export interface card_write {
  /** Board device key, "mmc_mock.0". */
  readonly device: string;
  readonly part: card_part;
  /** Byte offset in the partition. */
  readonly offset: number;
  readonly length: number;
  readonly time: number;
}

/** A byte range of one partition of a card, end exclusive. */
export interface card_range {
  readonly part: card_part;
  readonly start: number;
  readonly end: number;
}

/** Whether @w lies wholly inside @r. */
export const inside = (w: card_write, r: card_range): boolean => w.part === r.part && w.offset >= r.start && w.offset + w.length <= r.end;

/** Columns grown by doubling: a write costs a few stores, not an object the collector must trace. */
const FIRST_ROOM = 256;

const doubled = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
};

@injectable()
export class CardJournal {
  /** Set while a card undoes unfinished programming at a power cut: no write the card received. */
  muted = false;
  private n = 0;
  private offsets = new Float64Array(FIRST_ROOM);
  private lengths = new Float64Array(FIRST_ROOM);
  private times = new Float64Array(FIRST_ROOM);
  /** Index into `sources` of each write's device and partition. */
  private source = new Float64Array(FIRST_ROOM);
  private readonly sources: Array<{ readonly device: string; readonly part: card_part }> = [];

  constructor(@inject(VirtualClock) private readonly clock: VirtualClock) {}

  /** Writes journaled so far. */
  get length(): number {
    return this.n;
  }

  listener(device: string, part: card_part): (offset: number, length: number) => void {
    const source = this.sources.push({ device, part }) - 1;
    return (offset, length) => {
      if (!this.muted) this.record(source, offset, length);
    };
  }

  /** The writes from the @from-th on, in the order the card received them. */
  slice(from = 0): card_write[] {
    const out: card_write[] = [];
    for (let i = Math.max(0, from); i < this.n; i++) {
      const { device, part } = this.sources[this.source[i]!]!;
      out.push({ device, part, offset: this.offsets[i]!, length: this.lengths[i]!, time: this.times[i]! });
    }
    return out;
  }

  /** The writes at virtual time @time or later (the clock never goes back). */
  since(time: number): card_write[] {
    let i = this.n;
    while (i > 0 && this.times[i - 1]! >= time) i--;
    return this.slice(i);
  }

  private record(source: number, offset: number, length: number): void {
    if (this.n === this.times.length) this.grow();
    const i = this.n++;
    this.source[i] = source;
    this.offsets[i] = offset;
    this.lengths[i] = length;
    this.times[i] = this.clock.now;
  }

  private grow(): void {
    [this.offsets, this.lengths, this.times, this.source] = [doubled(this.offsets), doubled(this.lengths), doubled(this.times), doubled(this.source)];
  }
}
