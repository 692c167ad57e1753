// SPDX-License-Identifier: GPL-2.0
// mmc_serial framing (docs/serial-protocol.md §2): SOF A5 5A, a 6-byte header, the payload and a
// CRC-32 over header+payload; encode_frame() and a streaming FrameDecoder that resynchronises.

import { crc32 } from './crc.ts';

export const SOF0 = 0xa5;
export const SOF1 = 0x5a;
export const HEADER_LEN = 6;
export const FRAME_OVERHEAD = 2 + HEADER_LEN + 4;
export const MAX_PAYLOAD = 4100;

export const FRAME_FROM_DEVICE = 1 << 0;
export const FRAME_RETRANSMIT = 1 << 1;

export interface serial_frame {
  type: number;
  seq: number;
  flags: number;
  payload: Uint8Array;
}

export type frame_report =
  | { kind: 'garbage'; bytes: number }
  | { kind: 'bad_crc'; type: number; seq: number; length: number; expected: number; actual: number }
  | { kind: 'oversize'; length: number; max: number };

export type decoded = ({ kind: 'frame' } & serial_frame) | frame_report;

function check_u8(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new RangeError(`${name} ${v} is not a u8`);
}

export function encode_frame(type: number, seq: number, flags: number, payload: Uint8Array, max = MAX_PAYLOAD): Uint8Array {
  check_u8('type', type);
  check_u8('flags', flags);
  if (!Number.isInteger(seq) || seq < 0 || seq > 0xffff) throw new RangeError(`seq ${seq} is not a u16`);
  if (payload.length > max) throw new RangeError(`payload of ${payload.length} bytes exceeds ${max}`);
  const out = new Uint8Array(FRAME_OVERHEAD + payload.length);
  const dv = new DataView(out.buffer);
  out[0] = SOF0;
  out[1] = SOF1;
  out[2] = type;
  out[3] = flags;
  dv.setUint16(4, seq, true);
  dv.setUint16(6, payload.length, true);
  out.set(payload, 8);
  dv.setUint32(8 + payload.length, crc32(out, 2, 8 + payload.length), true);
  return out;
}

/**
 * Streaming receiver. Bytes before a SOF are reported as garbage; a frame whose CRC fails or whose
 * length exceeds the maximum is reported and only its SOF is consumed, so a good frame hidden in
 * the bytes it claimed (a truncated frame followed by a good one) is still found.
 */
export class FrameDecoder {
  private buf = new Uint8Array(0);

  constructor(private readonly max_payload = MAX_PAYLOAD) {}

  /** Bytes held while waiting for the rest of a frame. */
  get pending(): number {
    return this.buf.length;
  }

  push(bytes: Uint8Array): decoded[] {
    const joined = new Uint8Array(this.buf.length + bytes.length);
    joined.set(this.buf, 0);
    joined.set(bytes, this.buf.length);
    const out: decoded[] = [];
    let pos = 0;
    let garbage = 0;
    const flush_garbage = () => {
      if (garbage > 0) out.push({ kind: 'garbage', bytes: garbage });
      garbage = 0;
    };
    for (;;) {
      // Hunt for SOF0 SOF1; a lone SOF0 at the very end may be the start of one.
      while (pos < joined.length && !(joined[pos] === SOF0 && (pos + 1 >= joined.length || joined[pos + 1] === SOF1))) {
        pos++;
        garbage++;
      }
      if (pos + 2 + HEADER_LEN > joined.length) break;
      const dv = new DataView(joined.buffer, joined.byteOffset + pos);
      const type = joined[pos + 2]!;
      const flags = joined[pos + 3]!;
      const seq = dv.getUint16(4, true);
      const length = dv.getUint16(6, true);
      if (length > this.max_payload) {
        flush_garbage();
        out.push({ kind: 'oversize', length, max: this.max_payload });
        pos += 2;
        continue;
      }
      const total = FRAME_OVERHEAD + length;
      if (pos + total > joined.length) break;
      const expected = dv.getUint32(2 + HEADER_LEN + length, true);
      const actual = crc32(joined, pos + 2, pos + 2 + HEADER_LEN + length);
      flush_garbage();
      if (expected !== actual) {
        out.push({ kind: 'bad_crc', type, seq, length, expected, actual });
        pos += 2;
        continue;
      }
      const payload = joined.slice(pos + 2 + HEADER_LEN, pos + 2 + HEADER_LEN + length);
      out.push({ kind: 'frame', type, seq, flags, payload });
      pos += total;
    }
    flush_garbage();
    this.buf = joined.slice(pos);
    return out;
  }

  /** Drop any partial frame (the host does this after a timeout, before a retransmission). */
  reset(): number {
    const n = this.buf.length;
    this.buf = new Uint8Array(0);
    return n;
  }
}
