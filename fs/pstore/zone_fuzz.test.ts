// Property-based fuzzing of the offline pstore/zone reader (zone_offline.ts, what
// tools/pstore-read runs) on valid areas with random damage: zone headers (sig, datalen,
// start), kmsg headers, signatures swapped between types, deflate streams and ring data
// overwritten, zones copied over others, the image truncated. Properties: the reader never
// throws; it fails only where Linux fails (a layout register_pstore_zone refuses, a ring whose
// start is past its datalen), with that message; and every zone the damage left alone comes
// back byte for byte as from the undamaged area, decompressed the same way too. A second
// property runs the pstore-read tool itself on a few such images.
// Run counts and replay: tools/testing/fuzz.ts, docs/fuzzing.md.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PSTORE_TYPE_CONSOLE, PSTORE_TYPE_DMESG, PSTORE_TYPE_FTRACE, PSTORE_TYPE_NAMES, PSTORE_TYPE_PMSG, type pstore_record } from '../../include/linux/pstore.h.ts';
import { run_tool } from '../../tools/testing/cli_inprocess.ts';
import { fuzz_check, fuzz_timeout } from '../../tools/testing/fuzz.ts';
import { linux_images, written_image, type pstore_image } from '../../tools/testing/pstore_images.ts';
import { COMPRESS_PROFILES, pstore_compressor, type compress_profile } from './compress.ts';
import { pstore_file_of, type pstore_file } from './records.ts';
import { PszMemDevice } from './testing/zone_mem_dev.ts';
import { PSTORE_KMSG_HEADER_MAGIC, PSZ_BUFFER_HDR_SIZE, PSZ_KMSG_HDR_SIZE, psz_buffer_decode, psz_sig } from './zone_format.ts';
import { PSTORE_FTRACE_RECORD_SIZE } from './zone_ftrace.ts';
import { psz_layout, type psz_layout_params, type psz_zone_layout } from './zone_layout.ts';
import { psz_read_records } from './zone_offline.ts';

// ---- damage ---------------------------------------------------------------------------------

/** A 32-bit value: absolute, or relative to the zone's size or current header fields (the edges). */
type value = { abs: number } | { rel: 'buffer_size' | 'datalen' | 'start' | 'zero'; delta: number };
const value_arb: fc.Arbitrary<value> = fc.oneof(
  fc.record({ abs: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }),
  fc.record({ rel: fc.constantFrom('buffer_size', 'datalen', 'start', 'zero'), delta: fc.integer({ min: -64, max: 64 }) }),
);

/** Offsets in a zone: psz_buffer (sig 0, datalen 4, start 8), then psz_kmsg_header from 12. */
const KMSG_FIELDS = { magic: [12, 4], tv_sec: [20, 8], tv_nsec: [28, 8], compressed: [36, 1], counter: [40, 4], reason: [44, 4] } as const;

type damage =
  | { kind: 'header'; zone: number; at: 0 | 4 | 8; v: value }
  | { kind: 'sig'; zone: number; type: number }
  | { kind: 'kmsg'; zone: number; field: keyof typeof KMSG_FIELDS; raw: bigint }
  | { kind: 'flip'; zone: number; pos: number; bit: number }
  | { kind: 'data'; zone: number; pos: number; bytes: Uint8Array }
  | { kind: 'fill'; zone: number; pos: number; len: number; byte: number }
  | { kind: 'splice'; zone: number; from: number; len: number }
  | { kind: 'truncate'; zone: number; delta: number; end: boolean };

const zone_n = fc.nat(63);
const damage_arb: fc.Arbitrary<damage> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('header' as const), zone: zone_n, at: fc.constantFrom(0 as const, 4 as const, 8 as const), v: value_arb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sig' as const), zone: zone_n, type: fc.oneof(fc.constantFrom(0, 2, 3, 7), fc.nat(255)) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('kmsg' as const), zone: zone_n, field: fc.constantFrom(...(Object.keys(KMSG_FIELDS) as (keyof typeof KMSG_FIELDS)[])), raw: fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }), fc.bigInt({ min: -3n, max: 6n })) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('flip' as const), zone: zone_n, pos: fc.nat(), bit: fc.nat(7) }) },
  // Inside the stored data: the deflate stream of a compressed record, a ring's text.
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('data' as const), zone: zone_n, pos: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 48 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fill' as const), zone: zone_n, pos: fc.nat(), len: fc.integer({ min: 1, max: 4096 }), byte: fc.constantFrom(0, 0xff) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('splice' as const), zone: zone_n, from: zone_n, len: fc.integer({ min: 12, max: 1 << 16 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), zone: zone_n, delta: fc.oneof(fc.constant(0), fc.integer({ min: -5000, max: 5000 }), fc.integer({ min: -4, max: 4 }).map((k) => k * 4096)), end: fc.boolean() }) },
);

