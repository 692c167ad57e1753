// SPDX-License-Identifier: GPL-2.0
// An in-memory backing store that costs memory only for what was written: the byte range is cut
// into fixed chunks (64 KiB by default) and a chunk gets a buffer on its first write that is not
// already what the chunk reads as. A chunk set to one value by fill() (an eMMC erase) is kept
// as that value, not as a buffer, so erasing a whole 256 GiB card stays cheap.
//
// exchange() is a write that hands the chunk buffers it covers whole to the caller (with the
// bytes they held) and puts the new bytes in other buffers; the caller gives them back when it
// no longer needs the old bytes, and they wait on a short free list for the next write. A
// buffer is in exactly one place, the store, the free list or a caller's hands, so a later
// write can never change old bytes a caller still holds.
import type { BlockBackend } from '../../include/hw/block.h.ts';
import { forEachChunk, isUniform } from './chunks.ts';
import { type Exchangeable, Replaced, type ReplacedPiece } from './exchange.ts';
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

/** Bytes of chunk buffers kept for reuse: a few writes' worth, so memory stays bounded. */
export const SPARSE_FREE_BYTES = 4 * 1024 * 1024;

/** A BlockBackend in memory that costs only what was written (chunks allocated on first write). */
export class SparseBackend implements BlockBackend, Fillable, Exchangeable {
  readonly size: number;
  readonly chunkBytes: number;
  /** What never-written bytes read as. */
  readonly fillByte: number;
  /** A buffer, or the one value every byte of the chunk has; absent = fillByte. */
  private readonly chunks = new Map<number, Uint8Array | number>();
  private allocated = 0;
  /** Whole-chunk buffers given back by exchange() callers, contents stale. */
  private readonly free: Uint8Array[] = [];
  private readonly maxFree: number;

  constructor(options: SparseBackendOptions) {
    this.size = checkSize('SparseBackend size', options.size);
    this.chunkBytes = checkSize('SparseBackend chunkBytes', options.chunkBytes ?? 64 * 1024);
    if (this.chunkBytes === 0) throw new RangeError('SparseBackend chunkBytes must not be 0');
    this.fillByte = checkByte('SparseBackend fill', options.fill ?? 0);
    this.maxFree = Math.floor(SPARSE_FREE_BYTES / this.chunkBytes);
  }

  /** Bytes of buffer memory held for written chunks. */
  get allocatedBytes(): number {
    return this.allocated;
  }

  /** Bytes of chunk buffers waiting for reuse, at most SPARSE_FREE_BYTES. */
  get freeBytes(): number {
    return this.free.length * this.chunkBytes;
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

  /**
   * write(), returning the bytes it replaced: a chunk covered whole hands over its buffer,
   * one never written or uniform its value; only the partly covered ends are copied.
   */
  exchange(offset: number, src: Uint8Array): Replaced {
    checkRange(this.size, offset, src.length);
    const old: ReplacedPiece[] = [];
    const handed: Uint8Array[] = [];
    forEachChunk(this.chunkBytes, offset, src.length, (index, within, pos, n) => {
      const piece = src.subarray(pos, pos + n);
      const c = this.chunks.get(index);
      if (typeof c !== 'object') {
        const value = c ?? this.fillByte;
        old.push({ length: n, value });
        if (!isUniform(piece, value)) this.materialize(index, value, n === this.chunkLength(index)).set(piece, within);
      } else if (n === c.length) {
        old.push({ length: n, bytes: c });
        handed.push(c);
        this.allocated -= c.length;
        this.materialize(index, 0, true).set(piece);
      } else {
        old.push({ length: n, bytes: c.slice(within, within + n) });
        c.set(piece, within);
      }
    });
    return new Replaced(old, handed, this.recycle);
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

  /** Give chunk @index a buffer of @value (of anything if the caller @overwrites all of it). */
  private materialize(index: number, value: number, overwrites = false): Uint8Array {
    const length = this.chunkLength(index);
    const reused = length === this.chunkBytes ? this.free.pop() : undefined;
    const buf = reused ?? new Uint8Array(length);
    if (!overwrites && (reused || value !== 0)) buf.fill(value);
    this.chunks.set(index, buf);
    this.allocated += length;
    return buf;
  }

  /** A buffer exchange() handed over is back (Replaced.release()). */
  private readonly recycle = (buf: Uint8Array): void => {
    if (buf.length === this.chunkBytes && this.free.length < this.maxFree) this.free.push(buf);
  };

  private setUniform(index: number, value: number): void {
    const c = this.chunks.get(index);
    if (typeof c === 'object') this.allocated -= c.length;
    if (value === this.fillByte) this.chunks.delete(index);
    else this.chunks.set(index, value);
  }
}
