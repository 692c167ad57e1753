// SPDX-License-Identifier: GPL-2.0
// A store that reports every write to a listener before passing it on: how a board can say,
// from the card's side, what was written where (the panic write audit).
import type { BlockBackend } from '../../include/hw/block.h.ts';
import { type Exchangeable, exchangeRange, type Replaced } from './exchange.ts';

export type WriteListener = (offset: number, length: number) => void;

/** A BlockBackend that tells a listener of every write (offset, length) before passing it on. */
export class MonitoredBackend implements BlockBackend, Exchangeable {
  constructor(
    readonly base: BlockBackend,
    private readonly listener: WriteListener,
  ) {}

  get size(): number {
    return this.base.size;
  }

  read(offset: number, dst: Uint8Array): void {
    this.base.read(offset, dst);
  }

  write(offset: number, src: Uint8Array): void {
    this.listener(offset, src.length);
    this.base.write(offset, src);
  }

  exchange(offset: number, src: Uint8Array): Replaced {
    this.listener(offset, src.length);
    return exchangeRange(this.base, offset, src);
  }

  flush(): void {
    this.base.flush();
  }
}
