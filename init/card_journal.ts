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

@injectable()
export class CardJournal {
  readonly writes: card_write[] = [];
  /** Set while a card undoes unfinished programming at a power cut: no write the card received. */
  muted = false;

  constructor(@inject(VirtualClock) private readonly clock: VirtualClock) {}

  listener(device: string, part: card_part): (offset: number, length: number) => void {
    return (offset, length) => {
      if (!this.muted) this.writes.push({ device, part, offset, length, time: this.clock.now });
    };
  }
}
