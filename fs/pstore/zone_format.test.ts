// The on-disk structures against bytes a real 6.1 kernel wrote (the first 52 bytes of zone 0 of
// testdata/oops2-deflate-1m, as layout.txt dumps them), the ring arithmetic of §3.4, and the
// ftrace merge.
import { describe, expect, it } from 'vitest';
import {
  PSTORE_KMSG_HEADER_MAGIC,
  buffer_datalen,
  buffer_start,
  kmsg_dump_reason_str,
  psz_buffer_decode,
  psz_buffer_encode,
  psz_kmsg_header_decode,
  psz_kmsg_header_encode,
  psz_ring_append,
  psz_ring_plan,
  psz_ring_read,
  psz_sig,
} from './zone_format.ts';
import { pstore_ftrace_combine_log, pstore_ftrace_decode, pstore_ftrace_encode } from './zone_ftrace.ts';
import { concat_bytes } from '../../tools/testing/bytes.ts';

const bytes = (hex: string): Uint8Array => Uint8Array.from(hex.trim().split(/\s+/).map((h) => parseInt(h, 16)));
// oops2-deflate-1m zone 0, offsets 0x00..0x33 (layout.txt).
const ZONE0 = bytes(`44 42 47 43 1b 2b 00 00 00 00 00 00 e5 3a fc 4d
  00 00 00 00 83 00 92 65 00 00 00 00 e2 d4 02 19
  00 00 00 00 01 00 00 00 01 00 00 00 02 00 00 00
  00 00 00 00`);

describe('psz_buffer and psz_kmsg_header', () => {
  it('decode what Linux wrote', () => {
    expect(psz_buffer_decode(ZONE0)).toEqual({ sig: 0x43474244, datalen: 11035, start: 0 });
    expect(psz_kmsg_header_decode(ZONE0.subarray(12))).toEqual({
      magic: PSTORE_KMSG_HEADER_MAGIC,
      time: { tv_sec: 1704067203, tv_nsec: 419615970 },
      compressed: true,
      counter: 1,
      reason: 2,
    });
  });

  it('encode to the same bytes, padding zeroed', () => {
    const out = new Uint8Array(52).fill(0xaa);
    psz_buffer_encode({ sig: psz_sig(0), datalen: 11035, start: 0 }, out);
    psz_kmsg_header_encode({ magic: PSTORE_KMSG_HEADER_MAGIC, time: { tv_sec: 1704067203, tv_nsec: 419615970 }, compressed: true, counter: 1, reason: 2 }, out.subarray(12));
    expect(out).toEqual(ZONE0);
  });

  it('signatures are PSZ_SIG ^ type: dmesg DBGC, console FBGC, ftrace GBGC, pmsg CBGC', () => {
    expect([0, 2, 3, 7].map(psz_sig)).toEqual([0x43474244, 0x43474246, 0x43474247, 0x43474243]);
    expect(psz_buffer_encode({ sig: psz_sig(7), datalen: -1, start: 3 })).toEqual(bytes('43 42 47 43 ff ff ff ff 03 00 00 00'));
  });

  it('reason strings as kmsg_dump_reason_str', () => {
    expect([0, 1, 2, 3, 4, 5, -1].map(kmsg_dump_reason_str)).toEqual(['Unknown', 'Panic', 'Oops', 'Emergency', 'Shutdown', 'Unknown', 'Unknown']);
  });
});

