// SPDX-License-Identifier: GPL-2.0
// Test data for block I/O: every byte depends on its offset, its sector and @seed, so a block
// written to the wrong place, a stale block or a mix of two writes never compares equal.
export const pattern = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + (i >> 9)) & 0xff);
