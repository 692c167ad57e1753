// SPDX-License-Identifier: GPL-2.0
// pstore/zone's state and its one way to the device (fs/pstore/zone.c: struct pstore_zone,
// struct psz_context, psz_init_zone, psz_zone_write, the dirty-zone flush). Shared by the
// live module (zone.ts) and the offline reader (zone_offline.ts); what differs between them
// (logging, the flush worker, the current CPU) comes in through psz_env.
import { EBUSY, EINVAL, ENOMSG } from '../../include/linux/errno.h.ts';
import type { pstore_zone_info } from '../../include/linux/pstore_zone.h.ts';
import { PSZ_BUFFER_HDR_SIZE, buffer_datalen, buffer_sig, psz_sig, set_buffer_datalen, set_buffer_sig, set_buffer_start } from './zone_format.ts';
import type { psz_layout, psz_zone_layout } from './zone_layout.ts';

/** enum psz_flush_mode: what psz_zone_write() sends to the device after updating memory. */
export const FLUSH_NONE = 0;
/** The data just written, then the 12-byte header. */
export const FLUSH_PART = 1;
/** Only the 12-byte header. */
export const FLUSH_META = 2;
/** The whole zone, header and data. */
export const FLUSH_ALL = 3;
export type psz_flush_mode = typeof FLUSH_NONE | typeof FLUSH_PART | typeof FLUSH_META | typeof FLUSH_ALL;

/** struct pstore_zone. */
export interface pstore_zone {
  /** Offset of the zone in the area. */
  readonly off: number;
  readonly name: string;
  readonly type: number;
  /** The live struct psz_buffer: 12-byte header, then buffer_size bytes of data. */
  buffer: Uint8Array;
  /** buffer's sig and datalen, read without making a buffer that was never used. */
  readonly sig: number;
  readonly datalen: number;
  /**
   * Ring zones: what recovery found on the device (header + datalen bytes, oldest first).
   * kmsg zones: the buffer a write is replacing, only while the write runs.
   */
  oldbuf: Uint8Array | null;
  readonly buffer_size: number;
  /** kmsg: the device holds a record recovery must load. */
  should_recover: boolean;
  /** Memory holds data the device has not got. */
  dirty: boolean;
}

/** What the shared code needs from where it runs. */
export interface psz_env {
  /** pr_info/pr_warn/pr_err with pr_fmt "pstore_zone: " (the message has no prefix, no newline). */
  pr_info(msg: string): void;
  pr_warn(msg: string): void;
  pr_err(msg: string): void;
  /** schedule_delayed_work(&psz_cleaner, msecs_to_jiffies(@ms)); no-op when already pending. */
  schedule_flush(ms: number): void;
  smp_processor_id(): number;
}

/** struct psz_context. */
export interface psz_context {
  /** The registered device, or null (nothing registered: no I/O). */
  info: pstore_zone_info | null;
  kpszs: pstore_zone[] | null;
  ppsz: pstore_zone | null;
  cpsz: pstore_zone | null;
  fpszs: pstore_zone[] | null;
  kmsg_max_cnt: number;
  kmsg_read_cnt: number;
  /** The kmsg zone the next dump goes to. */
  kmsg_write_cnt: number;
  pmsg_read_cnt: number;
  console_read_cnt: number;
  ftrace_max_cnt: number;
  ftrace_read_cnt: number;
  /** Dumps per reason over the area's life (rebuilt by recovery), not per boot. u32. */
  oops_counter: number;
  panic_counter: number;
  /** Recovery has run to the end; until then nothing but panic writes reach the device. */
  recovered: boolean;
  /** A panic dump was written: only dmesg writes from now on, through panic_write. */
  on_panic: boolean;
  readonly env: psz_env;
}

