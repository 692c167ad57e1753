// Recovery through PstoreZone in a machine, on crafted areas: the write position after the
// newest zone (seconds only, ties to the higher index, erased zones counted), per-reason
// counters, zones skipped for a wrong signature, an overtop datalen or a bad magic, failed
// reads, and a zone dumped before recovery (whose move Linux's own write gate refuses).
import { describe, expect, it } from 'vitest';
import { EBUSY, EINVAL, EIO } from '../../include/linux/errno.h.ts';
import { KMSG_DUMP_OOPS, KMSG_DUMP_PANIC } from '../../include/linux/kmsg_dump.h.ts';
import { PSTORE_TYPE_CONSOLE, PSTORE_TYPE_DMESG, PSTORE_TYPE_PMSG } from '../../include/linux/pstore.h.ts';
import { boot_test_machine } from '../../tools/testing/boot.ts';
import { PszMemDevice, type psz_mem_sizes } from './testing/zone_mem_dev.ts';
import { psz_attach } from './testing/zone_setup.ts';
import { PSTORE_KMSG_HEADER_MAGIC, psz_buffer_encode, psz_kmsg_header_decode, psz_kmsg_header_encode, psz_sig } from './zone_format.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const Z = 0x10000;
const enc = (s: string) => new TextEncoder().encode(s);

interface crafted {
  zone: number;
  reason?: number;
  counter?: number;
  tv_sec?: number;
  tv_nsec?: number;
  datalen?: number;
  sig?: number;
  magic?: number;
  text?: string;
}
/** A 1 MiB area of 16 kmsg zones with the given zones filled in. */
const craft = (zones: crafted[]): Uint8Array => {
  const img = new Uint8Array(MiB);
  for (const c of zones) {
    const at = c.zone * Z;
    const text = enc(c.text ?? `record in zone ${c.zone}\n`);
    psz_buffer_encode({ sig: c.sig ?? psz_sig(PSTORE_TYPE_DMESG), datalen: c.datalen ?? 40 + text.length, start: 0 }, img.subarray(at));
    psz_kmsg_header_encode(
      { magic: c.magic ?? PSTORE_KMSG_HEADER_MAGIC, time: { tv_sec: c.tv_sec ?? 0, tv_nsec: c.tv_nsec ?? 0 }, compressed: false, counter: c.counter ?? 0, reason: c.reason ?? KMSG_DUMP_OOPS },
      img.subarray(at + 12),
    );
    img.set(text, at + 52);
  }
  return img;
};

const boot = async (img: Uint8Array, sizes: psz_mem_sizes = { kmsg_size: 64 * KiB }) => {
  const m = await boot_test_machine({ cpus: 2 });
  const { core, zone } = psz_attach(m.container);
  const dev = new PszMemDevice(img, () => m.now);
  expect(await m.exec(0, 'insmod', () => zone.register_pstore_zone(dev.info(sizes, { panic_write: true })))).toBe(0);
  const run = <T>(fn: () => Promise<T>) => m.exec(0, 'pstore', fn) as Promise<T>;
  const dump = (reason: number, tv_sec: number) =>
    run(() => core.backend.write(core.record(PSTORE_TYPE_DMESG, enc(`dump ${tv_sec}\n`), { reason, time: { tv_sec, tv_nsec: 0 } })));
  return { m, core, dev, run, dump, mount: () => run(() => core.read_all()) };
};

const header_at = (img: Uint8Array, zone: number) => psz_kmsg_header_decode(img.subarray(zone * Z + 12));

