// Ring zones through PstoreZone in a machine: the exact device writes of a console record that
// wraps, pmsg/console/ftrace (several CPUs, merged by timestamp) recovered after a reboot in
// Linux's read order, and unlink of each ring type (ftrace only CPU 0's zone).
import { describe, expect, it } from 'vitest';
import { PSTORE_TYPE_CONSOLE, PSTORE_TYPE_FTRACE, PSTORE_TYPE_PMSG } from '../../include/linux/pstore.h.ts';
import { boot_test_machine } from '../../tools/testing/boot.ts';
import { PszMemDevice } from './testing/zone_mem_dev.ts';
import { psz_attach } from './testing/zone_setup.ts';
import { psz_buffer_decode, psz_buffer_encode, psz_ring_append, psz_sig } from './zone_format.ts';
import { pstore_ftrace_decode, pstore_ftrace_encode } from './zone_ftrace.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null) => new TextDecoder().decode(b ?? new Uint8Array(0));
// 8 KiB: pmsg 1024 @0, console 512 @1024, ftrace 2 x 512 @1536/@2048, one kmsg zone @2560.
const SIZES = { kmsg_size: 4096, pmsg_size: 1024, console_size: 512, ftrace_size: 1024 };
const CONSOLE = 1024;
const FTRACE = [1536, 2048];

const boot = async (img: Uint8Array) => {
  const m = await boot_test_machine({ cpus: 2 });
  const { core, zone } = psz_attach(m.container);
  const dev = new PszMemDevice(img, () => m.now);
  expect(await m.exec(0, 'insmod', () => zone.register_pstore_zone(dev.info(SIZES)))).toBe(0);
  const run = <T>(fn: () => Promise<T>, cpu = 0) => m.exec(cpu, 'pstore', fn) as Promise<T>;
  const write = (type: number, buf: Uint8Array, cpu = 0) => run(() => core.backend.write(core.record(type, buf)), cpu);
  const mount = async () => (await run(() => core.read_all())).records;
  return { m, core, dev, run, write, mount };
};

const trace = (ts: number, cpu: number) => pstore_ftrace_encode({ ip: 0xffffffff81000000n + BigInt(ts), parent_ip: 0xffffffff82000000n, ts: BigInt(ts), cpu });

describe('ring writes', () => {
  it('a console record that wraps: data to the end, header, the rest at 0, header, then the "full" header', async () => {
    const img = new Uint8Array(8192);
    const b = await boot(img);
    await b.mount();
    await b.write(PSTORE_TYPE_CONSOLE, enc('A'.repeat(300)));
    await b.write(PSTORE_TYPE_CONSOLE, enc('B'.repeat(300)));
    const writes = b.dev.calls('writes').map((c) => (c.len === 12 ? ['hdr', c.off, psz_buffer_decode(c.data!)] : ['data', c.off, c.len]));
    const hdr = (datalen: number, start: number) => ['hdr', CONSOLE, { sig: psz_sig(PSTORE_TYPE_CONSOLE), datalen, start }];
    expect(writes).toEqual([
      ['data', CONSOLE + 12, 300],
      hdr(300, 300),
      ['data', CONSOLE + 12 + 300, 200],
      hdr(500, 300), // written before start moves, datalen = the end of that piece
      ['data', CONSOLE + 12, 100],
      hdr(100, 100), // datalen = end of the last piece, as psz_zone_write sets it
      hdr(500, 100), // then the ring is full
    ]);
    // The device holds what the pure ring arithmetic says.
    const ring = new Uint8Array(512).fill(0xff);
    psz_buffer_encode({ sig: psz_sig(PSTORE_TYPE_CONSOLE), datalen: 0, start: 0 }, ring);
    psz_ring_append(ring, enc('A'.repeat(300)));
    psz_ring_append(ring, enc('B'.repeat(300)));
    expect(img.subarray(CONSOLE, CONSOLE + 512)).toEqual(ring);
  });

  it('pmsg, console and ftrace from two CPUs come back after a reboot: ftrace merged, then pmsg, then console', async () => {
    const img = new Uint8Array(8192);
    const b1 = await boot(img);
    expect(await b1.mount()).toEqual([]);
    await b1.write(PSTORE_TYPE_PMSG, enc('Testing pstore: uuid=42\n'));
    const lines = Array.from({ length: 30 }, (_, i) => `[${String(i).padStart(3, '0')}] console line\n`);
    for (const l of lines) await b1.write(PSTORE_TYPE_CONSOLE, enc(l));
    for (const ts of [1, 3, 5]) await b1.write(PSTORE_TYPE_FTRACE, trace(ts, 0), 0);
    // 21 records on CPU 1 overflow its 500-byte ring: the oldest is cut and skipped on read.
    for (let i = 1; i <= 21; i++) await b1.write(PSTORE_TYPE_FTRACE, trace(2 * i, 1), 1);
    expect(b1.dev.calls('writes').filter((c) => c.off >= FTRACE[1]! && c.off < FTRACE[1]! + 512).length).toBeGreaterThan(0);

    const b2 = await boot(img);
    const rs = await b2.mount();
    expect(rs.map((r) => [r.type, r.id])).toEqual([
      [PSTORE_TYPE_FTRACE, 0],
      [PSTORE_TYPE_PMSG, 0],
      [PSTORE_TYPE_CONSOLE, 0],
    ]);
    const ft = rs[0]!.buf!;
    expect(rs[0]!.size).toBe(ft.length);
    const recs = Array.from({ length: ft.length / 24 }, (_, i) => pstore_ftrace_decode(ft.subarray(i * 24)));
    expect(recs.map((r) => [Number(r.ts), r.cpu])).toEqual([
      [1, 0],
      [3, 0],
      [4, 1],
      [5, 0],
      ...Array.from({ length: 19 }, (_, i) => [6 + 2 * i, 1]),
    ]);
    expect(recs[0]!.ip).toBe(0xffffffff81000001n);
    expect(dec(rs[1]!.buf)).toBe('Testing pstore: uuid=42\n');
    // The console ring keeps the newest 500 bytes, oldest first.
    expect(dec(rs[2]!.buf)).toBe(lines.join('').slice(-500));
    // A third boot reads the same: reading changes nothing on the device.
    const b3 = await boot(img);
    const again = await b3.mount();
    expect(again.map((r) => r.buf)).toEqual(rs.map((r) => r.buf));
    expect(b2.dev.calls('writes')).toEqual([]);
  });
});

