// SPDX-License-Identifier: GPL-2.0
// Filling a range of a backend with one byte value: what an eMMC erase, trim or discard leaves
// behind (ERASED_MEM_CONT). include/hw/block.h.ts has only read/write, so a whole-device erase
// of a 256 GiB sparse store would allocate every chunk; stores that can represent a uniform
// range cheaply implement Fillable and get the request whole.
import type { BlockBackend } from '../../include/hw/block.h.ts';
import { checkRange } from './range.ts';

/** A store that can set a range to one byte value without writing it byte by byte. */
export interface Fillable {
  fill(offset: number, length: number, value: number): void;
}

const isFillable = (b: BlockBackend): b is BlockBackend & Fillable => typeof (b as Partial<Fillable>).fill === 'function';

/** Largest buffer the generic path writes at once (bounded so an erase never allocates GiBs). */
const PIECE = 1 << 20;

/** Set @length bytes of @backend at @offset to @value. */
export function fillRange(backend: BlockBackend, offset: number, length: number, value: number): void {
  checkRange(backend.size, offset, length);
  if (isFillable(backend)) return backend.fill(offset, length, value);
  const piece = new Uint8Array(Math.min(length, PIECE)).fill(value);
  for (let done = 0; done < length; done += piece.length) {
    const n = Math.min(piece.length, length - done);
    backend.write(offset + done, n === piece.length ? piece : piece.subarray(0, n));
  }
}