const dv = (img: Uint8Array) => new DataView(img.buffer, img.byteOffset, img.byteLength);

/** Zone @n: an even @n picks among the @hot zones (those holding a record), an odd one among all. */
const pick = (zones: readonly psz_zone_layout[], hot: readonly number[], n: number): psz_zone_layout =>
  n % 2 === 0 && hot.length ? zones[hot[(n >> 1) % hot.length]!]! : zones[(n >> 1) % zones.length]!;

/** Apply @d to @img (whose undamaged layout is @zones); returns the image, shorter after a truncation. */
function apply(img: Uint8Array<ArrayBuffer>, zones: readonly psz_zone_layout[], hot: readonly number[], d: damage): Uint8Array<ArrayBuffer> {
  const z = pick(zones, hot, d.zone);
  const v = dv(img);
  const head = psz_buffer_decode(img.subarray(z.offset, z.offset + PSZ_BUFFER_HDR_SIZE));
  // Where the stored data is, and how much of it is used (clamped: the header may be damaged already).
  const data_at = z.offset + PSZ_BUFFER_HDR_SIZE + (z.type === PSTORE_TYPE_DMESG ? PSZ_KMSG_HDR_SIZE : 0);
  const used = Math.max(1, Math.min(z.offset + z.size, z.offset + PSZ_BUFFER_HDR_SIZE + Math.max(0, head.datalen)) - data_at);
  switch (d.kind) {
    case 'header': {
      const base = 'abs' in d.v ? d.v.abs : { buffer_size: z.buffer_size, datalen: head.datalen, start: head.start, zero: 0 }[d.v.rel] + d.v.delta;
      v.setInt32(z.offset + d.at, base | 0, true);
      return img;
    }
    case 'sig':
      v.setUint32(z.offset, psz_sig(d.type), true);
      return img;
    case 'kmsg': {
      const [at, len] = KMSG_FIELDS[d.field];
      const u = BigInt.asUintN(64, d.raw);
      for (let i = 0; i < len; i++) img[z.offset + at + i] = Number((u >> BigInt(8 * i)) & 0xffn);
      return img;
    }
    case 'flip':
      img[z.offset + (d.pos % z.size)]! ^= 1 << d.bit;
      return img;
    case 'data': {
      const at = data_at + (d.pos % used);
      img.set(d.bytes.subarray(0, z.offset + z.size - at), at);
      return img;
    }
    case 'fill': {
      const at = data_at + (d.pos % used);
      img.fill(d.byte, at, Math.min(at + d.len, z.offset + z.size));
      return img;
    }
    case 'splice': {
      const from = pick(zones, hot, d.from);
      const len = Math.min(d.len, from.size, z.size);
      img.copyWithin(z.offset, from.offset, from.offset + len);
      return img;
    }
    case 'truncate': {
      const at = Math.max(0, Math.min(img.length, (d.end ? z.offset + z.size : z.offset) + d.delta));
      return img.subarray(0, at);
    }
  }
}

// ---- what the reader shows ------------------------------------------------------------------

const same_bytes = (a: Uint8Array | null, b: Uint8Array | null): boolean => (a === null || b === null ? a === b : Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length)));

/** The record a zone contributes: dmesg by index; the ftrace one is merged from every ftrace zone. */
const key_of = (type: number, index: number): string => (type === PSTORE_TYPE_DMESG ? `dmesg-${index}` : PSTORE_TYPE_NAMES[type]!);
const record_key = (r: pstore_record): string => key_of(r.type, r.id);

const bufsize_of = (p: psz_layout_params): number => p.kmsg_size - PSZ_BUFFER_HDR_SIZE - PSZ_KMSG_HDR_SIZE;
const files_of = (r: pstore_record, p: psz_layout_params): pstore_file[] => COMPRESS_PROFILES.map((c) => pstore_file_of(r, 'pstore_blk', pstore_compressor(c), bufsize_of(p)));

const differs = (what: string, a: unknown, b: unknown): string | null => (JSON.stringify(a) === JSON.stringify(b) ? null : `${what}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`);

