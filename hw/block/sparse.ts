// SPDX-License-Identifier: GPL-2.0
// An in-memory backing store that costs memory only for what was written: the byte range is cut
// into fixed chunks (64 KiB by default) and a chunk gets a buffer on its first write that is not
// already what the chunk reads as. A chunk set to one value by fill() (an eMMC erase) is kept
// as that value, not as a buffer, so erasing a whole 256 GiB card stays cheap.
import type { BlockBackend } from '../../include/hw/block.h.ts';
import { forEachChunk, isUniform } from './chunks.ts';
import type { Fillable } from './fill.ts';
import { checkByte, checkRange, checkSize } from './range.ts';

export interface SparseBackendOptions {
  /** Size in bytes, a multiple of 512. */
  size: number;
  /** Allocation unit in bytes, a multiple of 512 (default 64 KiB). */
  chunkBytes?: number;
  /** What never-written bytes read as (default 0). */
  fill?: number;
}

/** A BlockBackend in memory that costs only what was written (chunks allocated on first write). */
export class SparseBackend implements BlockBackend, Fillable {
  readonly size: number;
  readonly chunkBytes: number;
  /** What never-written bytes read as. */
  readonly fillByte: number;
  /** A buffer, or the one value every byte of the chunk has; absent = fillByte. */
  private readonly chunks = new Map<number, Uint8Array | number>();
  private allocated = 0;

  constructor(options: SparseBackendOptions) {
    this.size = checkSize('SparseBackend size', options.size);
    this.chunkBytes = checkSize('SparseBackend chunkBytes', options.chunkBytes ?? 64 * 1024);
    if (this.chunkBytes === 0) throw new RangeError('SparseBackend chunkBytes must not be 0');
    this.fillByte = checkByte('SparseBackend fill', options.fill ?? 0);
  }

  /** Bytes of buffer memory held for written chunks. */
  get allocatedBytes(): number {
    return this.allocated;
  }

  read(offset: number, dst: Uint8Array): void {
    checkRange(this.size, offset, dst.length);
    forEachChunk(this.chunkBytes, offset, dst.length, (index, within, pos, n) => {
      const c = this.chunks.get(index);
      const out = dst.subarray(pos, pos + n);
      if (typeof c === 'object') out.set(c.subarray(within, within + n));
      else out.fill(c ?? this.fillByte);
    });
  }

  write(offset: number, src: Uint8Array): void {
    checkRange(this.size, offset, src.length);
    forEachChunk(this.chunkBytes, offset, src.length, (index, within, pos, n) => {
      const piece = src.subarray(pos, pos + n);
      const c = this.chunks.get(index);
      if (typeof c === 'object') return c.set(piece, within);
      // Writing what the chunk already reads as (zeros to a fresh store) allocates nothing.
      const value = c ?? this.fillByte;
      if (isUniform(piece, value)) return;
      this.materialize(index, value).set(piece, within);
    });
  }

  fill(offset: number, length: number, value: number): void {
    checkRange(this.size, offset, length);
    const firstWhole = Math.ceil(offset / this.chunkBytes);
    const endWhole = Math.floor((offset + length) / this.chunkBytes);
    if (value === this.fillByte && endWhole - firstWhole > this.chunks.size) {
      // Back to what the store reads as, over more chunks than exist: visit the chunks that
      // exist, not the range (a discard of a whole 256 GiB card), then the partial ends.
      for (const index of [...this.chunks.keys()]) if (index >= firstWhole && index < endWhole) this.setUniform(index, value);
      const lo = firstWhole * this.chunkBytes;
      const hi = Math.max(lo, endWhole * this.chunkBytes);
      if (offset < lo) this.fill(offset, Math.min(lo, offset + length) - offset, value);
      if (offset + length > hi && hi > offset) this.fill(hi, offset + length - hi, value);
      return;
    }
    forEachChunk(this.chunkBytes, offset, length, (index, within, _pos, n) => {
      if (n === this.chunkLength(index)) return this.setUniform(index, value);
      const c = this.chunks.get(index);
      if (typeof c === 'object') return void c.fill(value, within, within + n);
      const old = c ?? this.fillByte;
      if (old !== value) this.materialize(index, old).fill(value, within, within + n);
    });
  }

  /** The chunks that may not read as fillByte, in offset order: what a sparse copy must write. */
  *extents(): Generator<{ offset: number; length: number }> {
    for (const index of [...this.chunks.keys()].sort((a, b) => a - b)) yield { offset: index * this.chunkBytes, length: this.chunkLength(index) };
  }

  flush(): void {
    // Memory is as durable as this store gets.
  }

  /** Forget everything written: the store reads as fillByte again. */
  clear(): void {
    this.chunks.clear();
    this.allocated = 0;
  }

  private chunkLength(index: number): number {
    return Math.min(this.chunkBytes, this.size - index * this.chunkBytes);
  }

  private materialize(index: number, value: number): Uint8Array {
    const buf = new Uint8Array(this.chunkLength(index));
    if (value !== 0) buf.fill(value);
    this.chunks.set(index, buf);
    this.allocated += buf.length;
    return buf;
  }

  private setUniform(index: number, value: number): void {
    const c = this.chunks.get(index);
    if (typeof c === 'object') this.allocated -= c.length;
    if (value === this.fillByte) this.chunks.delete(index);
    else this.chunks.set(index, value);
  }
}
