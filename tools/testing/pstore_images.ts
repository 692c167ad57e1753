// SPDX-License-Identifier: GPL-2.0
// Valid pstore/zone areas to start fuzzing from: one written here by the live pstore/zone
// module (every zone type: compressed and plain dmesg, wrapped pmsg and console rings, ftrace
// from two CPUs) and the ones a real Linux 6.1 wrote (fs/pstore/testdata, from shared/vectors).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { KMSG_DUMP_OOPS, KMSG_DUMP_PANIC } from '../../include/linux/kmsg_dump.h.ts';
import { PSTORE_TYPE_CONSOLE, PSTORE_TYPE_DMESG, PSTORE_TYPE_FTRACE, PSTORE_TYPE_PMSG } from '../../include/linux/pstore.h.ts';
import { pstore_compressor } from '../../fs/pstore/compress.ts';
import { PszMemDevice } from '../../fs/pstore/testing/zone_mem_dev.ts';
import { psz_attach } from '../../fs/pstore/testing/zone_setup.ts';
import { PSZ_BUFFER_HDR_SIZE, PSZ_KMSG_HDR_SIZE } from '../../fs/pstore/zone_format.ts';
import { pstore_ftrace_encode } from '../../fs/pstore/zone_ftrace.ts';
import type { psz_layout_params } from '../../fs/pstore/zone_layout.ts';
import { boot_test_machine } from './boot.ts';

export interface pstore_image {
  readonly name: string;
  readonly image: Uint8Array;
  /** The area's layout parameters, in bytes; total_size is the image's length. */
  readonly params: psz_layout_params;
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Kernel-log-like text: varied enough that deflate has work to do. */
const klog = (lines: number, seed: number): Uint8Array =>
  enc(Array.from({ length: lines }, (_, i) => `<4>[${(seed + i * 0.013).toFixed(6).padStart(12)}] cpu${i % 2}: task ${(i * 7919 + seed) % 4093} state ${i % 5} rip 0x${((i + seed) * 2654435761 >>> 0).toString(16)}\n`).join(''));

/** 64 KiB: pmsg 4 KiB, console 4 KiB, ftrace 2 x 4 KiB, six 8 KiB kmsg zones (as pstore_blk sizes them). */
export const WRITTEN_PARAMS: psz_layout_params = { total_size: 64 << 10, kmsg_size: 8 << 10, pmsg_size: 4 << 10, console_size: 4 << 10, ftrace_size: 8 << 10, nr_cpus: 2 };

/**
 * written_image() - an area holding every kind of record, written through PstoreZone on a
 * test machine: Oops #1 deflated with 6.1's window, Oops #2 with 6.6's, Oops #3 uncompressed,
 * a Panic last (after it only dmesg is taken), pmsg and console rings that wrapped, ftrace
 * from both CPUs.
 */
export async function written_image(): Promise<pstore_image> {
  const p = WRITTEN_PARAMS;
  const image = new Uint8Array(p.total_size);
  const m = await boot_test_machine({ cpus: 2 });
  const { core, zone } = psz_attach(m.container);
  const dev = new PszMemDevice(image, () => m.now);
  const run = <T>(cpu: number, fn: () => Promise<T>): Promise<T> => m.exec(cpu, 'pstore', fn) as Promise<T>;
  const ret = await run(0, () => zone.register_pstore_zone(dev.info(p, { panic_write: true })));
  if (ret) throw new Error(`register_pstore_zone: ${ret}`);
  await run(0, () => core.read_all()); // recovery: from here on the device takes writes
  const bufsize = p.kmsg_size - PSZ_BUFFER_HDR_SIZE - PSZ_KMSG_HDR_SIZE;
  const dmesg = (buf: Uint8Array, reason: number, compressed: boolean, sec: number) =>
    run(1, () => core.backend.write(core.record(PSTORE_TYPE_DMESG, buf, { reason, compressed, time: { tv_sec: sec, tv_nsec: 123456789 } })));
  // As much log as the profile captures for one dump, so that it inflates back within its limit.
  const deflated = (profile: '6.1' | '6.6', seed: number): Uint8Array => {
    const c = pstore_compressor(profile);
    const log = klog(1000, seed);
    const z = c.compress(log.subarray(0, log.lastIndexOf(10, c.capture_size(bufsize) - 1) + 1), bufsize);
    if (!z) throw new Error(`${profile}: the log does not deflate into ${bufsize} bytes`);
    return z;
  };
  await dmesg(deflated('6.1', 1), KMSG_DUMP_OOPS, true, 1700000001);
  await dmesg(deflated('6.6', 2), KMSG_DUMP_OOPS, true, 1700000002);
  await dmesg(klog(40, 3), KMSG_DUMP_OOPS, false, 1700000003);
  for (let i = 0; i < 12; i++) await run(0, () => core.backend.write(core.record(PSTORE_TYPE_PMSG, enc(`pmsg ${i}: ${'u'.repeat(300 + i)}\n`))));
  for (let i = 0; i < 90; i++) await run(i % 2, () => core.backend.write(core.record(PSTORE_TYPE_CONSOLE, enc(`[${i}] console line ${'c'.repeat(i % 40)}\n`))));
  for (let i = 0; i < 200; i++) {
    const cpu = i % 3 === 0 ? 1 : 0;
    const rec = pstore_ftrace_encode({ ip: 0xffffffff81000000n + BigInt(i * 16), parent_ip: 0xffffffff82000000n + BigInt(i), ts: BigInt(1000 + i), cpu });
    await run(cpu, () => core.backend.write(core.record(PSTORE_TYPE_FTRACE, rec)));
  }
  await dmesg(klog(30, 4), KMSG_DUMP_PANIC, false, 1700000004);
  return { name: 'written', image, params: p };
}

const TESTDATA = new URL('../../fs/pstore/testdata/', import.meta.url);
const KMSG_ONLY_1M: psz_layout_params = { total_size: 1 << 20, kmsg_size: 64 << 10, pmsg_size: 0, console_size: 0, ftrace_size: 0, nr_cpus: 1 };

/** linux_images() - the 1 MiB areas Linux 6.1 wrote: two deflated Oopses, the same unlinked, one plain Oops. */
export const linux_images = (): pstore_image[] =>
  ['oops2-deflate-1m/card.img.gz', 'oops2-deflate-1m/card-erased.img.gz', 'oops1-none-1m/card.img.gz'].map((f) => ({
    name: `linux-6.1 ${f}`,
    image: new Uint8Array(gunzipSync(readFileSync(new URL(f, TESTDATA)))),
    params: KMSG_ONLY_1M,
  }));
