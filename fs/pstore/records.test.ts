// SPDX-License-Identifier: GPL-2.0
// Records as pstorefs shows them: names, decompression and its .enc.z fallback, times, ftrace text.
import { describe, expect, it } from 'vitest';
import { deflate_raw } from '#zlib';
import { PSTORE_TYPE_CONSOLE, PSTORE_TYPE_DMESG, PSTORE_TYPE_FTRACE, PSTORE_TYPE_PMSG, type pstore_info, type pstore_record } from '../../include/linux/pstore.h.ts';
import { pstore_compressor } from './compress.ts';
import { pstore_file_of, pstore_ftrace_text } from './records.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
const BUFSIZE = 65484;
const c61 = pstore_compressor('6.1');

const rec = (over: Partial<pstore_record>): pstore_record => {
  const buf = over.buf ?? enc.encode('Oops: Total 1 times\nOops#1 Part1\n<4>[    1.000000] x\n');
  return { psi: null, type: PSTORE_TYPE_DMESG, id: 0, time: { tv_sec: 1704067203, tv_nsec: 442403881 }, buf, size: buf.length, part: 1, count: 1, reason: 2, compressed: false, ecc_notice_size: 0, ...over };
};

/** One 24-byte ftrace record, little-endian. */
const ftrace_rec = (ip: bigint, parent_ip: bigint, ts: bigint, cpu: number): Uint8Array => {
  const b = new Uint8Array(24);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, ip, true);
  dv.setBigUint64(8, parent_ip, true);
  dv.setBigUint64(16, (ts << 8n) | BigInt(cpu), true);
  return b;
};

