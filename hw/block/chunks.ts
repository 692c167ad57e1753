// SPDX-License-Identifier: GPL-2.0
// Walking a byte range chunk by chunk: the common loop of the chunked stores (sparse, overlay).

/**
 * Call @fn for each piece of [@offset, @offset + @length) that lies in one chunk of
 * @chunkBytes: the chunk index, the offset inside the chunk, the offset inside the range, and
 * the piece's length.
 */
export function forEachChunk(
  chunkBytes: number,
  offset: number,
  length: number,
  fn: (index: number, within: number, pos: number, n: number) => void,
): void {
  let pos = 0;
  while (pos < length) {
    const at = offset + pos;
    const index = Math.floor(at / chunkBytes);
    const within = at - index * chunkBytes;
    const n = Math.min(chunkBytes - within, length - pos);
    fn(index, within, pos, n);
    pos += n;
  }
}

/** True if every byte of @bytes equals @value. */
export function isUniform(bytes: Uint8Array, value: number): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== value) return false;
  return true;
}
