// The offline reader on areas a real Linux 6.1 wrote (testdata/, from /work/shared/vectors):
// the records psz_pstore_read hands the core, byte for byte against what the kernel exported.
import { readFileSync } from 'node:fs';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ENOMSG } from '../../include/linux/errno.h.ts';
import { KMSG_DUMP_OOPS } from '../../include/linux/kmsg_dump.h.ts';
import { PSTORE_TYPE_DMESG } from '../../include/linux/pstore.h.ts';
import { PszMemDevice } from './testing/zone_mem_dev.ts';
import { psz_read_records } from './zone_offline.ts';

const data = (p: string): Uint8Array => new Uint8Array(readFileSync(new URL(`./testdata/${p}`, import.meta.url)));
const image = (p: string): Uint8Array => new Uint8Array(gunzipSync(data(p)));
const KMSG_ONLY_1M = { total_size: 1 << 20, kmsg_size: 64 << 10, pmsg_size: 0, console_size: 0, ftrace_size: 0, nr_cpus: 1 };

const read_image = (img: Uint8Array) => psz_read_records(KMSG_ONLY_1M, new PszMemDevice(img).read);

describe('psz_read_records on Linux 6.1 images', () => {
  it('oops2-deflate-1m: two compressed Oops records whose payloads are the kernel\'s .enc.z files', async () => {
    const r = await read_image(image('oops2-deflate-1m/card.img.gz'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.warnings).toEqual([]);
    expect(r.records.map((x) => [x.type, x.id, x.count, x.reason, x.compressed, x.time.tv_sec, x.time.tv_nsec, x.size])).toEqual([
      [PSTORE_TYPE_DMESG, 0, 1, KMSG_DUMP_OOPS, true, 1704067203, 419615970, 10995],
      [PSTORE_TYPE_DMESG, 1, 2, KMSG_DUMP_OOPS, true, 1704067206, 438178000, 12467],
    ]);
    for (const i of [0, 1]) {
      const rec = r.records[i]!;
      expect(rec.buf).toEqual(data(`oops2-deflate-1m/dmesg-pstore_blk-${i}.enc.z`));
      // and the core's raw inflate of it is the file the kernel showed with compression on.
      expect(new Uint8Array(inflateRawSync(rec.buf!))).toEqual(image(`oops2-deflate-1m/dmesg-pstore_blk-${i}.inflated.gz`));
    }
  });

  it('oops1-none-1m: one uncompressed record equal to the exported file, "Oops: Total 1 times" line included', async () => {
    const r = await read_image(image('oops1-none-1m/card.img.gz'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.records.length).toBe(1);
    const rec = r.records[0]!;
    expect([rec.id, rec.count, rec.compressed, rec.time]).toEqual([0, 1, false, { tv_sec: 1704067203, tv_nsec: 442403881 }]);
    const exported = data('oops1-none-1m/dmesg-pstore_blk-0');
    expect(rec.size).toBe(exported.length);
    expect(rec.buf).toEqual(exported);
    expect(new TextDecoder().decode(rec.buf!.subarray(0, 33))).toBe('Oops: Total 1 times\nOops#1 Part1\n');
  });

  it('card-erased: no records (datalen 0 with the stale headers left in place), and erased zones are not loaded', async () => {
    const dev = new PszMemDevice(image('oops2-deflate-1m/card-erased.img.gz'));
    const r = await psz_read_records(KMSG_ONLY_1M, dev.read);
    expect(r).toEqual({ ok: true, records: [], warnings: [] });
    expect(dev.calls('read').every((c) => c.len === 52)).toBe(true);
  });

  it('a blank (zeroed) card has no records; neither does one of 0xFF', async () => {
    expect(await read_image(new Uint8Array(1 << 20))).toEqual({ ok: true, records: [], warnings: [] });
    expect(await read_image(new Uint8Array(1 << 20).fill(0xff))).toEqual({ ok: true, records: [], warnings: [] });
  });

  it('never writes', async () => {
    const dev = new PszMemDevice(image('oops2-deflate-1m/card.img.gz'));
    await psz_read_records(KMSG_ONLY_1M, dev.read);
    expect(dev.calls('writes')).toEqual([]);
    // The meta pass reads 52 bytes of each of the 16 zones, then the two records whole.
    expect(dev.calls('read').map((c) => [c.off, c.len])).toEqual([
      ...Array.from({ length: 16 }, (_, i) => [i * 0x10000, 52]),
      [0, 0x10000],
      [0x10000, 0x10000],
    ]);
  });

  it('skips zones the device calls broken (-ENOMSG) and fails on a short read', async () => {
    const img = image('oops2-deflate-1m/card.img.gz');
    const dev = new PszMemDevice(img);
    dev.fault = (op, off, len) => (op === 'read' && off === 0 && len === 52 ? -ENOMSG : undefined);
    const r = await psz_read_records(KMSG_ONLY_1M, dev.read);
    expect(r.ok && r.records.map((x) => x.id)).toEqual([1]);
    dev.fault = (op, off) => (op === 'read' && off === 0x10000 ? 3 : undefined);
    expect(await psz_read_records(KMSG_ONLY_1M, dev.read)).toEqual({
      ok: false,
      error: 'pstore_zone: read dmesg with id 1 failed; recover failed (errno 5)',
    });
  });

  it('refuses an area register_pstore_zone would refuse', async () => {
    expect(await psz_read_records({ ...KMSG_ONLY_1M, total_size: (1 << 20) + 512 }, async () => 0)).toEqual({
      ok: false,
      error: 'pstore_zone: total_size must be a multiple of 4096 (errno 22)',
    });
  });
});