/** Why @got is not @want (the same record, the same files under every profile), or null. */
function record_diff(got: pstore_record, want: pstore_record, p: psz_layout_params): string | null {
  const meta = (r: pstore_record) => [r.type, r.id, r.size, r.compressed, r.reason, r.count, r.time.tv_sec, r.time.tv_nsec];
  const d = differs('record', meta(got), meta(want));
  if (d) return d;
  if (!same_bytes(got.buf, want.buf)) return 'record bytes differ';
  const gf = files_of(got, p);
  const wf = files_of(want, p);
  for (let i = 0; i < gf.length; i++) {
    const d2 = differs(`file under ${COMPRESS_PROFILES[i]}`, [gf[i]!.name, gf[i]!.mtime], [wf[i]!.name, wf[i]!.mtime]);
    if (d2) return d2;
    if (!same_bytes(gf[i]!.data, wf[i]!.data)) return `file bytes under ${COMPRESS_PROFILES[i]} differ`;
  }
  return null;
}

/**
 * The ring zone Linux would fail recovery on (psz_recover_zone reads start..datalen, a negative
 * length once start > datalen, and pstore_blk refuses it): its name, or null.
 */
function refused_ring(img: Uint8Array, zones: readonly psz_zone_layout[]): string | null {
  for (const z of zones) {
    if (z.type === PSTORE_TYPE_DMESG) continue;
    const h = psz_buffer_decode(img.subarray(z.offset, z.offset + PSZ_BUFFER_HDR_SIZE));
    if (h.sig !== psz_sig(z.type) || h.datalen >>> 0 > z.buffer_size || h.start >>> 0 > z.buffer_size || !h.datalen) continue;
    if (h.start > h.datalen) return z.name;
  }
  return null;
}

/**
 * The record that ends reading: the first, in read order (dmesg zones, the merged ftrace record,
 * pmsg, console), whose size is 0. Linux's pstore_get_backend_records() stops at a read of
 * size <= 0, so nothing after it is shown. A dmesg zone gives one when it is stored compressed
 * with nothing after its header (datalen 40; a plain one has its "Total" line); ftrace when
 * its zones hold old content but not one whole 24-byte record. Returns its key, or null.
 */
function read_end(img: Uint8Array, zones: readonly psz_zone_layout[]): string | null {
  const head = (z: psz_zone_layout) => psz_buffer_decode(img.subarray(z.offset, z.offset + PSZ_BUFFER_HDR_SIZE));
  for (const z of zones.filter((z) => z.type === PSTORE_TYPE_DMESG)) {
    const h = head(z);
    const v = dv(img);
    const valid = h.sig === psz_sig(z.type) && h.datalen >>> 0 <= z.buffer_size && v.getUint32(z.offset + KMSG_FIELDS.magic[0], true) === PSTORE_KMSG_HEADER_MAGIC;
    if (valid && h.datalen === PSZ_KMSG_HDR_SIZE && img[z.offset + KMSG_FIELDS.compressed[0]] !== 0) return key_of(z.type, z.index);
  }
  // The ftrace zones whose old content recovery takes (sig, datalen and start within the zone).
  const fz = zones.filter((z) => z.type === PSTORE_TYPE_FTRACE);
  const old = fz.map(head).filter((h, i) => h.sig === psz_sig(PSTORE_TYPE_FTRACE) && h.datalen > 0 && h.datalen <= fz[i]!.buffer_size && h.start >= 0 && h.start <= h.datalen);
  if (old.length && old.every((h) => h.datalen < PSTORE_FTRACE_RECORD_SIZE)) return 'ftrace';
  return null;
}

/** Keys in the order the reader returns them. */
const read_order = (zones: readonly psz_zone_layout[]): string[] => {
  const of = (t: number) => zones.filter((z) => z.type === t).map((z) => key_of(z.type, z.index));
  return [...of(PSTORE_TYPE_DMESG), ...new Set(of(PSTORE_TYPE_FTRACE)), ...of(PSTORE_TYPE_PMSG), ...of(PSTORE_TYPE_CONSOLE)];
};

