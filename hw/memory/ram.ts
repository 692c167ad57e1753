// SPDX-License-Identifier: GPL-2.0
// Guest RAM as a bus master sees it: one contiguous range of bytes at a bus address (QEMU's
// memory_region_init_ram + address_space_rw for a single RAM region). It satisfies DmaMemory
// (include/hw/dma.h.ts): an access with any byte outside the range moves nothing and answers
// false, which the device turns into its own error status (a bus error), never an exception.
//
// A buffer of the embedder's can be mapped over part of the range (QEMU's
// memory_region_init_ram_ptr as an overlapping subregion): a device reaching those addresses
// reaches the buffer itself. A kernel maps a request's buffer so, instead of copying it in and
// out (Linux's direct DMA mapping: the device reaches the buffer's own pages).
import type { DmaMemory } from '../../include/hw/dma.h.ts';

export interface GuestRamOptions {
  /** Bus address of the first byte (a safe integer ≥ 0). */
  base: number;
  /** Size in bytes (a safe integer ≥ 1). */
  size: number;
}

/** A buffer mapped over [off, end) of the memory, offsets from the base. */
interface Subregion {
  readonly off: number;
  readonly end: number;
  readonly bytes: Uint8Array;
}

/** Guest RAM as the DmaMemory a DMA-capable model (SdhciController) reads and writes. */
export class GuestRam implements DmaMemory {
  private readonly mem: Uint8Array;
  private readonly start: number;
  /** Mapped buffers, by offset; none overlap. */
  private subregions: Subregion[] = [];

  /** Throws RangeError for a base or size that is not a non-negative safe integer. */
  constructor(options: GuestRamOptions) {
    const { base, size } = options;
    if (!Number.isSafeInteger(base) || base < 0) throw new RangeError(`GuestRam base must be a non-negative safe integer (got ${String(base)})`);
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`GuestRam size must be a positive safe integer (got ${String(size)})`);
    if (!Number.isSafeInteger(base + size)) throw new RangeError('GuestRam base + size must stay below 2^53');
    this.start = base;
    // A resizable buffer is reserved and committed by the OS page by page, zero-filled for free;
    // a plain one of this size is calloc'ed and cleared up front (16 MiB: ~1-6 ms a machine).
    this.mem = new Uint8Array(new ArrayBuffer(size, { maxByteLength: size }));
  }

  /** The memory itself (the CPU's view: what a device writes is seen here at once), mapped buffers not included. */
  get bytes(): Uint8Array {
    return this.mem;
  }

  get base(): number {
    return this.start;
  }

  get size(): number {
    return this.mem.length;
  }

  /**
   * Devices reaching [@addr, @addr + buf.length) reach @buf until unmapBuffer(@addr). Throws
   * RangeError if a byte is outside the memory or already mapped.
   */
  mapBuffer(addr: number, buf: Uint8Array): void {
    const off = this.offsetOf(addr, buf.length);
    if (off < 0 || buf.length === 0) throw new RangeError(`GuestRam: cannot map ${buf.length} bytes at ${String(addr)}: not inside the memory`);
    const end = off + buf.length;
    if (this.subregions.some((s) => s.off < end && off < s.end)) throw new RangeError(`GuestRam: ${buf.length} bytes at ${addr} overlap a mapped buffer`);
    this.subregions = [...this.subregions, { off, end, bytes: buf }].sort((a, b) => a.off - b.off);
  }

  /** Devices reach the memory at @addr again; false if no buffer was mapped there. */
  unmapBuffer(addr: number): boolean {
    const off = addr - this.start;
    const left = this.subregions.filter((s) => s.off !== off);
    const found = left.length < this.subregions.length;
    this.subregions = left;
    return found;
  }

  /** Offset of [addr, addr + len) in the memory, or -1 if any byte is outside it. */
  private offsetOf(addr: number, len: number): number {
    if (!Number.isSafeInteger(addr)) return -1;
    const off = addr - this.start;
    return off >= 0 && off + len <= this.mem.length ? off : -1;
  }

  /** Call @fn for each piece of [@off, @off + @len) in one place: its bytes, where in them, where in the range, how long. */
  private pieces(off: number, len: number, fn: (bytes: Uint8Array, at: number, pos: number, n: number) => void): void {
    let at = off;
    const end = off + len;
    for (const s of this.subregions) {
      if (s.end <= at) continue;
      if (s.off >= end) break;
      if (s.off > at) fn(this.mem, at, at - off, s.off - at);
      const hi = Math.min(end, s.end);
      at = Math.max(at, s.off);
      fn(s.bytes, at - s.off, at - off, hi - at);
      at = hi;
    }
    if (at < end) fn(this.mem, at, at - off, end - at);
  }

  read(addr: number, dst: Uint8Array): boolean {
    const v = this.view(addr, dst.length);
    if (v) dst.set(v);
    else if (this.offsetOf(addr, dst.length) >= 0) this.pieces(addr - this.start, dst.length, (bytes, at, pos, n) => dst.set(bytes.subarray(at, at + n), pos));
    else return false;
    return true;
  }

  write(addr: number, src: Uint8Array): boolean {
    const v = this.view(addr, src.length);
    if (v) v.set(src);
    else if (this.offsetOf(addr, src.length) >= 0) this.pieces(addr - this.start, src.length, (bytes, at, pos, n) => bytes.set(src.subarray(pos, pos + n), at));
    else return false;
    return true;
  }

  /** The bytes at [@addr, @addr + @len), if they are in one place: the memory or one mapped buffer. */
  view(addr: number, len: number): Uint8Array | null {
    const off = this.offsetOf(addr, len);
    if (off < 0) return null;
    for (const s of this.subregions) {
      if (s.end <= off || s.off >= off + len) continue;
      return s.off <= off && off + len <= s.end ? s.bytes.subarray(off - s.off, off - s.off + len) : null;
    }
    return this.mem.subarray(off, off + len);
  }
}