describe('pstore_file_of', () => {
  it('names an uncompressed dmesg record <type>-<backend>-<id> and keeps its bytes and time', () => {
    const r = rec({ id: 3 });
    const f = pstore_file_of(r, 'pstore_blk', c61, BUFSIZE);
    expect(f.name).toBe('dmesg-pstore_blk-3');
    expect(f.data).toEqual(r.buf!.subarray(0, r.size));
    expect(f.mtime).toEqual({ tv_sec: 1704067203, tv_nsec: 442403881 });
    expect(f.record.compressed).toBe(false);
  });

  it('decompresses a compressed dmesg record under the plain name, without touching the input', () => {
    const text = enc.encode('Panic#1 Part1\n<0>[    2.000000] Kernel panic - not syncing\n');
    const z = deflate_raw(text, { windowBits: 11, level: -1, memLevel: 8 });
    const r = rec({ id: 1, buf: z, size: z.length, compressed: true, reason: 1 });
    const f = pstore_file_of(r, 'pstore_blk', c61, BUFSIZE);
    expect(f.name).toBe('dmesg-pstore_blk-1');
    expect(dec.decode(f.data)).toBe(dec.decode(text));
    expect(f.record).toMatchObject({ compressed: false, size: text.length });
    expect(r).toMatchObject({ compressed: true, size: z.length, buf: z });
  });

  it('takes the decompression limit from record.psi when no bufsize is given', () => {
    const text = enc.encode('x'.repeat(3000));
    const z = deflate_raw(text, { windowBits: 11, level: -1, memLevel: 8 });
    const psi = { name: 'pstore_blk', bufsize: 1000 } as pstore_info;
    expect(pstore_file_of(rec({ psi, buf: z, size: z.length, compressed: true }), 'pstore_blk', pstore_compressor('6.6')).name).toBe('dmesg-pstore_blk-0');
    expect(pstore_file_of(rec({ psi, buf: z, size: z.length, compressed: true }), 'pstore_blk', c61).name).toBe('dmesg-pstore_blk-0.enc.z'); // big_oops_buf_sz = 1000*100/56 = 1785 < 3000
    expect(() => pstore_file_of(rec({ buf: z, size: z.length, compressed: true }), 'pstore_blk', c61)).toThrow(TypeError);
  });

  it('keeps the stored bytes as <name>.enc.z when the stream is corrupt or compression is off', () => {
    const z = deflate_raw(enc.encode('Oops#1 Part1\nhello\n'.repeat(40)), { windowBits: 11, level: -1, memLevel: 8 });
    const corrupt = z.slice();
    corrupt[4]! ^= 0x55;
    const bad = pstore_file_of(rec({ buf: corrupt, size: corrupt.length, compressed: true }), 'pstore_blk', c61, BUFSIZE);
    expect(bad.name).toBe('dmesg-pstore_blk-0.enc.z');
    expect(bad.data).toEqual(corrupt);
    expect(bad.record.compressed).toBe(true);
    const off = pstore_file_of(rec({ buf: z, size: z.length, compressed: true }), 'pstore_blk', pstore_compressor('none'), BUFSIZE);
    expect(off.name).toBe('dmesg-pstore_blk-0.enc.z');
    expect(off.data).toEqual(z);
  });

  it('does not decompress other record types ("ignored compressed record type")', () => {
    const z = deflate_raw(enc.encode('console text\n'), { windowBits: 11, level: -1, memLevel: 8 });
    const f = pstore_file_of(rec({ type: PSTORE_TYPE_CONSOLE, buf: z, size: z.length, compressed: true }), 'pstore_blk', c61, BUFSIZE);
    expect(f.name).toBe('console-pstore_blk-0.enc.z');
    expect(f.data).toEqual(z);
  });

  it('uses the record time only for dmesg with tv_sec != 0; else the time of the read (null)', () => {
    expect(pstore_file_of(rec({ time: { tv_sec: 0, tv_nsec: 5 } }), 'pstore_blk', c61, BUFSIZE).mtime).toBeNull();
    const pmsg = pstore_file_of(rec({ type: PSTORE_TYPE_PMSG, time: { tv_sec: 0, tv_nsec: 0 } }), 'pstore_blk', c61, BUFSIZE);
    expect(pmsg.name).toBe('pmsg-pstore_blk-0');
    expect(pmsg.mtime).toBeNull();
    expect(pstore_file_of(rec({ type: 42 }), 'ramoops', c61, BUFSIZE).name).toBe('unknown-ramoops-0');
  });

  it('shows only record.size bytes, then any ECC notice after the text', () => {
    const buf = enc.encode('payloadNOTICEjunk');
    const f = pstore_file_of(rec({ buf, size: 7, ecc_notice_size: 6 }), 'ramoops', c61, BUFSIZE);
    expect(dec.decode(f.data)).toBe('payloadNOTICE');
  });

  it('turns the merged ftrace binary into the seq_file text, %ps as 0x%lx without kallsyms', () => {
    const bin = new Uint8Array([
      0xaa, 0xbb, 0xcc, // size % 24 leading bytes are skipped
      ...ftrace_rec(0xffffffff81234567n, 0xffffffff81000010n, 5n, 1),
      ...ftrace_rec(0x1234n, 0n, 0xffffffffffffffn, 255),
    ]);
    const want =
      'CPU:1 ts:5 ffffffff81234567  ffffffff81000010  0xffffffff81234567 <- 0xffffffff81000010\n' +
      'CPU:255 ts:72057594037927935 00001234  00000000  0x1234 <- 0x0\n';
    expect(dec.decode(pstore_ftrace_text(bin))).toBe(want);
    const f = pstore_file_of(rec({ type: PSTORE_TYPE_FTRACE, buf: bin, size: bin.length, time: { tv_sec: 9, tv_nsec: 0 } }), 'pstore_blk', c61, BUFSIZE);
    expect(f.name).toBe('ftrace-pstore_blk-0');
    expect(dec.decode(f.data)).toBe(want);
    expect(f.mtime).toBeNull();
    expect(pstore_ftrace_text(new Uint8Array(23))).toEqual(new Uint8Array(0));
  });
});
