// SPDX-License-Identifier: GPL-2.0
// Where pstore/zone puts its zones (fs/pstore/zone.c: register_pstore_zone's checks and
// psz_alloc_zones/psz_init_zone(s)). Pure: the same placement for the live module and for tools
// reading an image. Offsets are relative to the start of the area; messages lack the
// "pstore_zone: " prefix that pr_fmt adds.
import { EBUSY, EINVAL, ENOMEM } from '../../include/linux/errno.h.ts';
import { PSTORE_TYPE_CONSOLE, PSTORE_TYPE_DMESG, PSTORE_TYPE_FTRACE, PSTORE_TYPE_NAMES, PSTORE_TYPE_PMSG } from '../../include/linux/pstore.h.ts';
import { PSZ_BUFFER_HDR_SIZE } from './zone_format.ts';

export const SZ_4K = 4096;
export const SZ_128M = 128 * 1024 * 1024;
export const SECTOR_SIZE = 512;

/** The sizes a layout is computed from (struct pstore_zone_info's, in bytes), and nr_cpu_ids. */
export interface psz_layout_params {
  readonly total_size: number;
  readonly kmsg_size: number;
  readonly pmsg_size: number;
  readonly console_size: number;
  readonly ftrace_size: number;
  /** Possible CPUs (nr_cpu_ids): the ftrace area is cut into this many zones, or a few more. */
  readonly nr_cpus: number;
}

/** What register_pstore_zone checks besides the sizes, in its order. */
export interface psz_info_presence {
  readonly name: string;
  readonly has_read: boolean;
  readonly has_write: boolean;
}

/** One zone: struct pstore_zone's placement. */
export interface psz_zone_layout {
  readonly type: number;
  /** pstore_type_to_name(type): "dmesg", "pmsg", "console", "ftrace". */
  readonly name: string;
  /** Index among the zones of its type (the kmsg zone number, the ftrace CPU). */
  readonly index: number;
  readonly offset: number;
  readonly size: number;
  /** Bytes of the data area: size less the 12-byte psz_buffer header. */
  readonly buffer_size: number;
}

export interface psz_layout {
  /** After capping at 128 MiB. */
  readonly total_size: number;
  readonly pmsg: psz_zone_layout | null;
  readonly console: psz_zone_layout | null;
  readonly ftrace: readonly psz_zone_layout[];
  readonly kmsg: readonly psz_zone_layout[];
  /** Every zone in placement order: pmsg, console, ftrace, kmsg. */
  readonly zones: readonly psz_zone_layout[];
}

export type psz_log_level = 'warn' | 'err';

export interface psz_layout_error {
  readonly ok: false;
  /** The kernel's message, or '' where Linux fails silently (empty name). */
  readonly error: string;
  readonly level: psz_log_level;
  /** Positive errno (EINVAL, ENOMEM, EBUSY). */
  readonly errno: number;
  readonly warnings: readonly string[];
}

export type psz_check_result = { readonly ok: true; readonly total_size: number; readonly warnings: readonly string[] } | psz_layout_error;
export type psz_layout_result = { readonly ok: true; readonly layout: psz_layout; readonly warnings: readonly string[] } | psz_layout_error;

const fail = (error: string, level: psz_log_level, errno: number, warnings: readonly string[]): psz_layout_error => ({ ok: false, error, level, errno, warnings });

const hex = (n: number): string => `0x${n.toString(16)}`;

const assert_size = (field: string, v: number): void => {
  // unsigned long in C: anything else is a caller's bug, not a configuration Linux could see.
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`pstore_zone: ${field} must be a non-negative integer, got ${v}`);
};

/**
 * psz_check_sizes() - register_pstore_zone()'s checks, in Linux's order: total_size at least
 * 4096 (warn), capped at 128 MiB (warn), one size non-zero (warn), name non-empty (silent),
 * total_size and each record size at least and a multiple of 4096/512 (err), read and write
 * present (err). @presence is left out by tools that only place zones.
 * Context: any.
 */
export const psz_check_sizes = (p: psz_layout_params, presence?: psz_info_presence): psz_check_result => {
  for (const f of ['total_size', 'kmsg_size', 'pmsg_size', 'console_size', 'ftrace_size'] as const) assert_size(f, p[f]);
  if (!Number.isSafeInteger(p.nr_cpus) || p.nr_cpus < 1) throw new RangeError(`pstore_zone: nr_cpus must be a positive integer, got ${p.nr_cpus}`);
  const warnings: string[] = [];
  let total_size = p.total_size;
  if (total_size < SZ_4K) return fail('total_size must be >= 4096', 'warn', EINVAL, warnings);
  if (total_size > SZ_128M) {
    warnings.push('capping size to 128MiB');
    total_size = SZ_128M;
  }
  if (!p.kmsg_size && !p.pmsg_size && !p.console_size && !p.ftrace_size) return fail('at least one record size must be non-zero', 'warn', EINVAL, warnings);
  if (presence && !presence.name) return fail('', 'err', EINVAL, warnings);
  const checks: Array<[string, number, number]> = [
    ['total_size', total_size, SZ_4K],
    ['kmsg_size', p.kmsg_size, SECTOR_SIZE],
    ['pmsg_size', p.pmsg_size, SECTOR_SIZE],
    ['console_size', p.console_size, SECTOR_SIZE],
    ['ftrace_size', p.ftrace_size, SECTOR_SIZE],
  ];
  for (const [name, v, unit] of checks) {
    if (v > 0 && v < unit) return fail(`${name} must be over ${unit}`, 'err', EINVAL, warnings);
    if (v % unit) return fail(`${name} must be a multiple of ${unit}`, 'err', EINVAL, warnings);
  }
  if (presence && (!presence.has_read || !presence.has_write)) return fail('no valid general read/write interface', 'err', EINVAL, warnings);
  return { ok: true, total_size, warnings };
};

