// PstoreZone in a booted machine over an in-memory device: registration (log line, backend,
// refusals), kmsg records through write/read/erase and across reboots, the per-reason
// counters, and unlink against the image Linux 6.1 left after unlinking.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EBUSY, EINVAL, ENOSPC } from '../../include/linux/errno.h.ts';
import { KMSG_DUMP_EMERG, KMSG_DUMP_OOPS, KMSG_DUMP_PANIC } from '../../include/linux/kmsg_dump.h.ts';
import { PSTORE_TYPE_DMESG, type pstore_record } from '../../include/linux/pstore.h.ts';
import type { pstore_zone_info } from '../../include/linux/pstore_zone.h.ts';
import { boot_test_machine } from '../../tools/testing/boot.ts';
import { PszMemDevice, type psz_mem_sizes } from './testing/zone_mem_dev.ts';
import { psz_attach } from './testing/zone_setup.ts';
import { psz_buffer_decode, psz_kmsg_header_decode } from './zone_format.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null) => new TextDecoder().decode(b ?? new Uint8Array(0));
const image = (p: string) => new Uint8Array(gunzipSync(readFileSync(new URL(`./testdata/${p}`, import.meta.url))));
/** Offset of the first byte where @a and @b differ, or -1 (toEqual is slow on a MiB). */
const first_diff = (a: Uint8Array, b: Uint8Array): number => {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
};

/** Boot a machine and register a PstoreZone over @img; one call is one boot. */
const boot = async (img: Uint8Array, sizes: psz_mem_sizes = { kmsg_size: 64 * KiB }, with_: { panic_write?: boolean; erase?: boolean } = {}, cpus = 2) => {
  const m = await boot_test_machine({ cpus });
  const { core, zone } = psz_attach(m.container);
  const dev = new PszMemDevice(img, () => m.now);
  const info = dev.info(sizes, with_);
  const ret = await m.exec(0, 'insmod', () => zone.register_pstore_zone(info));
  const run = <T>(fn: () => Promise<T>, cpu = 0) => m.exec(cpu, 'pstore', fn) as Promise<T>;
  return { m, core, zone, dev, info, ret, run };
};

const dmesg_record = (core: { record: (t: number, b: Uint8Array, f?: Partial<pstore_record>) => pstore_record }, reason: number, text: string, tv_sec: number, extra: Partial<pstore_record> = {}) =>
  core.record(PSTORE_TYPE_DMESG, enc(text), { reason, time: { tv_sec, tv_nsec: 123456789 }, ...extra });