/** Zones of @after that are where they were in @before and whose bytes the damage did not change. */
function untouched(before: readonly psz_zone_layout[], orig: Uint8Array, after: readonly psz_zone_layout[], img: Uint8Array): Set<string> {
  const out = new Set<string>();
  const touched = new Set<string>();
  for (const z of before) {
    const k = key_of(z.type, z.index);
    const same = after.some((a) => a.type === z.type && a.index === z.index && a.offset === z.offset && a.size === z.size);
    const intact = same && z.offset + z.size <= img.length && same_bytes(img.subarray(z.offset, z.offset + z.size), orig.subarray(z.offset, z.offset + z.size));
    if (intact && !touched.has(k)) out.add(k);
    else {
      touched.add(k);
      out.delete(k);
    }
  }
  return out;
}

// ---- the properties -------------------------------------------------------------------------

interface base {
  readonly img: pstore_image;
  readonly zones: readonly psz_zone_layout[];
  /** Indexes in zones of those a record comes from. */
  readonly hot: readonly number[];
  readonly records: ReadonlyMap<string, pstore_record>;
}

const bases: base[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'zone-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(async () => {
  for (const img of [await written_image(), ...linux_images()]) {
    const lay = psz_layout(img.params);
    if (!lay.ok) throw new Error(`${img.name}: ${lay.error}`);
    const r = await psz_read_records(img.params, new PszMemDevice(img.image).read);
    if (!r.ok) throw new Error(`${img.name}: ${r.error}`);
    const records = new Map(r.records.map((x) => [record_key(x), x]));
    const hot = lay.layout.zones.flatMap((z, i) => (records.has(key_of(z.type, z.index)) ? [i] : []));
    bases.push({ img, zones: lay.layout.zones, hot, records });
  }
}, 60_000);

const case_arb = fc.record({ base: fc.nat(), damage: fc.array(damage_arb, { minLength: 1, maxLength: 4 }) });

interface damaged {
  readonly b: base;
  readonly img: Uint8Array;
  readonly params: psz_layout_params;
}

/**
 * The base's image with @damage applied, a truncation (the first, if any) last: the area is
 * then the rest of the image, as pstore-read takes it.
 */
function damage_image(c: { base: number; damage: damage[] }): damaged {
  const b = bases[c.base % bases.length]!;
  let img: Uint8Array<ArrayBuffer> = b.img.image.slice();
  const cut = c.damage.find((d) => d.kind === 'truncate');
  for (const d of [...c.damage.filter((d) => d.kind !== 'truncate'), ...(cut ? [cut] : [])]) img = apply(img, b.zones, b.hot, d);
  return { b, img, params: { ...b.img.params, total_size: img.length } };
}

/**
 * What the reader must answer for @x: the layout's or the refused ring's error; or the records
 * of the untouched zones to @keep as they were, and those that must be @gone because a record of
 * size 0 ended the reading before them (read_end).
 */
function expectation(x: damaged): { error: RegExp } | { keep: Set<string>; gone: string[] } {
  const lay = psz_layout(x.params);
  if (!lay.ok) return { error: new RegExp(`^pstore_zone: ${lay.error.replace(/[()]/g, '\\$&')} \\(errno ${lay.errno}\\)$`) };
  const ring = refused_ring(x.img, lay.layout.zones);
  if (ring) return { error: new RegExp(`^pstore_zone: read zone ${ring} failed; recover failed \\(errno 22\\)$`) };
  const order = read_order(lay.layout.zones);
  const end = read_end(x.img, lay.layout.zones);
  const gone = end === null ? [] : order.slice(order.indexOf(end));
  const keep = untouched(x.b.zones, x.b.img.image, lay.layout.zones, x.img);
  for (const k of gone) keep.delete(k);
  return { keep, gone };
}

describe('found by fuzzing', () => {
  it('a dmesg zone with 0 < datalen < 40 is skipped without leaving its id, time, reason or count on the next record', async () => {
    const b = bases[0]!; // written: the Panic is in kmsg zone 3, the last record before ftrace
    const z = b.zones.find((z) => z.type === PSTORE_TYPE_DMESG && z.index === 3)!;
    const img = b.img.image.slice();
    dv(img).setInt32(z.offset + 4, 1, true);
    const r = await psz_read_records(b.img.params, new PszMemDevice(img).read);
    if (!r.ok) throw new Error(r.error);
    expect(r.records.map(record_key)).toEqual(['dmesg-0', 'dmesg-1', 'dmesg-2', 'ftrace', 'pmsg', 'console']);
    const ftrace = r.records.find((x) => x.type === PSTORE_TYPE_FTRACE)!;
    expect([ftrace.id, ftrace.time, ftrace.reason, ftrace.count, ftrace.compressed]).toEqual([0, { tv_sec: 0, tv_nsec: 0 }, 0, 0, false]);
    expect(record_diff(ftrace, b.records.get('ftrace')!, b.img.params)).toBe(null);
  });

  it('a compressed dmesg zone holding nothing (datalen 40) is a record of size 0, which ends reading as in Linux', async () => {
    // Not a bug: pstore_get_backend_records() stops at the first read of size <= 0. The long
    // run found that the first version of the property missed it.
    const b = bases[1]!; // Linux 6.1: compressed Oopses in zones 0 and 1
    const img = b.img.image.slice();
    dv(img).setInt32(b.zones[0]!.offset + 4, PSZ_KMSG_HDR_SIZE, true);
    expect(await psz_read_records(b.img.params, new PszMemDevice(img).read)).toEqual({ ok: true, records: [], warnings: [] });
    expect(read_end(img, b.zones)).toBe('dmesg-0');
  });
});

