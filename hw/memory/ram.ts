// SPDX-License-Identifier: GPL-2.0
// Guest RAM as a bus master sees it: one contiguous range of bytes at a bus address (QEMU's
// memory_region_init_ram + address_space_rw for a single RAM region). It satisfies DmaMemory
// (include/hw/dma.h.ts): an access with any byte outside the range moves nothing and answers
// false, which the device turns into its own error status (a bus error), never an exception.
import type { DmaMemory } from '../../include/hw/dma.h.ts';

export interface GuestRamOptions {
  /** Bus address of the first byte (a safe integer ≥ 0). */
  base: number;
  /** Size in bytes (a safe integer ≥ 1). */
  size: number;
}

/** Guest RAM as the DmaMemory a DMA-capable model (SdhciController) reads and writes. */
export class GuestRam implements DmaMemory {
  private readonly mem: Uint8Array;
  private readonly start: number;

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

  /** The memory itself (the CPU's view: what a device writes is seen here at once). */
  get bytes(): Uint8Array {
    return this.mem;
  }

  get base(): number {
    return this.start;
  }

  get size(): number {
    return this.mem.length;
  }

  /** Offset of [addr, addr + len) in the memory, or -1 if any byte is outside it. */
  private offsetOf(addr: number, len: number): number {
    if (!Number.isSafeInteger(addr)) return -1;
    const off = addr - this.start;
    return off >= 0 && off + len <= this.mem.length ? off : -1;
  }

  read(addr: number, dst: Uint8Array): boolean {
    const off = this.offsetOf(addr, dst.length);
    if (off < 0) return false;
    dst.set(this.mem.subarray(off, off + dst.length));
    return true;
  }

  write(addr: number, src: Uint8Array): boolean {
    const off = this.offsetOf(addr, src.length);
    if (off < 0) return false;
    this.mem.set(src, off);
    return true;
  }

  view(addr: number, len: number): Uint8Array | null {
    const off = this.offsetOf(addr, len);
    return off < 0 ? null : this.mem.subarray(off, off + len);
  }
}
