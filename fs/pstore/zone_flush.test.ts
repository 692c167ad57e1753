// The dirty-zone machinery through PstoreZone in a machine: -EBUSY from the device schedules
// the flush worker 500 ms later (on the virtual clock), which retries while flushing fails;
// writes before recovery stay in RAM; a panic dump switches every write to panic_write and
// flushes dirty zones; unregister flushes what is left.
import { describe, expect, it } from 'vitest';
import { EBUSY } from '../../include/linux/errno.h.ts';
import { KMSG_DUMP_OOPS, KMSG_DUMP_PANIC } from '../../include/linux/kmsg_dump.h.ts';
import { PSTORE_TYPE_CONSOLE, PSTORE_TYPE_DMESG, PSTORE_TYPE_FTRACE, PSTORE_TYPE_PMSG } from '../../include/linux/pstore.h.ts';
import { boot_test_machine } from '../../tools/testing/boot.ts';
import { PszMemDevice } from './testing/zone_mem_dev.ts';
import { psz_attach } from './testing/zone_setup.ts';
import { psz_buffer_decode, psz_kmsg_header_decode, psz_sig } from './zone_format.ts';

const MS = 1_000_000;
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null) => new TextDecoder().decode(b ?? new Uint8Array(0));
// 16 KiB: pmsg 1024 @0, console 512 @1024, ftrace 2 x 512 @1536, kmsg 3 x 4096 @2560.
const SIZES = { kmsg_size: 4096, pmsg_size: 1024, console_size: 512, ftrace_size: 1024 };
const CONSOLE = 1024;
const KMSG = [2560, 6656, 10752];

const boot = async (img: Uint8Array, with_: { panic_write?: boolean } = {}) => {
  const m = await boot_test_machine({ cpus: 2 });
  const { core, zone } = psz_attach(m.container);
  const dev = new PszMemDevice(img, () => m.now);
  const info = dev.info(SIZES, with_);
  expect(await m.exec(0, 'insmod', () => zone.register_pstore_zone(info))).toBe(0);
  const run = <T>(fn: () => Promise<T>) => m.exec(0, 'pstore', fn) as Promise<T>;
  const write = (type: number, text: string, fields = {}) => run(() => core.backend.write(core.record(type, enc(text), fields)));
  const dump = (reason: number, text: string, tv_sec: number) => write(PSTORE_TYPE_DMESG, text, { reason, time: { tv_sec, tv_nsec: 0 } });
  const mount = async () => (await run(() => core.read_all())).records;
  return { m, core, zone, dev, info, run, write, dump, mount };
};

describe('-EBUSY and the flush worker', () => {
  it('flushes the dirty zone whole 500 ms after -EBUSY, again every 500 ms while the device stays busy', async () => {
    const img = new Uint8Array(16384);
    const b = await boot(img);
    await b.mount();
    await b.m.run(1000 * MS); // a round time, on a jiffy
    const t0 = b.m.now;
    expect(t0).toBe(1000 * MS);
    b.dev.fault = (op) => (op === 'write' && b.m.now < t0 + 2200 * MS ? -EBUSY : undefined);
    expect(await b.write(PSTORE_TYPE_CONSOLE, 'late console line\n')).toBe(0);
    await b.m.run(t0 + 6000 * MS);
    // -EBUSY inside the worker schedules 500 ms again before the worker's own 1000 ms retry,
    // which then finds the work already pending.
    expect(b.dev.calls('writes').map((c) => [(c.at - t0) / MS, c.off, c.len, c.ret])).toEqual([
      [0, CONSOLE + 12, 18, -EBUSY],
      [500, CONSOLE, 512, -EBUSY],
      [1000, CONSOLE, 512, -EBUSY],
      [1500, CONSOLE, 512, -EBUSY],
      [2000, CONSOLE, 512, -EBUSY],
      [2500, CONSOLE, 512, 512],
    ]);
    // The whole-zone flush: header, the line, 0xFF for the unused rest of the ring.
    expect(psz_buffer_decode(img.subarray(CONSOLE))).toEqual({ sig: psz_sig(PSTORE_TYPE_CONSOLE), datalen: 18, start: 18 });
    expect(dec(img.subarray(CONSOLE + 12, CONSOLE + 30))).toBe('late console line\n');
    expect(img.subarray(CONSOLE + 30, CONSOLE + 512).every((x) => x === 0xff)).toBe(true);
  });

  it('retries every 1000 ms when the flush fails otherwise (a short write)', async () => {
    const b = await boot(new Uint8Array(16384));
    await b.mount();
    await b.m.run(1000 * MS);
    const t0 = b.m.now;
    let n = 0;
    b.dev.fault = (op) => (op !== 'write' ? undefined : n++ === 0 ? -EBUSY : n <= 3 ? 100 : undefined);
    await b.write(PSTORE_TYPE_PMSG, 'pmsg\n');
    await b.m.run(t0 + 6000 * MS);
    expect(b.dev.calls('writes').map((c) => [(c.at - t0) / MS, c.off, c.ret])).toEqual([
      [0, 12, -EBUSY],
      [500, 0, 100],
      [1500, 0, 100],
      [2500, 0, 1024],
    ]);
  });

  it('before recovery ring writes stay in RAM without scheduling anything; recovery does not flush them', async () => {
    const img = new Uint8Array(16384);
    const b = await boot(img);
    await b.write(PSTORE_TYPE_CONSOLE, 'early line\n');
    await b.m.run(b.m.now + 3000 * MS);
    expect(b.dev.calls('writes')).toEqual([]);
    await b.mount();
    await b.m.run(b.m.now + 3000 * MS);
    expect(b.dev.calls('writes')).toEqual([]);
    // The next -EBUSY brings the worker, which writes the zone with both lines.
    b.dev.fault = (op, off, len) => (op === 'write' && len !== 512 ? -EBUSY : undefined);
    await b.write(PSTORE_TYPE_CONSOLE, 'later line\n');
    await b.m.run(b.m.now + 1000 * MS);
    expect(b.dev.calls('writes').map((c) => [c.off, c.len, c.ret])).toEqual([
      [CONSOLE + 12 + 11, 11, -EBUSY],
      [CONSOLE, 512, 512],
    ]);
    expect(dec(img.subarray(CONSOLE + 12, CONSOLE + 34))).toBe('early line\nlater line\n');
  });
});