describe('unlink of ring records', () => {
  const prepare = async () => {
    const img = new Uint8Array(8192);
    const b1 = await boot(img);
    await b1.mount();
    await b1.write(PSTORE_TYPE_PMSG, enc('old pmsg\n'));
    await b1.write(PSTORE_TYPE_CONSOLE, enc('old console\n'));
    await b1.write(PSTORE_TYPE_FTRACE, trace(1, 0), 0);
    await b1.write(PSTORE_TYPE_FTRACE, trace(2, 1), 1);
    return img;
  };

  it('pmsg untouched this boot: the empty live header is written; the record is gone after a reboot', async () => {
    const img = await prepare();
    const b = await boot(img);
    const rs = await b.mount();
    const pmsg = rs.find((r) => r.type === PSTORE_TYPE_PMSG)!;
    expect(await b.run(() => b.core.backend.erase!(pmsg))).toBe(0);
    expect(b.dev.calls('writes').map((c) => [c.off, psz_buffer_decode(c.data!)])).toEqual([[0, { sig: psz_sig(PSTORE_TYPE_PMSG), datalen: 0, start: 0 }]]);
    // Erasing again does nothing: the old content is gone from memory.
    expect(await b.run(() => b.core.backend.erase!(pmsg))).toBe(0);
    expect(b.dev.calls('writes').length).toBe(1);
    const b2 = await boot(img);
    expect((await b2.mount()).map((r) => r.type)).toEqual([PSTORE_TYPE_FTRACE, PSTORE_TYPE_CONSOLE]);
  });

  it('console written this boot: nothing is written, this boot\'s data already replaced the old', async () => {
    const img = await prepare();
    const b = await boot(img);
    const rs = await b.mount();
    await b.write(PSTORE_TYPE_CONSOLE, enc('new\n'));
    const n = b.dev.calls('writes').length;
    await b.run(() => b.core.backend.erase!(rs.find((r) => r.type === PSTORE_TYPE_CONSOLE)!));
    expect(b.dev.calls('writes').length).toBe(n);
    const b2 = await boot(img);
    expect(dec((await b2.mount()).find((r) => r.type === PSTORE_TYPE_CONSOLE)!.buf)).toBe('new\n');
  });

  it('ftrace: only CPU 0\'s zone is erased; CPU 1\'s records come back on the next boot', async () => {
    const img = await prepare();
    const b = await boot(img);
    const ft = (await b.mount()).find((r) => r.type === PSTORE_TYPE_FTRACE)!;
    expect(ft.size).toBe(48);
    await b.run(() => b.core.backend.erase!(ft));
    expect(b.dev.calls('writes').map((c) => [c.off, c.len])).toEqual([[FTRACE[0], 12]]);
    const b2 = await boot(img);
    const left = (await b2.mount()).find((r) => r.type === PSTORE_TYPE_FTRACE)!;
    expect(pstore_ftrace_decode(left.buf!)).toMatchObject({ ts: 2n, cpu: 1 });
    expect(left.size).toBe(24);
  });
});