describe('pstore/zone offline reader under damage', () => {
  it('never throws, fails only as Linux does, and returns every untouched zone as before', { timeout: fuzz_timeout(60_000) }, async () => {
    await fuzz_check(
      'zone reader',
      fc.asyncProperty(case_arb, async (c) => {
        const x = damage_image(c);
        const want = expectation(x);
        const r = await psz_read_records(x.params, new PszMemDevice(x.img).read);
        if ('error' in want) {
          expect(r.ok ? 'ok' : r.error).toMatch(want.error);
          return;
        }
        if (!r.ok) throw new Error(`the reader failed: ${r.error}`);
        const got = new Map(r.records.map((x) => [record_key(x), x]));
        for (const k of want.gone) if (got.has(k)) throw new Error(`${k}: read after the record of size 0 that ends reading`);
        // Every record the reader returns turns into files without an exception, whatever it holds.
        for (const rec of r.records) files_of(rec, x.params);
        for (const k of want.keep) {
          const before = x.b.records.get(k);
          const after = got.get(k);
          if (!before || !after) {
            if (before !== after) throw new Error(`${k}: untouched, ${before ? 'no longer read' : 'read only now'}`);
            continue;
          }
          const d = record_diff(after, before, x.params);
          if (d) throw new Error(`${k}: untouched, but ${d}`);
        }
      }),
      1000,
    );
  });

  it('pstore-read on a damaged image: exit 0 with the untouched files, or exit 2 with one message; the image is never written', { timeout: fuzz_timeout(60_000) }, async () => {
    let n = 0;
    await fuzz_check(
      'pstore-read on damaged images',
      fc.asyncProperty(case_arb, fc.constantFrom<compress_profile>(...COMPRESS_PROFILES), async (c, profile) => {
        const x = damage_image(c);
        const want = expectation(x);
        const dir = join(tmp, `case-${++n}`);
        const path = `${dir}.img`;
        const out = join(dir, 'out');
        writeFileSync(path, x.img);
        const kib = (b: number) => String(b / 1024);
        const p = x.params;
        const r = await run_tool('pstore-read', [path, '--out', out, '--kmsg-size', kib(p.kmsg_size), '--pmsg-size', kib(p.pmsg_size), '--console-size', kib(p.console_size), '--ftrace-size', kib(p.ftrace_size), '--nr-cpus', String(p.nr_cpus), '--profile', profile]);
        try {
          if (r.uncaught) throw r.uncaught;
          expect(same_bytes(readFileSync(path), x.img), 'the image was written').toBe(true);
          if ('error' in want) {
            expect([r.status, r.stdout, existsSync(out)]).toEqual([2, '', false]);
            expect(r.stderr).toMatch(/^pstore-read: [^\n]+\n$/);
            expect(r.stderr.slice(`pstore-read: ${path}: `.length, -1)).toMatch(want.error);
            return;
          }
          expect(r.status, r.stderr).toBe(0);
          expect(r.stderr).not.toMatch(/^\s+at |Error\b/m);
          const files = new Set(readdirSync(out));
          for (const k of want.keep) {
            const rec = x.b.records.get(k);
            if (!rec) continue;
            const f = pstore_file_of(rec, 'pstore_blk', pstore_compressor(profile), bufsize_of(p));
            expect(files.has(f.name), `${k}: ${f.name} missing`).toBe(true);
            expect(same_bytes(readFileSync(join(out, f.name)), f.data), `${k}: ${f.name} differs`).toBe(true);
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
          rmSync(path, { force: true });
        }
      }),
      80,
      0.05,
    );
  });
});
