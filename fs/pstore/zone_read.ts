// SPDX-License-Identifier: GPL-2.0
// pstore/zone's read side (fs/pstore/zone.c: psz_pstore_open, psz_pstore_read and the
// per-type readers): after recovery, the kmsg zones in index order, one ftrace record merged
// from every CPU's zone, then pmsg, then console.
import { ENOMSG } from '../../include/linux/errno.h.ts';
import { PSTORE_TYPE_CONSOLE, PSTORE_TYPE_DMESG, PSTORE_TYPE_FTRACE, PSTORE_TYPE_PMSG, type pstore_record } from '../../include/linux/pstore.h.ts';
import type { psz_context, pstore_zone } from './zone_context.ts';
import {
  PSTORE_KMSG_HEADER_MAGIC,
  PSZ_BUFFER_HDR_SIZE,
  PSZ_KMSG_HDR_SIZE,
  buffer_datalen,
  kmsg_dump_reason_str,
  psz_kmsg_header_decode,
  set_buffer_datalen,
} from './zone_format.ts';
import { pstore_ftrace_combine_log } from './zone_ftrace.ts';
import { psz_recovery } from './zone_recover.ts';

/** psz_pstore_open() - pstore_info.open: the next read starts over. Context: any. */
export const psz_pstore_open = (cxt: psz_context): number => {
  cxt.kmsg_read_cnt = 0;
  cxt.pmsg_read_cnt = 0;
  cxt.console_read_cnt = 0;
  cxt.ftrace_read_cnt = 0;
  return 0;
};

/** A kmsg zone with a record in memory. */
const psz_ok = (zone: pstore_zone | null): zone is pstore_zone => !!zone && zone.datalen !== 0;

/** A ring zone with content from before this boot. */
const psz_old_ok = (zone: pstore_zone | null): zone is pstore_zone & { oldbuf: Uint8Array } =>
  !!zone && !!zone.oldbuf && buffer_datalen(zone.oldbuf) !== 0;

/**
 * psz_read_next_zone() - the next zone to read: kmsg zones with data, then every ftrace zone
 * (the ftrace reader merges them, with or without data), then pmsg and console if they hold
 * old content; null at the end.
 */
const psz_read_next_zone = (cxt: psz_context): pstore_zone | null => {
  while (cxt.kmsg_read_cnt < cxt.kmsg_max_cnt) {
    const zone = cxt.kpszs![cxt.kmsg_read_cnt++]!;
    if (psz_ok(zone)) return zone;
  }
  if (cxt.ftrace_read_cnt < cxt.ftrace_max_cnt) return cxt.fpszs![cxt.ftrace_read_cnt++]!;
  if (cxt.pmsg_read_cnt === 0) {
    cxt.pmsg_read_cnt++;
    if (psz_old_ok(cxt.ppsz)) return cxt.ppsz;
  }
  if (cxt.console_read_cnt === 0) {
    cxt.console_read_cnt++;
    if (psz_old_ok(cxt.cpsz)) return cxt.cpsz;
  }
  return null;
};

/**
 * psz_kmsg_read() - a kmsg record: time, reason, counter and compressed flag from the header.
 * An uncompressed payload is preceded by "<Reason>: Total <counter> times\n" (counter as a
 * signed int); a compressed one is handed over raw for the core to inflate. A zone whose
 * magic is wrong is emptied in memory and skipped (-ENOMSG).
 */
