import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc.ts';
import { FRAME_FROM_DEVICE, FrameDecoder, MAX_PAYLOAD, encode_frame, type decoded } from './frame.ts';
import { MSG_HELLO, encode_message } from './messages.ts';
import { concat_bytes } from '../../tools/testing/bytes.ts';

const hex = (u: Uint8Array) => Array.from(u, (b) => b.toString(16).padStart(2, '0')).join(' ');
const from_hex = (s: string) => new Uint8Array(s.trim().split(/\s+/).map((h) => parseInt(h, 16)));

/** Deterministic LCG (Numerical Recipes constants); next(n) in 0..n-1. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}

const frames_of = (ds: decoded[]) => ds.filter((d) => d.kind === 'frame');
const garbage_of = (ds: decoded[]) => ds.reduce((n, d) => n + (d.kind === 'garbage' ? d.bytes : 0), 0);

/** A small deterministic set of frames of various sizes, including SOF bytes inside payloads. */
function sample_frames(): { type: number; seq: number; flags: number; payload: Uint8Array }[] {
  const next = lcg(7);
  const out = [];
  const sizes = [0, 1, 4, 16, 20, 516, 2, 4100, 3, 0xa5, 0x5a];
  for (let i = 0; i < sizes.length; i++) {
    const payload = new Uint8Array(sizes[i]!);
    for (let j = 0; j < payload.length; j++) payload[j] = j % 5 === 0 ? 0xa5 : j % 5 === 1 ? 0x5a : next(256);
    out.push({ type: 1 + next(0x8f), seq: (i * 4099) & 0xffff, flags: i & 1 ? FRAME_FROM_DEVICE : 0, payload });
  }
  return out;
}