describe('register_pstore_zone', () => {
  it('registers a backend named after the device, bufsize = kmsg_size - 52, flags per size, and logs it', async () => {
    const { m, core, ret } = await boot(new Uint8Array(MiB), { kmsg_size: 64 * KiB, pmsg_size: 64 * KiB, console_size: 64 * KiB, ftrace_size: 64 * KiB }, { panic_write: true }, 4);
    expect(ret).toBe(0);
    const psi = core.backend;
    expect([psi.name, psi.bufsize, psi.buf.length, psi.flags, psi.max_reason]).toEqual(['pstore_blk', 65484, 65484, 0b1111, 2]);
    expect(m.dmesg()).toContain('pstore_zone: registered pstore_blk as backend for kmsg(Oops,panic_write) pmsg console ftrace\n');
  });

  it('names only what is enabled; the reason is kmsg_dump_reason_str(max_reason)', async () => {
    const { m, core } = await boot(new Uint8Array(MiB), { kmsg_size: 64 * KiB, max_reason: 1 });
    expect(core.backend.flags).toBe(1);
    expect(m.dmesg()).toContain('pstore_zone: registered pstore_blk as backend for kmsg(Panic)\n');
    const { m: m2, core: c2 } = await boot(new Uint8Array(MiB), { kmsg_size: 0, console_size: 4 * KiB });
    expect([c2.backend.flags, c2.backend.bufsize]).toEqual([2, 0]);
    expect(m2.dmesg()).toContain('pstore_zone: registered pstore_blk as backend for console\n');
  });

  it('refuses bad sizes with Linux\'s message and errno, and a second user with -EBUSY', async () => {
    const { m, zone, dev, run } = await boot(new Uint8Array(MiB), { kmsg_size: 1000 });
    expect(m.dmesg()).toContain('pstore_zone: kmsg_size must be a multiple of 512\n');
    const good = dev.info({ kmsg_size: 64 * KiB });
    expect(await run(() => zone.register_pstore_zone(good))).toBe(0);
    const other: pstore_zone_info = { ...dev.info({ kmsg_size: 64 * KiB }), name: 'other' };
    expect(await run(() => zone.register_pstore_zone(other))).toBe(-EBUSY);
    expect(m.dmesg()).toContain("pstore_zone: 'pstore_blk' already loaded: ignoring 'other'\n");
    const noread = { ...good, read: undefined } as unknown as pstore_zone_info;
    expect(await run(() => zone.register_pstore_zone(noread))).toBe(-EINVAL);
    expect(m.dmesg()).toContain('pstore_zone: no valid general read/write interface\n');
  });

  it('"no room" is -ENOMEM followed by "alloc zones failed"; nothing stays registered', async () => {
    const { m, ret, core } = await boot(new Uint8Array(8192), { kmsg_size: 4096, pmsg_size: 4096, console_size: 8192 });
    expect(ret).toBe(-12);
    expect(m.dmesg()).toMatch(/pstore_zone: no room for console \(0x2000@0x1000 over 0x2000\)\n.*pstore_zone: alloc zones failed\n/);
    expect(core.psi).toBeNull();
  });

  it('caps total_size at 128 MiB in the caller\'s info, with a warning', async () => {
    const m = await boot_test_machine();
    const { zone } = psz_attach(m.container);
    const info = new PszMemDevice(new Uint8Array(0)).info({ kmsg_size: 64 * MiB });
    info.total_size = 256 * MiB;
    expect(await m.exec(0, 'insmod', () => zone.register_pstore_zone(info))).toBe(0);
    expect(info.total_size).toBe(128 * MiB);
    expect(m.dmesg()).toContain('pstore_zone: capping size to 128MiB\n');
  });
});

