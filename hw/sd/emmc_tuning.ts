// SPDX-License-Identifier: GPL-2.0
// The tuning block CMD21 (SEND_TUNING_BLOCK, JEDEC §6.6.5) returns in HS200 mode: a fixed
// pattern the host samples at different clock phases. The 8-bit pattern is the 4-bit one with
// every nibble widened to a byte (each data line carries the same bit sequence), so only the
// 4-bit pattern is written out here; QEMU hw/sd/sd.c does not implement CMD21.

/** The 64-byte pattern for a 4-bit bus. */
const PATTERN_4BIT_HEX =
  'ff0fff00ffccc3ccc33cccfffefffeef' +
  'ffdfffddfffbfffbbfff7fff77f7bdef' +
  'fff0fff00ffccc3ccc33cccfffefffee' +
  'fffdfffddfffbfffbbfff7fff77f7bde';

export const TUNING_BLOCK_4BIT: Uint8Array = Uint8Array.from(PATTERN_4BIT_HEX.match(/../g)!, (h) => parseInt(h, 16));

/** The 128-byte pattern for an 8-bit bus. */
export const TUNING_BLOCK_8BIT: Uint8Array = Uint8Array.from([...TUNING_BLOCK_4BIT].flatMap((b) => [(b >> 4) * 0x11, (b & 0xf) * 0x11]));