describe('kmsg recovery', () => {
  it('writes next after the newest zone (seconds only, ties to the higher index) and continues each reason\'s largest counter', async () => {
    const img = craft([
      { zone: 3, reason: KMSG_DUMP_OOPS, counter: 7, tv_sec: 500 },
      { zone: 5, reason: KMSG_DUMP_PANIC, counter: 4, tv_sec: 900, tv_nsec: 900_000_000 },
      { zone: 8, reason: KMSG_DUMP_OOPS, counter: 9, tv_sec: 900, tv_nsec: 100_000_000 },
      // Erased, older: its counter still counts.
      { zone: 12, reason: KMSG_DUMP_PANIC, counter: 6, tv_sec: 100, datalen: 0 },
    ]);
    const b = await boot(img);
    const { records } = await b.mount();
    expect(records.map((r) => [r.id, r.count, r.time.tv_sec])).toEqual([
      [3, 7, 500],
      [5, 4, 900],
      [8, 9, 900],
    ]);
    await b.dump(KMSG_DUMP_OOPS, 1000);
    await b.dump(KMSG_DUMP_PANIC, 1001);
    expect(b.dev.calls('writes').map((c) => [c.op, c.off / Z])).toEqual([
      ['write', 9],
      ['panic_write', 10],
    ]);
    expect([header_at(img, 9).counter, header_at(img, 10).counter]).toEqual([10, 7]);
  });

  it('an erased zone that is the newest moves the write position too', async () => {
    const img = craft([
      { zone: 2, counter: 1, tv_sec: 50 },
      { zone: 6, counter: 2, tv_sec: 60, datalen: 0 },
    ]);
    const b = await boot(img);
    expect((await b.mount()).records.map((r) => r.id)).toEqual([2]);
    await b.dump(KMSG_DUMP_OOPS, 70);
    expect(b.dev.calls('writes').map((c) => c.off / Z)).toEqual([7]);
    expect(header_at(img, 7).counter).toBe(3);
  });

  it('skips a wrong signature, an overtop datalen and a bad magic; the others recover and decide alone', async () => {
    const img = craft([
      { zone: 0, counter: 1, tv_sec: 10 },
      { zone: 1, counter: 50, tv_sec: 99, sig: psz_sig(PSTORE_TYPE_CONSOLE) },
      { zone: 2, counter: 60, tv_sec: 99, datalen: 65525 },
      { zone: 3, counter: 70, tv_sec: 99, magic: 0x4dfc3ae6 },
      { zone: 4, counter: 2, tv_sec: 20 },
      { zone: 5, counter: 80, tv_sec: 99, datalen: -1 },
    ]);
    const b = await boot(img);
    expect((await b.mount()).records.map((r) => [r.id, r.count])).toEqual([
      [0, 1],
      [4, 2],
    ]);
    const log = b.m.dmesg();
    expect(log).toContain('pstore_zone: found overtop zone: dmesg: id 2, off 131072, size 65524\n');
    expect(log).toContain('pstore_zone: found invalid zone: dmesg: id 3, off 196608, size 65524\n');
    expect(log).toContain('pstore_zone: found overtop zone: dmesg: id 5, off 327680, size 65524\n');
    await b.dump(KMSG_DUMP_OOPS, 30);
    expect(b.dev.calls('writes').map((c) => c.off / Z)).toEqual([5]);
    expect(header_at(img, 5).counter).toBe(3);
  });

  it('a short read fails recovery ("recover failed"), leaves it undone, and the next read tries again', async () => {
    const img = craft([{ zone: 1, counter: 1, tv_sec: 1 }]);
    const b = await boot(img);
    b.dev.fault = (op, off, len) => (op === 'read' && off === Z && len === 52 ? 10 : undefined);
    expect(await b.mount()).toEqual({ records: [], last: -EIO });
    expect(b.m.dmesg()).toMatch(/pstore_zone: read dmesg with id 1 failed\n.*pstore_zone: recover failed\n/);
    b.dev.fault = (op, off, len) => (op === 'read' && off === Z && len === Z ? -EINVAL : undefined);
    expect((await b.mount()).last).toBe(-EINVAL);
    b.dev.fault = null;
    expect((await b.mount()).records.map((r) => r.id)).toEqual([1]);
  });

  it('a zone dumped before recovery: the move goes through the write gate, which refuses it until recovery is done', async () => {
    // Linux's psz_move_zone writes with psz_zone_write, which skips the device while
    // !recovered (outside a panic): the move fails with -EBUSY and so does every recovery
    // of this boot. The dump stays in RAM only. (research §5 describes the move as done.)
    const img = craft([
      { zone: 0, counter: 1, tv_sec: 1 },
      { zone: 1, counter: 2, tv_sec: 2 },
    ]);
    const before = img.slice();
    const b = await boot(img);
    await b.dump(KMSG_DUMP_OOPS, 3);
    expect(b.dev.calls('writes')).toEqual([]);
    for (let i = 0; i < 2; i++) expect(await b.mount()).toEqual({ records: [], last: -EBUSY });
    expect(b.m.dmesg()).toMatch(/pstore_zone: move zone from 0 to 2 failed\n.*pstore_zone: recover failed\n/);
    expect(b.dev.calls('writes')).toEqual([]);
    expect(Buffer.compare(img, before)).toBe(0);
    // The next boot recovers the area as it was.
    const b2 = await boot(img);
    expect((await b2.mount()).records.map((r) => r.count)).toEqual([1, 2]);
  });
});