describe('kmsg records', () => {
  it('round trip: written whole to the next zone, read back with the Total line or raw when compressed, and again after a reboot', async () => {
    const img = new Uint8Array(MiB);
    const b1 = await boot(img);
    expect((await b1.run(() => b1.core.read_all())).records).toEqual([]); // mount: recovery
    const psi = b1.core.backend;
    const oops = 'Oops#1 Part1\n<4>[   12.345678] BUG: kernel NULL pointer dereference\n';
    const blob = Uint8Array.from({ length: 3000 }, (_, i) => (i * 37) & 0xff);
    const rets = await b1.run(async () => [
      await psi.write(dmesg_record(b1.core, KMSG_DUMP_OOPS, oops, 1000)),
      await psi.write(b1.core.record(PSTORE_TYPE_DMESG, blob, { reason: KMSG_DUMP_OOPS, compressed: true, time: { tv_sec: 1001, tv_nsec: 5 } })),
      // Only part 1 of a dump is taken.
      await psi.write(dmesg_record(b1.core, KMSG_DUMP_OOPS, 'Oops#2 Part2\n', 1002, { part: 2 })),
    ]);
    expect(rets).toEqual([0, 0, -ENOSPC]);
    // Each record is one whole-zone write.
    expect(b1.dev.calls('writes').map((c) => [c.op, c.off, c.len])).toEqual([
      ['write', 0, 0x10000],
      ['write', 0x10000, 0x10000],
    ]);
    expect(psz_buffer_decode(img)).toEqual({ sig: 0x43474244, datalen: 40 + oops.length, start: 0 });
    expect(psz_kmsg_header_decode(img.subarray(12))).toEqual({ magic: 0x4dfc3ae5, time: { tv_sec: 1000, tv_nsec: 123456789 }, compressed: false, counter: 1, reason: 2 });
    // Past the payload the zone is zero (a fresh kzalloc'd buffer), to its end.
    expect(img.subarray(52 + oops.length, 0x10000).every((b) => b === 0)).toBe(true);

    const summary = (rs: pstore_record[]) => rs.map((r) => [r.type, r.id, r.count, r.reason, r.compressed, r.time.tv_sec, r.time.tv_nsec, r.size]);
    const same_boot = (await b1.run(() => b1.core.read_all())).records;
    const b2 = await boot(img);
    const after = (await b2.run(() => b2.core.read_all())).records;
    for (const rs of [same_boot, after]) {
      expect(summary(rs)).toEqual([
        [PSTORE_TYPE_DMESG, 0, 1, KMSG_DUMP_OOPS, false, 1000, 123456789, 20 + oops.length],
        [PSTORE_TYPE_DMESG, 1, 2, KMSG_DUMP_OOPS, true, 1001, 5, 3000],
      ]);
      expect(dec(rs[0]!.buf)).toBe(`Oops: Total 1 times\n${oops}`);
      expect(rs[1]!.buf).toEqual(blob);
    }
  });

  it('a record larger than bufsize keeps its first 65484 bytes; reasons other than Oops/Panic get counter 0', async () => {
    const img = new Uint8Array(MiB);
    const b = await boot(img);
    await b.run(() => b.core.read_all());
    const big = Uint8Array.from({ length: 70000 }, (_, i) => 65 + (i % 26));
    await b.run(() => b.core.backend.write(b.core.record(PSTORE_TYPE_DMESG, big, { reason: KMSG_DUMP_EMERG })));
    const [r] = (await b.run(() => b.core.read_all())).records;
    expect(r!.size).toBe('Emergency: Total 0 times\n'.length + 65484);
    expect(dec(r!.buf).startsWith('Emergency: Total 0 times\nABC')).toBe(true);
    expect(r!.buf!.subarray(25)).toEqual(big.subarray(0, 65484));
    expect(psz_kmsg_header_decode(img.subarray(12)).counter).toBe(0);
  });

  it('counters evolve per reason across boots, as the area remembers them', async () => {
    const img = new Uint8Array(MiB);
    const boot_and_dump = async (dumps: Array<[number, number]>) => {
      const b = await boot(img, { kmsg_size: 64 * KiB }, { panic_write: true });
      await b.run(() => b.core.read_all());
      for (const [reason, t] of dumps) await b.run(() => b.core.backend.write(dmesg_record(b.core, reason, `dump at ${t}\n`, t)));
      return b;
    };
    await boot_and_dump([[KMSG_DUMP_PANIC, 100]]);
    await boot_and_dump([
      [KMSG_DUMP_OOPS, 200],
      [KMSG_DUMP_PANIC, 201],
    ]);
    const b3 = await boot_and_dump([[KMSG_DUMP_PANIC, 300]]);
    // The panic dumps went through panic_write, the Oops before them through write.
    expect(b3.dev.calls('writes').map((c) => c.op)).toEqual(['panic_write']);
    const b4 = await boot(img);
    const rs = (await b4.run(() => b4.core.read_all())).records;
    expect(rs.map((r) => [r.id, dec(r.buf).split('\n')[0], r.count])).toEqual([
      [0, 'Panic: Total 1 times', 1],
      [1, 'Oops: Total 1 times', 1],
      [2, 'Panic: Total 2 times', 2],
      [3, 'Panic: Total 3 times', 3],
    ]);
  });

  it('without a read this boot (no recovery) a panic dump lands in zone 0 with counter 1', async () => {
    const img = new Uint8Array(MiB);
    const b1 = await boot(img, { kmsg_size: 64 * KiB }, { panic_write: true });
    await b1.run(() => b1.core.read_all());
    for (const t of [10, 20]) await b1.run(() => b1.core.backend.write(dmesg_record(b1.core, KMSG_DUMP_PANIC, `p${t}\n`, t)));
    const b2 = await boot(img, { kmsg_size: 64 * KiB }, { panic_write: true });
    await b2.run(() => b2.core.backend.write(dmesg_record(b2.core, KMSG_DUMP_PANIC, 'unmounted\n', 30)));
    expect(b2.dev.calls('writes').map((c) => [c.op, c.off])).toEqual([['panic_write', 0]]);
    expect(psz_kmsg_header_decode(img.subarray(12)).counter).toBe(1);
  });

  it('a failed write leaves the record dirty in memory and still advances; -ENOMSG tries the next zone', async () => {
    const img = new Uint8Array(MiB);
    const b = await boot(img);
    await b.run(() => b.core.read_all());
    // Zone 0 refuses (-ENOMSG), zone 1 takes it.
    b.dev.fault = (op, off) => (op === 'write' && off === 0 ? -42 : undefined);
    await b.run(() => b.core.backend.write(dmesg_record(b.core, KMSG_DUMP_OOPS, 'one\n', 1)));
    expect(b.dev.calls('writes').map((c) => [c.off, c.ret])).toEqual([
      [0, -42],
      [0x10000, 0x10000],
    ]);
    // Each try took the next counter value, as Linux's does.
    expect(psz_kmsg_header_decode(img.subarray(0x10000 + 12)).counter).toBe(2);
    const rs = (await b.run(() => b.core.read_all())).records;
    expect(rs.map((r) => r.id)).toEqual([1]);
  });
});