describe('encode_frame', () => {
  it('matches the worked example in docs/serial-protocol.md byte for byte', () => {
    const doc = readFileSync(new URL('../../docs/serial-protocol.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('### 2.1 Worked example'));
    const line = section.split('\n').find((l) => /^a5 5a /.test(l));
    expect(line).toBeDefined();
    const doc_bytes = line!.match(/^((?:[0-9a-f]{2} )+[0-9a-f]{2})/)![1]!;
    const { type, payload } = encode_message({ type: 'hello', version: 1, max_payload: 4100 });
    expect(type).toBe(MSG_HELLO);
    const frame = encode_frame(type, 1, 0, payload);
    expect(hex(frame)).toBe(doc_bytes);
    expect(hex(frame)).toBe('a5 5a 01 00 01 00 04 00 01 00 04 10 c5 f3 14 9a');
    // The doc's stated CRC value and coverage.
    expect(crc32(frame, 2, 12)).toBe(0x9a14f3c5);
    expect(section).toContain('0x9A14F3C5');
  });

  it('lays out SOF, type, flags, seq LE, length LE, payload and CRC LE', () => {
    const f = encode_frame(0x84, 0x1234, FRAME_FROM_DEVICE, new Uint8Array([9, 8, 7]));
    expect(Array.from(f.subarray(0, 11))).toEqual([0xa5, 0x5a, 0x84, 0x01, 0x34, 0x12, 3, 0, 9, 8, 7]);
    const crc = crc32(f, 2, 11);
    expect(Array.from(f.subarray(11))).toEqual([crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24]);
  });

  it('refuses out-of-range fields and oversize payloads', () => {
    expect(() => encode_frame(256, 0, 0, new Uint8Array(0))).toThrow(RangeError);
    expect(() => encode_frame(1, 0x10000, 0, new Uint8Array(0))).toThrow(RangeError);
    expect(() => encode_frame(1, 0, -1, new Uint8Array(0))).toThrow(RangeError);
    expect(() => encode_frame(1, 0, 0, new Uint8Array(MAX_PAYLOAD + 1))).toThrow(/exceeds/);
    expect(encode_frame(1, 0, 0, new Uint8Array(MAX_PAYLOAD)).length).toBe(MAX_PAYLOAD + 12);
  });
});

describe('FrameDecoder', () => {
  const frames = sample_frames();
  const wire = frames.map((f) => encode_frame(f.type, f.seq, f.flags, f.payload));
  const expected = frames.map((f) => ({ kind: 'frame', ...f }));

  it('decodes back-to-back frames in one push', () => {
    const d = new FrameDecoder();
    expect(d.push(concat_bytes(...wire))).toEqual(expected);
    expect(d.pending).toBe(0);
  });

  it('decodes frames fed byte by byte', () => {
    const d = new FrameDecoder();
    const out: decoded[] = [];
    for (const b of concat_bytes(...wire)) out.push(...d.push(new Uint8Array([b])));
    expect(out).toEqual(expected);
    expect(d.pending).toBe(0);
  });

  it('decodes frames with garbage between them, in seeded random chunk sizes', () => {
    for (const seed of [1, 2, 3, 42, 1234]) {
      const next = lcg(seed);
      const parts: Uint8Array[] = [];
      let injected = 0;
      for (const w of wire) {
        // Garbage without A5, so every injected byte must be reported as garbage.
        const g = new Uint8Array(next(40)).map(() => {
          const b = next(256);
          return b === 0xa5 ? 0x00 : b;
        });
        injected += g.length;
        parts.push(g, w);
      }
      const trailing = new Uint8Array([0x11, 0x22, 0x5a]);
      injected += trailing.length;
      parts.push(trailing);
      const stream = concat_bytes(...parts);
      const d = new FrameDecoder();
      const out: decoded[] = [];
      for (let i = 0; i < stream.length; ) {
        const n = 1 + next(700);
        out.push(...d.push(stream.subarray(i, i + n)));
        i += n;
      }
      expect(frames_of(out)).toEqual(expected);
      expect(garbage_of(out)).toBe(injected);
      expect(out.filter((x) => x.kind === 'bad_crc' || x.kind === 'oversize')).toEqual([]);
      expect(d.pending).toBe(0);
    }
  });

  it('reports a corrupted byte as bad_crc and still decodes the next frame', () => {
    // type, flags, seq, length (claims one byte more, swallowing the next SOF), payload, CRC.
    for (const at of [2, 3, 4, 6, 8, 23, 27]) {
      const a = encode_frame(0x04, 10, 0, new Uint8Array(16).fill(0x33));
      const b = encode_frame(0x04, 11, 0, new Uint8Array(16).fill(0x44));
      const bad = a.slice();
      bad[at] ^= 0x01;
      const out = new FrameDecoder().push(concat_bytes(bad, b));
      const reports = out.filter((x) => x.kind !== 'frame' && x.kind !== 'garbage');
      expect(reports).toHaveLength(1);
      expect(reports[0]!.kind).toBe('bad_crc');
      expect(frames_of(out)).toEqual([{ kind: 'frame', type: 0x04, seq: 11, flags: 0, payload: new Uint8Array(16).fill(0x44) }]);
    }
  });

  it('reports the CRC pair of a bad frame', () => {
    const a = encode_frame(0x05, 3, 0, new Uint8Array([1, 2, 3]));
    a[a.length - 1] ^= 0x80;
    const out = new FrameDecoder().push(a);
    expect(out[0]).toMatchObject({ kind: 'bad_crc', type: 0x05, seq: 3, length: 3 });
    const r = out[0] as Extract<decoded, { kind: 'bad_crc' }>;
    expect(r.actual).toBe(crc32(a, 2, 11));
    expect(r.expected).toBe((r.actual ^ 0x80000000) >>> 0);
    expect(frames_of(out)).toEqual([]);
  });

  it('recovers a good frame that follows a truncated one (whose length swallowed it)', () => {
    const long = encode_frame(0x05, 20, 0, new Uint8Array(300).fill(0x77));
    const good = encode_frame(0x84, 21, FRAME_FROM_DEVICE, new Uint8Array([1, 2, 3, 4]));
    const more = encode_frame(0x87, 22, FRAME_FROM_DEVICE, new Uint8Array(8));
    // Cut the long frame after 40 bytes; its header still claims 300, so the decoder first waits,
    // then rejects it and must find `good` and `more` inside the bytes it had claimed.
    const filler = new Uint8Array(400).fill(0x00);
    const stream = concat_bytes(long.subarray(0, 40), good, more, filler);
    for (const chunk of [stream.length, 1, 7]) {
      const d = new FrameDecoder();
      const out: decoded[] = [];
      for (let i = 0; i < stream.length; i += chunk) out.push(...d.push(stream.subarray(i, i + chunk)));
      expect(out.filter((x) => x.kind === 'bad_crc')).toHaveLength(1);
      expect(frames_of(out).map((f) => f.kind === 'frame' && f.seq)).toEqual([21, 22]);
      expect(frames_of(out)[0]).toEqual({ kind: 'frame', type: 0x84, seq: 21, flags: FRAME_FROM_DEVICE, payload: new Uint8Array([1, 2, 3, 4]) });
    }
  });

  it('waits for a partial frame rather than reporting it', () => {
    const f = encode_frame(0x01, 1, 0, new Uint8Array([1, 0, 4, 16]));
    const d = new FrameDecoder();
    expect(d.push(f.subarray(0, f.length - 1))).toEqual([]);
    expect(d.pending).toBe(f.length - 1);
    expect(frames_of(d.push(f.subarray(f.length - 1)))).toHaveLength(1);
    expect(d.push(f.subarray(0, 5))).toEqual([]);
    expect(d.reset()).toBe(5);
    expect(d.pending).toBe(0);
  });

  it('rejects an oversize length without waiting for it, then decodes the next frame', () => {
    const hdr = new Uint8Array([0xa5, 0x5a, 0x05, 0x00, 0x01, 0x00, 0x05, 0x10]); // length 4101
    const good = encode_frame(0x06, 2, 0, new Uint8Array(0));
    const d = new FrameDecoder();
    const out = d.push(concat_bytes(hdr, good));
    expect(out[0]).toEqual({ kind: 'oversize', length: 4101, max: MAX_PAYLOAD });
    expect(frames_of(out)).toEqual([{ kind: 'frame', type: 0x06, seq: 2, flags: 0, payload: new Uint8Array(0) }]);
    expect(garbage_of(out)).toBe(6);
    // A smaller negotiated maximum applies too; exactly the maximum is accepted.
    const small = new FrameDecoder(516);
    expect(small.push(encode_frame(0x05, 1, 0, new Uint8Array(517)))[0]).toMatchObject({ kind: 'oversize', length: 517, max: 516 });
    expect(frames_of(small.push(encode_frame(0x05, 1, 0, new Uint8Array(516))))).toHaveLength(1);
  });

  it('reports leading garbage with its exact size and keeps a trailing lone A5', () => {
    const d = new FrameDecoder();
    expect(d.push(new Uint8Array([1, 2, 3, 0x5a, 0xa5]))).toEqual([{ kind: 'garbage', bytes: 4 }]);
    expect(d.pending).toBe(1);
    const f = encode_frame(0x06, 9, 0, new Uint8Array(0));
    expect(d.push(f.subarray(1))).toEqual([{ kind: 'frame', type: 0x06, seq: 9, flags: 0, payload: new Uint8Array(0) }]);
    // A5 A5 5A: the first A5 is garbage.
    expect(new FrameDecoder().push(concat_bytes(new Uint8Array([0xa5]), f))).toEqual([
      { kind: 'garbage', bytes: 1 },
      { kind: 'frame', type: 0x06, seq: 9, flags: 0, payload: new Uint8Array(0) },
    ]);
  });
});
