// SPDX-License-Identifier: GPL-2.0
// The eMMC volatile write cache (JEDEC §6.6.30, EXT_CSD CACHE_SIZE/CACHE_CTRL/FLUSH_CACHE). With
// CACHE_CTRL = 1 a write completes once its data is in the cache; it reaches the media on
// FLUSH_CACHE, power-off notification, sleep, or when the cache has no room. Power loss drops
// whatever is still here, which is exactly what a crash-dump writer must not rely on. QEMU
// does not model a cache. Held per 512-byte block, keyed by partition and block address.
import type { BlockBackend } from '../../include/hw/block.h.ts';

const BLOCK = 512;

export interface CachedBlock {
  part: number;
  block: number;
  data: Uint8Array;
}

export class WriteCache {
  private readonly blocks = new Map<number, CachedBlock>();

  /** @capacityBytes: CACHE_SIZE in bytes. */
  constructor(readonly capacityBytes: number) {}

  /** Bytes not yet on the media. */
  get dirtyBytes(): number {
    return this.blocks.size * BLOCK;
  }

  /** True if a block not already cached would not fit. */
  get full(): boolean {
    return (this.blocks.size + 1) * BLOCK > this.capacityBytes;
  }

  has(part: number, block: number): boolean {
    return this.blocks.has(key(part, block));
  }

  /** Keep a copy of the 512 bytes @data as the content of @block in @part. */
  put(part: number, block: number, data: Uint8Array): void {
    const k = key(part, block);
    const e = this.blocks.get(k);
    if (e) e.data.set(data);
    else this.blocks.set(k, { part, block, data: data.slice(0, BLOCK) });
  }

  /** Lay cached blocks over @dst, which holds media content from @block of @part on. */
  overlay(part: number, block: number, dst: Uint8Array): void {
    if (this.blocks.size === 0) return;
    const n = dst.length / BLOCK;
    for (let i = 0; i < n; i++) {
      const e = this.blocks.get(key(part, block + i));
      if (e) dst.set(e.data, i * BLOCK);
    }
  }

  /** Forget cached blocks in [@block, @block + @count) of @part (overwritten on the media). */
  invalidate(part: number, block: number, count: number): void {
    if (this.blocks.size === 0) return;
    if (count <= this.blocks.size) {
      for (let i = 0; i < count; i++) this.blocks.delete(key(part, block + i));
      return;
    }
    for (const [k, e] of this.blocks) if (e.part === part && e.block >= block && e.block < block + count) this.blocks.delete(k);
  }

  /** Write everything to @parts (runs of adjacent blocks in one write each); returns the bytes. */
  flush(parts: readonly (BlockBackend | null)[]): number {
    const all = [...this.blocks.values()].sort((a, b) => a.part - b.part || a.block - b.block);
    for (let i = 0; i < all.length; ) {
      let j = i + 1;
      while (j < all.length && all[j]!.part === all[i]!.part && all[j]!.block === all[j - 1]!.block + 1) j++;
      const run = new Uint8Array((j - i) * BLOCK);
      for (let k = i; k < j; k++) run.set(all[k]!.data, (k - i) * BLOCK);
      parts[all[i]!.part]!.write(all[i]!.block * BLOCK, run);
      i = j;
    }
    this.blocks.clear();
    return all.length * BLOCK;
  }

  /** Lose everything (power cut). */
  drop(): void {
    this.blocks.clear();
  }

  /** The cached blocks, for saveState. */
  entries(): CachedBlock[] {
    return [...this.blocks.values()];
  }
}

/** Blocks stay below 2^32 (SEC_COUNT is 32 bits), so this is exact. */
const key = (part: number, block: number): number => block * 4 + part;
