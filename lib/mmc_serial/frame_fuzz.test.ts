// Property-based fuzzing of the mmc_serial frame decoder (frame.ts, docs/serial-protocol.md
// §2.2) on streams of valid frames mixed with line damage: random bytes, frames cut short,
// bits flipped, headers announcing too much, fake SOFs, all delivered in random chunks.
// Properties: the decoder never throws and holds at most one frame's worth of bytes; it
// resynchronises (every valid frame sent after the damage comes out, in order); it never yields
// a frame that was not sent; and how the stream is cut into reads changes nothing.
// Run counts and replay: tools/testing/fuzz.ts, docs/fuzzing.md.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzz_check, fuzz_timeout } from '../../tools/testing/fuzz.ts';
import { FRAME_OVERHEAD, FrameDecoder, HEADER_LEN, MAX_PAYLOAD, SOF0, SOF1, encode_frame, type decoded, type serial_frame } from './frame.ts';
import { concat_bytes } from '../../tools/testing/bytes.ts';

/** Payloads rich in SOF bytes, which is where a resynchronising receiver can go wrong. */
const payload_arb = (max: number): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    fc.uint8Array({ maxLength: Math.min(max, 96) }),
    fc.array(fc.constantFrom(SOF0, SOF1, 0, 0xff), { maxLength: Math.min(max, 64) }).map((a) => Uint8Array.from(a)),
    fc.integer({ min: 0, max }).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
  );

const frame_arb = (max: number): fc.Arbitrary<serial_frame> =>
  fc.record({ type: fc.nat(255), seq: fc.nat(0xffff), flags: fc.nat(255), payload: payload_arb(max) });

const encode = (f: serial_frame): Uint8Array => encode_frame(f.type, f.seq, f.flags, f.payload, MAX_PAYLOAD);

/**
 * Line damage that holds no valid frame: noise (its own SOFs included), a frame cut short, a
 * frame with one bit flipped (CRC-32 catches every single-bit error), a header announcing more
 * than the receiver's maximum, or a well-formed frame longer than that maximum. A cut frame
 * loses at least its last 4 bytes: one that loses fewer is completed by whatever follows when
 * that happens to be the lost bytes (a last CRC byte 0x00 before idle zeros, 0xa5 before the
 * next frame's SOF), and is then a valid frame on the line, which any receiver must take.
 */
const damage_arb = (max: number): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 64 }),
    fc.array(fc.constantFrom(SOF0, SOF1, 0x00, 0xff, 0x10), { minLength: 1, maxLength: 24 }).map((a) => Uint8Array.from(a)),
    fc.tuple(frame_arb(max), fc.nat()).map(([f, cut]) => {
      const b = encode(f);
      return b.subarray(0, cut % (b.length - 3));
    }),
    fc.tuple(frame_arb(max), fc.nat(), fc.nat(7)).map(([f, at, bit]) => {
      const b = encode(f).slice();
      b[at % b.length]! ^= 1 << bit;
      return b;
    }),
    fc.tuple(fc.integer({ min: max + 1, max: 0xffff }), fc.uint8Array({ maxLength: 16 })).map(([len, tail]) => {
      const h = new Uint8Array(2 + HEADER_LEN);
      h.set([SOF0, SOF1, 1, 0, 0, 0, len & 0xff, len >> 8]);
      return concat_bytes(h, tail);
    }),
    ...(max < MAX_PAYLOAD ? [frame_arb(MAX_PAYLOAD).filter((f) => f.payload.length > max).map(encode)] : []),
  );

/** A stream: segments of damage or valid frames; @sent lists the valid ones in order. */
const stream_arb = fc.constantFrom(MAX_PAYLOAD, 512, 64).chain((max) =>
  fc
    .array(fc.oneof({ weight: 1, arbitrary: frame_arb(max).map((f) => ({ f })) }, { weight: 1, arbitrary: damage_arb(max).map((bytes) => ({ bytes })) }), { maxLength: 12 })
    .chain((segs) => {
      const bytes = concat_bytes(...segs.map((s) => ('f' in s ? encode(s.f) : s.bytes)));
      // Read sizes: bytes one at a time, a few, or big reads.
      return fc.array(fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 5000 })), { maxLength: 40 }).map((reads) => ({
        max,
        sent: segs.flatMap((s) => ('f' in s ? [s.f] : [])),
        bytes,
        reads,
      }));
    }),
);

