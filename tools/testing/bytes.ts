// SPDX-License-Identifier: GPL-2.0
// Byte strings for tests: wire streams and records built from pieces.

/** @parts one after another in one array. */
export const concat_bytes = (...parts: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
