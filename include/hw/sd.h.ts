// SPDX-License-Identifier: GPL-2.0
// The card side of an SD/MMC bus, as a host controller model (or a request-level host driver)
// sees a card: commands with their responses, block data in both directions, the DAT0 busy
// line. Shaped like QEMU's SDBus, at block granularity so data moves in one copy.

/** What a command got back. No response is how a card refuses an illegal command. */
export type SdResponse =
  | { readonly kind: 'none' }
  /** R1, R1b, R3, R4, R5: one 32-bit word (card status or OCR). */
  | { readonly kind: 'short'; readonly word: number }
  /** R2 (CID, CSD): bits [127:96] in words[0] ... bits [31:0] in words[3], as Linux's resp[]. */
  | { readonly kind: 'long'; readonly words: readonly [number, number, number, number] };

/** A card on the SD/MMC bus, as a host controller model talks to it. */
export interface SdCard {
  /** Power the card on (true) or off. Off loses all volatile state; the media stays. */
  setPower(on: boolean): void;
  /** Send command @index (0..63) with argument @arg. */
  command(index: number, arg: number): SdResponse;
  /**
   * Read the next @dst.length bytes of the data phase of the current read command (a whole
   * number of blocks of the current block length). Returns the bytes produced: fewer, or 0, when
   * the card has no more data for this command (the block count is done, or no read is open).
   */
  readData(dst: Uint8Array): number;
  /** Write data of the current write command; returns the bytes accepted (like readData). */
  writeData(src: Uint8Array): number;
  /**
   * Optional: the bytes readData (@direction 'read') or writeData ('write') would move now if
   * offered without limit; 0 with no such data phase open. A controller may move that many in
   * one call.
   */
  dataRoom?(direction: 'read' | 'write'): number;
  /** True while the card holds DAT0 low (programming, erasing, switching: R1b busy). */
  readonly busy: boolean;
  /** Virtual time (ns) at which busy ends, or the current time when not busy. */
  readonly busyUntil: number;
  /** Time (ns) before the first block of a read comes out (access latency, TAAC+NSAC). */
  readonly readLatencyNs: number;
}