/** After the stream, the line goes on with idle bytes: enough to complete and reject any header that noise started. */
const idle = (max: number): Uint8Array => new Uint8Array(FRAME_OVERHEAD + max);

/** Push @bytes cut at @reads (the rest in one read); the decoder's buffer is checked after each. */
function feed(d: FrameDecoder, bytes: Uint8Array, reads: readonly number[], max: number): decoded[] {
  const out: decoded[] = [];
  let at = 0;
  for (const n of [...reads, bytes.length]) {
    if (at >= bytes.length) break;
    out.push(...d.push(bytes.subarray(at, Math.min(bytes.length, at + n))));
    at += n;
    // At most one frame in wait: a frame that is complete is always delivered or rejected.
    if (d.pending > FRAME_OVERHEAD + max - 1) throw new Error(`decoder holds ${d.pending} bytes`);
  }
  return out;
}

const frames = (ds: readonly decoded[]): serial_frame[] => ds.flatMap((x) => (x.kind === 'frame' ? [{ type: x.type, seq: x.seq, flags: x.flags, payload: x.payload }] : []));
const same_frame = (a: serial_frame, b: serial_frame): boolean =>
  a.type === b.type && a.seq === b.seq && a.flags === b.flags && a.payload.length === b.payload.length && a.payload.every((v, i) => v === b.payload[i]);

describe('FrameDecoder under line damage', () => {
  it('resynchronises: exactly the valid frames come out, in order, however the stream is read', { timeout: fuzz_timeout(30_000) }, async () => {
    await fuzz_check(
      'frame resync',
      fc.property(stream_arb, ({ max, sent, bytes, reads }) => {
        const d = new FrameDecoder(max);
        const got = feed(d, concat_bytes(bytes, idle(max)), reads, max);
        const fs = frames(got);
        const mismatch = fs.length !== sent.length || fs.some((f, i) => !same_frame(f, sent[i]!));
        if (mismatch) throw new Error(`sent ${sent.length} frames, decoded ${fs.length}: ${JSON.stringify(fs.map((f) => [f.type, f.seq, f.payload.length]))} vs ${JSON.stringify(sent.map((f) => [f.type, f.seq, f.payload.length]))}`);
        // Only the idle tail's bytes can still be waiting.
        expect(d.pending).toBeLessThan(FRAME_OVERHEAD + max);
      }),
      4000,
    );
  });

  it('reports the same frames, rejections and garbage count whether the stream comes in one read or many', { timeout: fuzz_timeout(30_000) }, async () => {
    await fuzz_check(
      'frame chunking',
      fc.property(stream_arb, ({ max, bytes, reads }) => {
        const whole = new FrameDecoder(max).push(bytes);
        const d = new FrameDecoder(max);
        const parts = feed(d, bytes, reads, max);
        const events = (ds: readonly decoded[]) => ds.filter((x) => x.kind !== 'garbage');
        const garbage = (ds: readonly decoded[]) => ds.reduce((n, x) => n + (x.kind === 'garbage' ? x.bytes : 0), 0);
        expect(events(parts)).toEqual(events(whole));
        expect(garbage(parts)).toBe(garbage(whole));
      }),
      1500,
      0.3,
    );
  });

  it('on pure noise: no exception, no frame, bounded buffer; a frame after reset() comes through', { timeout: fuzz_timeout(30_000) }, async () => {
    await fuzz_check(
      'frame noise',
      fc.property(fc.uint8Array({ maxLength: 9000 }), fc.array(fc.integer({ min: 1, max: 700 }), { maxLength: 30 }), frame_arb(MAX_PAYLOAD), (noise, reads, f) => {
        const d = new FrameDecoder();
        // Noise can hold a valid frame only by a 2^-32 CRC accident; none is expected.
        expect(frames(feed(d, noise, reads, MAX_PAYLOAD))).toEqual([]);
        d.reset();
        expect(d.pending).toBe(0);
        const after = frames(d.push(encode(f)));
        expect(after.length === 1 && same_frame(after[0]!, f)).toBe(true);
      }),
      2000,
    );
  });
});
