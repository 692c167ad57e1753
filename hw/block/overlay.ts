// SPDX-License-Identifier: GPL-2.0
// A copy-on-write store over a read-only base (QEMU's qcow2-over-backing-file idea, in memory):
// writes land in sparse overlay chunks, the base is never written, and a read takes each 512-byte
// sector from the overlay if it was written there, from the base otherwise. A write that covers
// only part of a sector first copies that sector up from the base, so a sector is always whole
// in one place. A scenario can run on a pristine card image and throw the changes away.
import type { BlockBackend } from '../../include/hw/block.h.ts';
import { forEachChunk } from './chunks.ts';
import type { Fillable } from './fill.ts';
import { checkRange, checkSize } from './range.ts';

const SECTOR = 512;

export interface OverlayBackendOptions {
  /** The read-only store underneath; its size is the overlay's size. */
  base: BlockBackend;
  /** Overlay allocation unit in bytes, a multiple of 512 (default 64 KiB). */
  chunkBytes?: number;
}

/** An overlay chunk: its bytes and, per sector, whether the overlay holds that sector. */
interface Chunk {
  data: Uint8Array;
  valid: Uint8Array;
}

/** A copy-on-write BlockBackend: reads fall through to `base` until written; `base` is never written. */
export class OverlayBackend implements BlockBackend, Fillable {
  readonly size: number;
  readonly chunkBytes: number;
  private readonly base: BlockBackend;
  /** A partial chunk, or the one value a wholly overwritten chunk holds; absent = base. */
  private readonly chunks = new Map<number, Chunk | number>();
  private allocated = 0;

  constructor(options: OverlayBackendOptions) {
    const { base } = options;
    if (!base || typeof base.read !== 'function') throw new TypeError('OverlayBackend base must be a BlockBackend');
    this.base = base;
    this.size = checkSize('OverlayBackend base.size', base.size);
    this.chunkBytes = checkSize('OverlayBackend chunkBytes', options.chunkBytes ?? 64 * 1024);
    if (this.chunkBytes === 0) throw new RangeError('OverlayBackend chunkBytes must not be 0');
  }

  /** Bytes of buffer memory the overlay holds. */
  get allocatedBytes(): number {
    return this.allocated;
  }

  read(offset: number, dst: Uint8Array): void {
    checkRange(this.size, offset, dst.length);
    forEachChunk(this.chunkBytes, offset, dst.length, (index, within, pos, n) => {
      const c = this.chunks.get(index);
      const out = dst.subarray(pos, pos + n);
      if (c === undefined) return this.base.read(offset + pos, out);
      if (typeof c === 'number') return void out.fill(c);
      // Runs of sectors that share a source, each moved in one copy.
      let i = 0;
      while (i < n) {
        const fromOverlay = c.valid[Math.floor((within + i) / SECTOR)] === 1;
        // End of this sector, then whole sectors while the source stays the same.
        let end = (Math.floor((within + i) / SECTOR) + 1) * SECTOR - within;
        while (end < n && (c.valid[(within + end) / SECTOR] === 1) === fromOverlay) end += SECTOR;
        end = Math.min(end, n);
        if (fromOverlay) out.set(c.data.subarray(within + i, within + end), i);
        else this.base.read(offset + pos + i, out.subarray(i, end));
        i = end;
      }
    });
  }

  write(offset: number, src: Uint8Array): void {
    checkRange(this.size, offset, src.length);
    forEachChunk(this.chunkBytes, offset, src.length, (index, within, pos, n) => {
      const c = this.chunk(index);
      const first = Math.floor(within / SECTOR);
      const last = Math.floor((within + n - 1) / SECTOR);
      const chunkStart = index * this.chunkBytes;
      for (const s of [first, last]) {
        const start = s * SECTOR;
        const whole = within <= start && within + n >= start + SECTOR;
        if (!whole && c.valid[s] !== 1) this.base.read(chunkStart + start, c.data.subarray(start, start + SECTOR));
      }
      c.data.set(src.subarray(pos, pos + n), within);
      c.valid.fill(1, first, last + 1);
    });
  }

  fill(offset: number, length: number, value: number): void {
    checkRange(this.size, offset, length);
    forEachChunk(this.chunkBytes, offset, length, (index, _within, pos, n) => {
      if (n === this.chunkLength(index)) return this.setUniform(index, value);
      this.write(offset + pos, new Uint8Array(n).fill(value));
    });
  }

  flush(): void {
    // The overlay is volatile on purpose and the base is read-only: nothing to make durable.
  }

  /** Drop every change: the store reads as the base again. */
  reset(): void {
    this.chunks.clear();
    this.allocated = 0;
  }

  private chunkLength(index: number): number {
    return Math.min(this.chunkBytes, this.size - index * this.chunkBytes);
  }

  /** The chunk at @index as a buffer, creating or expanding it. */
  private chunk(index: number): Chunk {
    const c = this.chunks.get(index);
    if (typeof c === 'object') return c;
    const len = this.chunkLength(index);
    const chunk: Chunk = { data: new Uint8Array(len), valid: new Uint8Array(Math.ceil(len / SECTOR)) };
    if (typeof c === 'number') {
      chunk.data.fill(c);
      chunk.valid.fill(1);
    }
    this.chunks.set(index, chunk);
    this.allocated += len;
    return chunk;
  }

  private setUniform(index: number, value: number): void {
    const c = this.chunks.get(index);
    if (typeof c === 'object') this.allocated -= c.data.length;
    this.chunks.set(index, value);
  }
}
