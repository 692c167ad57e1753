// SPDX-License-Identifier: GPL-2.0
// A write that hands back the bytes it replaced, for a device model that must be able to undo
// it (an eMMC power cut during programming). Reading the old bytes out before every write costs
// a buffer and a copy as large as the write; a store that can do better implements Exchangeable:
// SparseBackend gives up the chunk buffers a write covers whole (the new bytes go to other
// buffers) and takes them back once the caller releases them, so the write costs one copy.
import type { BlockBackend } from '../../include/hw/block.h.ts';

/** A piece of what a write replaced: bytes, or @length bytes that all read as @value. */
export type ReplacedPiece = { readonly length: number; readonly bytes: Uint8Array } | { readonly length: number; readonly value: number };

/** Copies made for a Replaced go nowhere when released: the garbage collector takes them. */
const noRecycle = (): void => {};

/**
 * The bytes a write replaced, in order. Buffers the store handed over are the caller's until
 * release(), when they go back to the store for reuse: nothing may be read after that.
 */
export class Replaced {
  readonly length: number;

  constructor(
    private readonly pieces: readonly ReplacedPiece[],
    /** The pieces' buffers that belong to the store (not copies made for this object). */
    private handed: readonly Uint8Array[] = [],
    private readonly recycle: (buf: Uint8Array) => void = noRecycle,
  ) {
    this.length = pieces.reduce((n, p) => n + p.length, 0);
  }

  /** Copy the replaced bytes [@pos, @pos + dst.length) into @dst. */
  read(pos: number, dst: Uint8Array): void {
    if (pos < 0 || pos + dst.length > this.length) throw new RangeError(`replaced bytes ${pos}+${dst.length} beyond ${this.length}`);
    let at = 0;
    for (const p of this.pieces) {
      if (at >= pos + dst.length) break;
      const lo = Math.max(pos, at);
      const hi = Math.min(pos + dst.length, at + p.length);
      if (lo < hi) {
        if ('bytes' in p) dst.set(p.bytes.subarray(lo - at, hi - at), lo - pos);
        else dst.fill(p.value, lo - pos, hi - pos);
      }
      at += p.length;
    }
  }

  /** The bytes are no longer needed: the store may reuse the buffers it handed over. */
  release(): void {
    for (const buf of this.handed) this.recycle(buf);
    this.handed = [];
  }
}

/** A store that can write and hand back what the write replaced without copying it out first. */
export interface Exchangeable {
  exchange(offset: number, src: Uint8Array): Replaced;
}

const isExchangeable = (b: BlockBackend): b is BlockBackend & Exchangeable => typeof (b as Partial<Exchangeable>).exchange === 'function';

/** The @length bytes at @offset of @backend, copied out (before a write replaces them). */
export function copyRange(backend: BlockBackend, offset: number, length: number): Replaced {
  const bytes = new Uint8Array(length);
  backend.read(offset, bytes);
  return new Replaced([{ length, bytes }]);
}

/** Store @src at @offset of @backend; returns the bytes it replaced. */
export function exchangeRange(backend: BlockBackend, offset: number, src: Uint8Array): Replaced {
  if (isExchangeable(backend)) return backend.exchange(offset, src);
  const old = copyRange(backend, offset, src.length);
  backend.write(offset, src);
  return old;
}