const psz_kmsg_read = (zone: pstore_zone, record: pstore_record): number => {
  const datalen = buffer_datalen(zone.buffer);
  const hdr = psz_kmsg_header_decode(zone.buffer.subarray(PSZ_BUFFER_HDR_SIZE));
  if (hdr.magic !== PSTORE_KMSG_HEADER_MAGIC) {
    set_buffer_datalen(zone.buffer, 0);
    zone.dirty = false;
    return -ENOMSG;
  }
  // A datalen shorter than the header makes Linux copy past its allocation; skip the zone,
  // before touching @record: the next zone's record is filled in the same one (fuzzing found
  // this zone's time, reason, count and compressed flag on the ftrace/pmsg/console record).
  if (datalen < PSZ_KMSG_HDR_SIZE) return -ENOMSG;
  record.compressed = hdr.compressed;
  record.time = { tv_sec: hdr.time.tv_sec, tv_nsec: hdr.time.tv_nsec };
  record.reason = hdr.reason;
  // struct pstore_record's count is an int.
  record.count = hdr.counter | 0;
  const size = Math.min(datalen - PSZ_KMSG_HDR_SIZE, zone.buffer_size - PSZ_KMSG_HDR_SIZE);
  const head = record.compressed ? new Uint8Array(0) : new TextEncoder().encode(`${kmsg_dump_reason_str(record.reason)}: Total ${hdr.counter | 0} times\n`);
  const buf = new Uint8Array(head.length + size);
  buf.set(head);
  const from = PSZ_BUFFER_HDR_SIZE + PSZ_KMSG_HDR_SIZE;
  buf.set(zone.buffer.subarray(from, from + size), head.length);
  record.buf = buf;
  return buf.length;
};

/** psz_record_read() - pmsg or console: the old content, oldest byte first. */
const psz_record_read = (zone: pstore_zone, record: pstore_record): number => {
  if (!zone.oldbuf) return -ENOMSG;
  const len = buffer_datalen(zone.oldbuf);
  record.buf = zone.oldbuf.slice(PSZ_BUFFER_HDR_SIZE, PSZ_BUFFER_HDR_SIZE + len);
  return len;
};

/**
 * psz_ftrace_read() - merge this ftrace zone's old records into @record and ask for the next
 * zone (-ENOMSG) until the last one, which returns the merged size. Every zone is visited, so
 * the record carries all CPUs; with no old content anywhere there is no record.
 */
const psz_ftrace_read = (cxt: psz_context, zone: pstore_zone, record: pstore_record): number => {
  if (psz_old_ok(zone)) {
    const len = buffer_datalen(zone.oldbuf);
    record.buf = pstore_ftrace_combine_log(record.buf, record.size, zone.oldbuf.subarray(PSZ_BUFFER_HDR_SIZE), len);
    record.size = record.buf.length;
  }
  if (cxt.ftrace_read_cnt < cxt.ftrace_max_cnt) return -ENOMSG;
  // An empty merge still counts as a record of size 0, which ends the core's read loop.
  return record.buf ? record.size : -ENOMSG;
};

/**
 * psz_pstore_read() - pstore_info.read: recover on the first call, then fill @record with the
 * next record and return its size; 0 when there are no more, or recovery's error.
 * record.id is the kmsg zone index for dmesg and stays 0 for the others.
 * Context: may sleep.
 */
export const psz_pstore_read = async (cxt: psz_context, record: pstore_record): Promise<number> => {
  const ret = await psz_recovery(cxt);
  if (ret) return ret;
  for (;;) {
    const zone = psz_read_next_zone(cxt);
    if (!zone) return 0;
    record.type = zone.type;
    let n: number;
    switch (record.type) {
      case PSTORE_TYPE_DMESG: {
        const id = record.id;
        record.id = cxt.kmsg_read_cnt - 1;
        n = psz_kmsg_read(zone, record);
        // A skipped zone leaves the id as it was: it would name the next record's file.
        if (n === -ENOMSG) record.id = id;
        break;
      }
      case PSTORE_TYPE_FTRACE:
        n = psz_ftrace_read(cxt, zone, record);
        break;
      case PSTORE_TYPE_CONSOLE:
      case PSTORE_TYPE_PMSG:
        n = psz_record_read(zone, record);
        break;
      default:
        continue;
    }
    if (n === -ENOMSG) continue;
    if (n >= 0) record.size = n;
    return n;
  }
};