/** A context with nothing registered (pstore_zone_cxt's static initialiser). */
export const psz_context_init = (env: psz_env): psz_context => ({
  info: null,
  kpszs: null,
  ppsz: null,
  cpsz: null,
  fpszs: null,
  kmsg_max_cnt: 0,
  kmsg_read_cnt: 0,
  kmsg_write_cnt: 0,
  pmsg_read_cnt: 0,
  console_read_cnt: 0,
  ftrace_max_cnt: 0,
  ftrace_read_cnt: 0,
  oops_counter: 0,
  panic_counter: 0,
  recovered: false,
  on_panic: false,
  env,
});

/**
 * A zone as psz_init_zone() leaves it. Linux allocates every zone's buffer at registration;
 * here the buffer is made when first used, as the same 0xFF bytes under the same header: a
 * boot uses one or two of the some sixty 64 KiB kmsg zones, and making all of them cost about
 * 10 % of an exploration point (which boots twice).
 */
class psz_zone implements pstore_zone {
  readonly off: number;
  readonly name: string;
  readonly type: number;
  readonly buffer_size: number;
  oldbuf: Uint8Array | null = null;
  should_recover = false;
  dirty = false;
  private readonly size: number;
  private live: Uint8Array | null = null;

  constructor(z: psz_zone_layout) {
    this.size = z.size;
    this.off = z.offset;
    this.name = z.name;
    this.type = z.type;
    this.buffer_size = z.buffer_size;
  }

  get buffer(): Uint8Array {
    if (this.live) return this.live;
    const buffer = new Uint8Array(this.size).fill(0xff);
    set_buffer_sig(buffer, psz_sig(this.type));
    set_buffer_datalen(buffer, 0);
    set_buffer_start(buffer, 0);
    return (this.live = buffer);
  }

  set buffer(buffer: Uint8Array) {
    this.live = buffer;
  }

  get sig(): number {
    return this.live ? buffer_sig(this.live) : psz_sig(this.type);
  }

  get datalen(): number {
    return this.live ? buffer_datalen(this.live) : 0;
  }
}

/**
 * psz_init_zone() - a zone at its place with a live buffer of 0xFF bytes under a header of
 * the type's signature, datalen 0 and start 0: a whole-zone flush of an unfilled ring writes
 * 0xFF past its data.
 * Context: any (Linux allocates with GFP_KERNEL at registration).
 */
export const psz_init_zone = (z: psz_zone_layout): pstore_zone => new psz_zone(z);

/** psz_alloc_zones() - give @cxt the zones of @layout (placed and checked by zone_layout). Context: any. */
export const psz_alloc_zones = (cxt: psz_context, layout: psz_layout): void => {
  cxt.ppsz = layout.pmsg ? psz_init_zone(layout.pmsg) : null;
  cxt.cpsz = layout.console ? psz_init_zone(layout.console) : null;
  cxt.fpszs = layout.ftrace.length ? layout.ftrace.map(psz_init_zone) : null;
  cxt.ftrace_max_cnt = layout.ftrace.length;
  cxt.kpszs = layout.kmsg.length ? layout.kmsg.map(psz_init_zone) : null;
  cxt.kmsg_max_cnt = layout.kmsg.length;
};

/** psz_free_all_zones() - drop every zone. Context: any. */
export const psz_free_all_zones = (cxt: psz_context): void => {
  cxt.ppsz = cxt.cpsz = null;
  cxt.fpszs = cxt.kpszs = null;
  cxt.ftrace_max_cnt = cxt.kmsg_max_cnt = 0;
};

/**
 * psz_zone_write() - put @len bytes of @buf at data offset @off of @zone's live buffer (datalen
 * becomes off + the bytes copied), then send @mode's bytes to the device: with panic_write once
 * on_panic is set, else with write. The device is skipped, and the zone marked dirty, before
 * recovery (unless in a panic), without the callback, or when it wrote short; -EBUSY from
 * write then schedules the flush worker in 500 ms. -ENOMSG ("try the next zone") is passed
 * back without marking the zone dirty. Returns 0, -EINVAL, -ENOMSG or -EBUSY (for every other
 * failure).
 * Context: whatever the callback allows; panic-safe when panic_write is.
 */
