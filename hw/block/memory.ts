// SPDX-License-Identifier: GPL-2.0
// A backing store over a Uint8Array the embedder owns (a disk image it loaded, a shared
// ArrayBuffer): reads and writes go straight to that array, so the embedder sees every write.
import type { BlockBackend } from '../../include/hw/block.h.ts';
import type { Fillable } from './fill.ts';
import { checkRange, checkSize } from './range.ts';

/** A BlockBackend over one Uint8Array the caller owns (its length a multiple of 512). */
export class MemoryBackend implements BlockBackend, Fillable {
  readonly size: number;

  /** @bytes is used in place, not copied; its length must be a multiple of 512. */
  constructor(readonly bytes: Uint8Array) {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('MemoryBackend bytes must be a Uint8Array');
    this.size = checkSize('MemoryBackend bytes.length', bytes.length);
  }

  read(offset: number, dst: Uint8Array): void {
    checkRange(this.size, offset, dst.length);
    dst.set(this.bytes.subarray(offset, offset + dst.length));
  }

  write(offset: number, src: Uint8Array): void {
    checkRange(this.size, offset, src.length);
    this.bytes.set(src, offset);
  }

  fill(offset: number, length: number, value: number): void {
    checkRange(this.size, offset, length);
    this.bytes.fill(value, offset, offset + length);
  }

  flush(): void {
    // The embedder's array is the store; nothing is buffered here.
  }
}
