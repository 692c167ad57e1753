// SPDX-License-Identifier: GPL-2.0
// A memory-mapped register window, as a device model exposes it to an embedder's bus: 1-, 2- and
// 4-byte little-endian accesses at any offset inside the window. A model answers a guest's
// misuse as the hardware would (and may log it); it never throws for guest behaviour.
/** Bytes in one register access. */
export type AccessSize = 1 | 2 | 4;

/** A model's register window, to map on the embedder's bus. */
export interface MmioRegion {
  /** Window size in bytes. */
  readonly size: number;
  read(offset: number, size: AccessSize): number;
  write(offset: number, size: AccessSize, value: number): void;
}