export const psz_zone_write = async (cxt: psz_context, zone: pstore_zone, mode: psz_flush_mode, buf: Uint8Array | null, len: number, off: number): Promise<number> => {
  if (off > zone.buffer_size) return -EINVAL;
  let wlen = Math.min(len, zone.buffer_size - off);
  if (buf && wlen) {
    zone.buffer.set(buf.subarray(0, wlen), PSZ_BUFFER_HDR_SIZE + off);
    set_buffer_datalen(zone.buffer, wlen + off);
  }
  let wcnt = 0;
  const dirty = (): number => {
    if (wcnt === -ENOMSG) return -ENOMSG;
    zone.dirty = true;
    if (wcnt === -EBUSY && !cxt.on_panic) cxt.env.schedule_flush(500);
    return -EBUSY;
  };
  // Old records on the device are not known yet: writing now could destroy them.
  if (!cxt.on_panic && !cxt.recovered) return dirty();
  const info = cxt.info;
  const writeop = info ? (cxt.on_panic ? info.panic_write : info.write) : undefined;
  if (!writeop) return dirty();
  if (mode === FLUSH_NONE) return buf && wlen ? dirty() : 0;
  if (mode === FLUSH_ALL) {
    wlen = PSZ_BUFFER_HDR_SIZE + zone.buffer_size;
    wcnt = await writeop(zone.buffer.subarray(0, wlen), zone.off);
    return wcnt === wlen ? 0 : dirty();
  }
  if (mode === FLUSH_PART) {
    const at = PSZ_BUFFER_HDR_SIZE + off;
    wcnt = await writeop(zone.buffer.subarray(at, at + wlen), zone.off + at);
    if (wcnt !== wlen) return dirty();
  }
  // FLUSH_META, and the header after FLUSH_PART's data.
  wlen = PSZ_BUFFER_HDR_SIZE;
  wcnt = await writeop(zone.buffer.subarray(0, wlen), zone.off);
  return wcnt === wlen ? 0 : dirty();
};

/**
 * psz_flush_dirty_zone() - write a dirty zone whole. Refused (-EBUSY) until recovery has run;
 * the zone stays dirty when the write fails.
 * Context: whatever the callback allows; panic-safe when panic_write is.
 */
export const psz_flush_dirty_zone = async (cxt: psz_context, zone: pstore_zone | null): Promise<number> => {
  if (!zone) return -EINVAL;
  if (!cxt.recovered) return -EBUSY;
  if (!zone.dirty) return 0;
  zone.dirty = false;
  const ret = await psz_zone_write(cxt, zone, FLUSH_ALL, null, 0, 0);
  if (ret) zone.dirty = true;
  return ret;
};

/** psz_flush_dirty_zones() - each of @zones in order, stopping at the first failure. Context: as psz_flush_dirty_zone(). */
export const psz_flush_dirty_zones = async (cxt: psz_context, zones: pstore_zone[] | null): Promise<number> => {
  if (!zones) return -EINVAL;
  for (const zone of zones) {
    const ret = await psz_flush_dirty_zone(cxt, zone);
    if (ret) return ret;
  }
  return 0;
};

/**
 * psz_flush_all_dirty_zones() - the flush worker (psz_cleaner), also called after a panic dump
 * and at unregister: pmsg, console, the kmsg zones, the ftrace zones; while any of them fails
 * and a device is registered, run again in 1000 ms (a write that got -EBUSY has already asked
 * for 500 ms, which wins because the work is then pending).
 * Context: may sleep (from the worker); panic-safe when panic_write is.
 */
export const psz_flush_all_dirty_zones = async (cxt: psz_context): Promise<void> => {
  let ret = 0;
  if (cxt.ppsz) ret |= await psz_flush_dirty_zone(cxt, cxt.ppsz);
  if (cxt.cpsz) ret |= await psz_flush_dirty_zone(cxt, cxt.cpsz);
  if (cxt.kpszs) ret |= await psz_flush_dirty_zones(cxt, cxt.kpszs);
  if (cxt.fpszs) ret |= await psz_flush_dirty_zones(cxt, cxt.fpszs);
  if (ret && cxt.info) cxt.env.schedule_flush(1000);
};