/**
 * psz_ftrace_geometry() - how psz_alloc_zones cuts the ftrace area: zones of
 * r = floor(ftrace_size / nr_cpus) bytes, c = floor(ftrace_size / r) of them. c can exceed
 * nr_cpus (10 bytes over 4 CPUs: r = 2, c = 5); c·r can fall short of ftrace_size.
 */
export const psz_ftrace_geometry = (ftrace_size: number, nr_cpus: number): { record_size: number; count: number } => {
  const record_size = Math.floor(ftrace_size / nr_cpus);
  return { record_size, count: record_size ? Math.floor(ftrace_size / record_size) : 0 };
};

/**
 * psz_place_zones() - psz_alloc_zones(): pmsg, console, the ftrace zones, then as many kmsg
 * zones as fit in what pmsg, console and the whole ftrace_size leave; each zone starts where
 * the previous one ended. Fails with "no room for ..." (-ENOMEM) when a zone passes the end.
 * @total_size is the capped one from psz_check_sizes().
 * Context: any.
 */
export const psz_place_zones = (p: psz_layout_params, total_size: number): psz_layout_result => {
  const zones: psz_zone_layout[] = [];
  let off = 0;
  const no_room = (what: string, size: number) => fail(`no room for ${what} (${hex(size)}@${hex(off)} over ${hex(total_size)})`, 'err', ENOMEM, []);

  // psz_init_zone(): a zone of @size at the current offset, or nothing for size 0.
  const init_zone = (type: number, size: number, index: number): psz_zone_layout | psz_layout_error | null => {
    const name = PSTORE_TYPE_NAMES[type]!;
    if (!size) return null;
    if (off + size > total_size) return no_room(name, size);
    // Linux would write the 12-byte header past a smaller allocation; refuse instead.
    if (size < PSZ_BUFFER_HDR_SIZE) return fail(`zone ${name} record size ${size} too small`, 'err', EINVAL, []);
    const z: psz_zone_layout = { type, name, index, offset: off, size, buffer_size: size - PSZ_BUFFER_HDR_SIZE };
    off += size;
    zones.push(z);
    return z;
  };

  // psz_init_zones(): floor(@area / @record) zones of @record bytes.
  const init_zones = (type: number, area: number, record: number): psz_zone_layout[] | psz_layout_error => {
    const name = PSTORE_TYPE_NAMES[type]!;
    if (!area || !record) return [];
    if (off + area > total_size) return no_room(`zones ${name}`, area);
    const c = Math.floor(area / record);
    // 6.1 goes on with zero zones and then dereferences the first (a crash); 6.14 refuses so.
    if (!c) return fail(`zone ${name} total_size too small`, 'err', EINVAL, []);
    const out: psz_zone_layout[] = [];
    for (let i = 0; i < c; i++) {
      const z = init_zone(type, record, i);
      if (!z || 'ok' in z) return z ?? fail(`initialize zones ${name} failed`, 'err', ENOMEM, []);
      out.push(z);
    }
    return out;
  };

  const pmsg = init_zone(PSTORE_TYPE_PMSG, p.pmsg_size, 0);
  if (pmsg && 'ok' in pmsg) return pmsg;
  const console = init_zone(PSTORE_TYPE_CONSOLE, p.console_size, 0);
  if (console && 'ok' in console) return console;
  const ftrace = init_zones(PSTORE_TYPE_FTRACE, p.ftrace_size, psz_ftrace_geometry(p.ftrace_size, p.nr_cpus).record_size);
  if ('ok' in ftrace) return ftrace;
  // The kmsg area is what the other sizes leave, counting the whole ftrace_size even when
  // the ftrace zones use a few bytes less: the kmsg zones then start those bytes earlier.
  const kmsg_area = total_size - p.pmsg_size - p.console_size - p.ftrace_size;
  if (kmsg_area < 0 && p.kmsg_size) {
    // size_t arithmetic: the negative rest is a huge size that fails the room check.
    return fail(`no room for zones dmesg (0x${BigInt.asUintN(64, BigInt(kmsg_area)).toString(16)}@${hex(off)} over ${hex(total_size)})`, 'err', ENOMEM, []);
  }
  // 6.1 leaves kpszs NULL here and then dereferences kpszs[0]; refuse as 6.14 does for c = 0.
  if (kmsg_area === 0 && p.kmsg_size) return fail('zone dmesg total_size too small', 'err', EINVAL, []);
  const kmsg = init_zones(PSTORE_TYPE_DMESG, kmsg_area, p.kmsg_size);
  if ('ok' in kmsg) return kmsg;
  return { ok: true, layout: { total_size, pmsg, console, ftrace, kmsg, zones }, warnings: [] };
};

/**
 * psz_layout() - the checks and the placement together, for tools: the zones of an area, or
 * Linux's message and errno for a configuration register_pstore_zone() rejects.
 * Context: any.
 */
export const psz_layout = (p: psz_layout_params): psz_layout_result => {
  const chk = psz_check_sizes(p);
  if (!chk.ok) return chk;
  const placed = psz_place_zones(p, chk.total_size);
  return placed.ok ? { ...placed, warnings: chk.warnings } : { ...placed, warnings: chk.warnings };
};

/** Registration refused because another pstore/zone user holds the one slot. */
export const psz_busy_error = (loaded: string, ignored: string): psz_layout_error =>
  fail(`'${loaded}' already loaded: ignoring '${ignored}'`, 'warn', EBUSY, []);