describe('ring zone recovery', () => {
  // 8 KiB: pmsg 1024 @0, console 512 @1024, one kmsg zone @1536.
  const SIZES = { kmsg_size: 4096, pmsg_size: 1024, console_size: 512 };
  const ring = (img: Uint8Array, off: number, type: number, datalen: number, start: number, sig = psz_sig(type)) =>
    psz_buffer_encode({ sig, datalen, start }, img.subarray(off));

  it('no old content for another signature, datalen 0, or datalen/start over buffer_size ("found overtop zone")', async () => {
    for (const [pmsg, console, overtop] of [
      [[0, 0], [600, 0], true],
      [[5, 5], [5, 501], true],
      [[0, 0], [5, 0, psz_sig(PSTORE_TYPE_PMSG)], false],
    ] as Array<[[number, number], [number, number, number?], boolean]>) {
      const img = new Uint8Array(8192);
      ring(img, 0, PSTORE_TYPE_PMSG, ...pmsg);
      ring(img, 1024, PSTORE_TYPE_CONSOLE, ...console);
      img.set(enc('pmsg!'), 12);
      const b = await boot(img, SIZES);
      const rs = (await b.mount()).records;
      expect(rs.map((r) => r.type)).toEqual(pmsg[0] ? [PSTORE_TYPE_PMSG] : []);
      expect(b.m.dmesg().includes('pstore_zone: found overtop zone: console: off 1024, size 500\n')).toBe(overtop);
    }
  });

  it('reads old content as [start, datalen) then [0, start)', async () => {
    const img = new Uint8Array(8192);
    ring(img, 1024, PSTORE_TYPE_CONSOLE, 500, 3);
    img.set(enc('xyz'), 1024 + 12);
    img.fill(0x61, 1024 + 15, 1024 + 512);
    const b = await boot(img, SIZES);
    const rs = (await b.mount()).records;
    expect(new TextDecoder().decode(rs[0]!.buf!)).toBe('a'.repeat(497) + 'xyz');
    expect(b.dev.calls('read').filter((c) => c.off >= 1024 && c.off < 1536).map((c) => [c.off, c.len])).toEqual([
      [1024, 12],
      [1024 + 12 + 3, 497],
      [1024 + 12, 3],
    ]);
  });

  it('start beyond datalen (a length Linux would pass negative) fails recovery with -EINVAL', async () => {
    const img = new Uint8Array(8192);
    ring(img, 1024, PSTORE_TYPE_CONSOLE, 10, 20);
    const b = await boot(img, SIZES);
    expect((await b.mount()).last).toBe(-EINVAL);
  });
});