describe('unlink', () => {
  it('erasing Linux\'s two records writes only their 12-byte headers with datalen 0: the image Linux left', async () => {
    const img = image('oops2-deflate-1m/card.img.gz');
    const b = await boot(img);
    const { records } = await b.run(() => b.core.read_all());
    expect(records.map((r) => [r.id, r.count])).toEqual([
      [0, 1],
      [1, 2],
    ]);
    const rets = await b.run(async () => [await b.core.backend.erase!(records[0]!), await b.core.backend.erase!(records[1]!)]);
    expect(rets).toEqual([0, 0]);
    expect(b.dev.calls('writes').map((c) => [c.op, c.off, c.len])).toEqual([
      ['write', 0, 12],
      ['write', 0x10000, 12],
    ]);
    expect(first_diff(img, image('oops2-deflate-1m/card-erased.img.gz'))).toBe(-1);
    expect((await b.run(() => b.core.read_all())).records).toEqual([]);
  });

  it('does nothing when the zone holds a newer record (counter differs) or is already empty', async () => {
    const img = image('oops2-deflate-1m/card.img.gz');
    const b = await boot(img);
    const { records } = await b.run(() => b.core.read_all());
    const stale = { ...records[0]!, count: 7 };
    expect(await b.run(() => b.core.backend.erase!(stale))).toBe(0);
    expect(await b.run(() => b.core.backend.erase!(records[0]!))).toBe(0);
    expect(await b.run(() => b.core.backend.erase!(records[0]!))).toBe(0);
    expect(b.dev.calls('writes').length).toBe(1);
    expect(await b.run(() => b.core.backend.erase!({ ...records[0]!, id: 16 }))).toBe(-EINVAL);
  });

  it('uses the device\'s erase when it has one: header and data of the record', async () => {
    const img = image('oops2-deflate-1m/card.img.gz');
    const b = await boot(img, { kmsg_size: 64 * KiB }, { erase: true });
    const { records } = await b.run(() => b.core.read_all());
    await b.run(() => b.core.backend.erase!(records[1]!));
    expect(b.dev.calls().filter((c) => c.op !== 'read').map((c) => [c.op, c.off, c.len])).toEqual([['erase', 0x10000, 12 + 12507]]);
  });
});
