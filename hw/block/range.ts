// SPDX-License-Identifier: GPL-2.0
// Argument checks shared by the block backends. A backend is addressed by its embedder or by a
// device model that has already range-checked the guest's address, so an out-of-range access
// here is a bug in the caller (RangeError), as include/hw/block.h.ts says.

/** Throw a RangeError unless [@offset, @offset + @length) lies inside a store of @size bytes. */
export function checkRange(size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset + length > size)
    throw new RangeError(`block access at offset ${offset}, length ${length}, beyond the store's ${size} bytes`);
}

/**
 * Validate a size option: a non-negative safe integer that is a multiple of @align bytes.
 * @what names the option in the error.
 */
export function checkSize(what: string, size: unknown, align = 512): number {
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0 || size % align !== 0)
    throw new RangeError(`${what} must be a non-negative multiple of ${align} bytes (got ${String(size)})`);
  return size;
}

/** Validate a fill byte option (what unwritten storage reads as). */
export function checkByte(what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xff)
    throw new RangeError(`${what} must be a byte, 0..255 (got ${String(value)})`);
  return value;
}