describe('panic', () => {
  it('a panic dump goes through panic_write, flushes dirty zones with it, and from then on only dmesg is written', async () => {
    const img = new Uint8Array(16384);
    const b = await boot(img, { panic_write: true });
    await b.mount();
    b.dev.fault = (op) => (op === 'write' ? -EBUSY : undefined); // the normal path is unusable
    await b.write(PSTORE_TYPE_CONSOLE, 'before panic\n');
    expect(await b.dump(KMSG_DUMP_PANIC, 'Panic#1 Part1\n', 50)).toBe(0);
    expect(await b.write(PSTORE_TYPE_CONSOLE, 'printed by the panic path\n')).toBe(-EBUSY);
    expect(await b.write(PSTORE_TYPE_PMSG, 'x')).toBe(-EBUSY);
    expect(await b.write(PSTORE_TYPE_FTRACE, 'y'.repeat(24))).toBe(-EBUSY);
    expect(await b.dump(KMSG_DUMP_OOPS, 'Oops#2 Part1\n', 51)).toBe(0);
    await b.m.run(b.m.now + 2000 * MS);
    expect(b.dev.calls('writes').map((c) => [c.op, c.off, c.len, c.ret])).toEqual([
      ['write', CONSOLE + 12, 13, -EBUSY],
      ['panic_write', KMSG[0], 4096, 4096],
      ['panic_write', CONSOLE, 512, 512],
      ['panic_write', KMSG[1], 4096, 4096],
    ]);
    const b2 = await boot(img, { panic_write: true });
    const rs = await b2.mount();
    expect(rs.map((r) => [r.type, dec(r.buf).split('\n')[0]])).toEqual([
      [PSTORE_TYPE_DMESG, 'Panic: Total 1 times'],
      [PSTORE_TYPE_DMESG, 'Oops: Total 1 times'],
      [PSTORE_TYPE_CONSOLE, 'before panic'],
    ]);
  });

  it('without panic_write the panic dump stays in RAM and never reaches the device', async () => {
    const img = new Uint8Array(16384);
    const b = await boot(img);
    await b.mount();
    await b.dump(KMSG_DUMP_PANIC, 'Panic#1 Part1\n', 50);
    await b.m.run(b.m.now + 3000 * MS);
    expect(b.dev.calls('writes')).toEqual([]);
    const b2 = await boot(img);
    expect(await b2.mount()).toEqual([]);
  });
});

describe('unregister_pstore_zone', () => {
  it('unregisters from the core and flushes dirty zones at once, not 500 ms later', async () => {
    const img = new Uint8Array(16384);
    const b = await boot(img);
    await b.mount();
    let busy = true;
    b.dev.fault = (op) => (op === 'write' && busy ? -EBUSY : undefined);
    await b.write(PSTORE_TYPE_CONSOLE, 'line\n');
    busy = false;
    const t = b.m.now;
    await b.run(() => b.zone.unregister_pstore_zone(b.info));
    expect(b.core.psi).toBeNull();
    expect(b.dev.calls('writes').map((c) => [c.at - t, c.off, c.len, c.ret])).toEqual([
      [0, CONSOLE + 12, 5, -EBUSY],
      [0, CONSOLE, 512, 512],
    ]);
    await b.m.run(b.m.now + 2000 * MS);
    expect(b.dev.calls('writes').length).toBe(2);
  });

  it('resets on_panic, recovered and the counters, but (as Linux) not the kmsg write position', async () => {
    const img = new Uint8Array(16384);
    const b = await boot(img, { panic_write: true });
    await b.mount();
    await b.dump(KMSG_DUMP_PANIC, 'Panic#1 Part1\n', 50);
    expect(await b.write(PSTORE_TYPE_CONSOLE, 'refused\n')).toBe(-EBUSY);
    await b.run(() => b.zone.unregister_pstore_zone(b.info));
    expect(await b.run(() => b.zone.register_pstore_zone(b.info))).toBe(0);
    const n = b.dev.calls('writes').length;
    // Not in a panic any more, and not recovered: accepted, kept in RAM.
    expect(await b.write(PSTORE_TYPE_CONSOLE, 'accepted\n')).toBe(0);
    expect(b.dev.calls('writes').length).toBe(n);
    await b.dump(KMSG_DUMP_PANIC, 'Panic#2 Part1\n', 60);
    expect(b.dev.calls('writes').slice(n).map((c) => [c.op, c.off])).toEqual([['panic_write', KMSG[1]]]);
    expect(psz_kmsg_header_decode(img.subarray(KMSG[1]! + 12)).counter).toBe(1);
  });
});