describe('ring zones', () => {
  const ring = (buffer_size: number): Uint8Array => {
    const z = new Uint8Array(12 + buffer_size).fill(0xff);
    psz_buffer_encode({ sig: psz_sig(2), datalen: 0, start: 0 }, z);
    return z;
  };
  const text = (s: string) => new TextEncoder().encode(s);
  const str = (b: Uint8Array) => new TextDecoder().decode(b);
  const readback = (z: Uint8Array) => str(psz_ring_read(z.subarray(12), buffer_start(z), buffer_datalen(z)));

  it('before the first wrap datalen = start = bytes written; the unused data stays 0xFF', () => {
    const z = ring(10);
    psz_ring_append(z, text('abc'));
    psz_ring_append(z, text('de'));
    expect([buffer_start(z), buffer_datalen(z)]).toEqual([5, 5]);
    expect(readback(z)).toBe('abcde');
    expect(z.subarray(17)).toEqual(new Uint8Array(5).fill(0xff));
  });

  it('wraps: the rest goes to 0, datalen = buffer_size from then on, read back oldest first', () => {
    const z = ring(10);
    psz_ring_append(z, text('0123456'));
    expect(psz_ring_plan(10, 7, 5)).toEqual({ wrap: { src: 0, dst: 7, len: 3 }, tail: { src: 3, dst: 0, len: 2 }, new_start: 2 });
    psz_ring_append(z, text('789ab'));
    expect([buffer_start(z), buffer_datalen(z)]).toEqual([2, 10]);
    expect(str(z.subarray(12))).toBe('ab23456789');
    expect(readback(z)).toBe('23456789ab');
    psz_ring_append(z, text('c'));
    expect([buffer_start(z), buffer_datalen(z)]).toEqual([3, 10]);
    expect(readback(z)).toBe('3456789abc');
  });

  it('keeps only the last buffer_size bytes of a larger write', () => {
    const z = ring(10);
    psz_ring_append(z, text('xyz'));
    expect(psz_ring_plan(10, 3, 25).wrap).toEqual({ src: 15, dst: 3, len: 7 });
    psz_ring_append(z, text('ABCDEFGHIJKLMNOPQRSTUVWXY'));
    expect(readback(z)).toBe('PQRSTUVWXY');
    expect([buffer_start(z), buffer_datalen(z)]).toEqual([3, 10]);
  });

  it('a write ending exactly at the end leaves start = buffer_size; the next one wraps with a 0-byte first part', () => {
    const z = ring(4);
    psz_ring_append(z, text('abcd'));
    expect([buffer_start(z), buffer_datalen(z)]).toEqual([4, 4]);
    expect(psz_ring_plan(4, 4, 1)).toEqual({ wrap: { src: 0, dst: 4, len: 0 }, tail: { src: 0, dst: 0, len: 1 }, new_start: 1 });
    psz_ring_append(z, text('e'));
    expect(readback(z)).toBe('bcde');
  });
});

describe('pstore_ftrace_combine_log', () => {
  const rec = (ts: number, cpu: number, ip = ts) => pstore_ftrace_encode({ ip: BigInt(ip), parent_ip: 0x1000n + BigInt(ip), ts: BigInt(ts), cpu });
  const tss = (b: Uint8Array) => Array.from({ length: b.length / 24 }, (_, i) => pstore_ftrace_decode(b.subarray(i * 24)));

  it('merges by ts >> 8, skipping a leading size % 24 of each input; ties take the new zone first', () => {
    const cpu0 = concat_bytes(rec(1, 0), rec(4, 0), rec(6, 0));
    const cpu1 = concat_bytes(new Uint8Array([9, 9, 9, 9, 9]), rec(2, 1), rec(4, 1, 40), rec(7, 1));
    let m = pstore_ftrace_combine_log(null, 0, cpu0, cpu0.length);
    m = pstore_ftrace_combine_log(m, m.length, cpu1, cpu1.length);
    expect(tss(m).map((r) => [Number(r.ts), r.cpu, Number(r.ip)])).toEqual([
      [1, 0, 1],
      [2, 1, 2],
      [4, 1, 40],
      [4, 0, 4],
      [6, 0, 6],
      [7, 1, 7],
    ]);
  });

  it('an input without a whole record gives an empty (not null) buffer', () => {
    expect(pstore_ftrace_combine_log(null, 0, new Uint8Array(10), 10)).toEqual(new Uint8Array(0));
  });
});
