// SPDX-License-Identifier: GPL-2.0
// CRC-32/ISO-HDLC (the zlib/Ethernet CRC) protecting every mmc_serial frame and data transfer:
// poly 0x04C11DB7 reflected (0xEDB88320), init 0xFFFFFFFF, refin/refout, xorout 0xFFFFFFFF.

const TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Continue a running CRC (pass the previous result as `crc`; start from 0). */
export function crc32_update(crc: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return crc32_update(0, bytes, start, end);
}
