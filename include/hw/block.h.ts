// SPDX-License-Identifier: GPL-2.0
// A backing store for a device model: a flat array of bytes (an eMMC partition, a disk image).
// Offsets and sizes are in bytes; numbers stay exact up to 2^53, far above any card we model.

/** A device model's media: byte-addressed reads and writes of a fixed-size store. */
export interface BlockBackend {
  /** Size in bytes (a multiple of 512). */
  readonly size: number;
  /** Fill @dst with the bytes at @offset. Reading past the end is a bug in the caller (RangeError). */
  read(offset: number, dst: Uint8Array): void;
  /** Store @src at @offset. */
  write(offset: number, src: Uint8Array): void;
  /** Make everything written so far durable (and visible to another process for file stores). */
  flush(): void;
}

/**
 * The few file operations a file-backed store needs. Node provides them in tools/lib; a
 * browser embedder can back them with anything (OPFS, an ArrayBuffer).
 */
export interface FileHandle {
  readonly size: number;
  /** Read up to dst.length bytes at @position; bytes past the end of the file read as zero. */
  read(dst: Uint8Array, position: number): void;
  write(src: Uint8Array, position: number): void;
  /** Grow or shrink the file (growing leaves a hole, which reads as zero). */
  truncate(size: number): void;
  sync(): void;
}
