// SPDX-License-Identifier: GPL-2.0
// Guest physical memory as a DMA-capable device sees it (the embedder's RAM). Addresses are byte
// addresses below 2^53; an access outside the memory is the embedder's to answer (a bus error
// the device reports), so implementations return false instead of throwing.
/** Guest physical memory as a DMA master reads and writes it. */
export interface DmaMemory {
  /** Copy @dst.length bytes from guest address @addr; false if any byte is not memory. */
  read(addr: number, dst: Uint8Array): boolean;
  /** Copy @src to guest address @addr; false if any byte is not memory. */
  write(addr: number, src: Uint8Array): boolean;
  /**
   * Optional: the memory at [@addr, @addr + @len) itself, which a device may read and write in
   * place (a DMA engine moving many blocks without a copy of its own); null if any byte is not
   * memory, or the range is not in one piece (the device then reads or writes it instead).
   * Valid until the device returns to the embedder.
   */
  view?(addr: number, len: number): Uint8Array | null;
}
