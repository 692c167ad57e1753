// SPDX-License-Identifier: GPL-2.0
// Test data for block I/O: every byte depends on its offset, its sector and @seed, so a block
// written to the wrong place, a stale block or a mix of two writes never compares equal.
const SECTOR = 512;
/** Byte i is (31 i + 7 seed + sector) & 0xff; 31 × 512 ≡ 0 (mod 256), so sector s repeats sector s mod 256. */
const PERIOD = 256 * SECTOR;

export const pattern = (n: number, seed: number): Uint8Array => {
  const out = new Uint8Array(n);
  const head = Math.min(n, PERIOD);
  for (let i = 0; i < head; i++) out[i] = (i * 31 + seed * 7 + (i >> 9)) & 0xff;
  // The rest is copies of the first period: a 1 MiB write step built it byte by byte on every run.
  for (let at = head; at < n; at += PERIOD) out.copyWithin(at, 0, Math.min(PERIOD, n - at));
  return out;
};
