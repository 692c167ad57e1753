// SPDX-License-Identifier: GPL-2.0
// pstore/zone recovery (fs/pstore/zone.c: psz_kmsg_recover_meta/_data, psz_move_zone,
// psz_recover_zone(s), psz_recovery): on the first read, learn what the device holds, where
// the next dump goes and how many dumps of each reason the area has seen. Until it has run to
// the end, nothing but panic writes reach the device.
import { EINVAL, EIO, ENOMSG } from '../../include/linux/errno.h.ts';
import { KMSG_DUMP_OOPS, KMSG_DUMP_PANIC } from '../../include/linux/kmsg_dump.h.ts';
import { FLUSH_ALL, psz_flush_dirty_zone, psz_zone_write, type psz_context, type pstore_zone } from './zone_context.ts';
import {
  PSTORE_KMSG_HEADER_MAGIC,
  PSZ_BUFFER_HDR_SIZE,
  PSZ_KMSG_HDR_SIZE,
  buffer_datalen,
  psz_buffer_decode,
  psz_kmsg_header_decode,
  psz_ring_read_segments,
  set_buffer_datalen,
} from './zone_format.ts';

/** A read that returned @rcnt instead of the whole: its error, or -EIO for a short count. */
const read_error = (rcnt: number): number => (rcnt < 0 ? rcnt : -EIO);

/**
 * psz_kmsg_recover_meta() - read each kmsg zone's 52-byte head. A zone the device calls
 * broken (-ENOMSG), with another signature, an overtop datalen or a wrong magic is skipped;
 * every other one takes part in the write position (the zone after the newest by tv_sec, ties
 * to the higher index) and in the per-reason counters (the largest stored), erased ones
 * (datalen 0) included; the non-erased ones are marked for loading.
 */
const psz_kmsg_recover_meta = async (cxt: psz_context): Promise<number> => {
  const info = cxt.info!;
  const len = PSZ_BUFFER_HDR_SIZE + PSZ_KMSG_HDR_SIZE;
  let newest = 0;
  for (let i = 0; i < cxt.kmsg_max_cnt; i++) {
    const zone = cxt.kpszs![i]!;
    const buf = new Uint8Array(len);
    const rcnt = await info.read(buf, zone.off);
    if (rcnt === -ENOMSG) continue;
    if (rcnt !== len) {
      cxt.env.pr_err(`read ${zone.name} with id ${i} failed`);
      return read_error(rcnt);
    }
    const b = psz_buffer_decode(buf);
    if (b.sig !== zone.sig) continue;
    // datalen is an int compared with a size_t: negative values are overtop too.
    if (b.datalen >>> 0 > zone.buffer_size) {
      cxt.env.pr_info(`found overtop zone: ${zone.name}: id ${i}, off ${zone.off}, size ${zone.buffer_size}`);
      continue;
    }
    const hdr = psz_kmsg_header_decode(buf.subarray(PSZ_BUFFER_HDR_SIZE));
    if (hdr.magic !== PSTORE_KMSG_HEADER_MAGIC) {
      cxt.env.pr_info(`found invalid zone: ${zone.name}: id ${i}, off ${zone.off}, size ${zone.buffer_size}`);
      continue;
    }
    // Zones are written in a circle: the one after the newest is the oldest or unused.
    if (hdr.time.tv_sec >= newest) {
      newest = hdr.time.tv_sec;
      cxt.kmsg_write_cnt = (i + 1) % cxt.kmsg_max_cnt;
    }
    if (hdr.reason === KMSG_DUMP_OOPS) cxt.oops_counter = Math.max(cxt.oops_counter, hdr.counter);
    else if (hdr.reason === KMSG_DUMP_PANIC) cxt.panic_counter = Math.max(cxt.panic_counter, hdr.counter);
    if (!b.datalen) continue;
    if (!cxt.on_panic) zone.should_recover = true;
  }
  return 0;
};

/**
 * psz_move_zone() - copy the record of @old (dumped before recovery) into @new and clear @old.
 * It goes through psz_zone_write, which refuses the device until recovery has finished, so
 * outside a panic the move fails (-EBUSY) and @new is emptied again.
 */
const psz_move_zone = async (cxt: psz_context, old: pstore_zone, dest: pstore_zone): Promise<number> => {
  const data = old.buffer.subarray(PSZ_BUFFER_HDR_SIZE);
  const ret = await psz_zone_write(cxt, dest, FLUSH_ALL, data, buffer_datalen(old.buffer), 0);
  if (ret) {
    set_buffer_datalen(dest.buffer, 0);
    dest.dirty = false;
    return ret;
  }
  set_buffer_datalen(old.buffer, 0);
  return 0;
};

/**
 * psz_kmsg_recover_data() - move each zone dumped before recovery to the write position, and
 * load every zone marked by the meta pass whole (12 + buffer_size bytes) into its live buffer.
 */
const psz_kmsg_recover_data = async (cxt: psz_context): Promise<number> => {
  const info = cxt.info!;
  for (let i = 0; i < cxt.kmsg_max_cnt; i++) {
    const zone = cxt.kpszs![i]!;
    if (zone.dirty) {
      const wcnt = cxt.kmsg_write_cnt;
      const ret = await psz_move_zone(cxt, zone, cxt.kpszs![wcnt]!);
      if (ret) {
        cxt.env.pr_err(`move zone from ${i} to ${wcnt} failed`);
        return ret;
      }
      cxt.kmsg_write_cnt = (wcnt + 1) % cxt.kmsg_max_cnt;
    }
    if (!zone.should_recover) continue;
    const rcnt = await info.read(zone.buffer, zone.off);
    if (rcnt !== zone.buffer.length) return read_error(rcnt);
  }
  return 0;
};

const psz_kmsg_recover = async (cxt: psz_context): Promise<number> => {
  if (!cxt.kpszs) return 0;
  const ret = await psz_kmsg_recover_meta(cxt);
  return ret || psz_kmsg_recover_data(cxt);
};

/**
 * psz_recover_zone() - read a ring zone's previous content into its oldbuf, oldest byte
 * first: [start, datalen) of the data area, then [0, start). Another signature, an overtop
 * datalen or start, or datalen 0 leave no old content; only a failed read is an error. Then
 * the zone is flushed if dirty, which recovery (not finished yet) refuses.
 */
const psz_recover_zone = async (cxt: psz_context, zone: pstore_zone | null): Promise<number> => {
  if (!zone || zone.oldbuf) return 0;
  if (cxt.on_panic) {
    // Save what can be saved; no reads in a panic.
    await psz_flush_dirty_zone(cxt, zone);
    return 0;
  }
  const info = cxt.info!;
  const head = new Uint8Array(PSZ_BUFFER_HDR_SIZE);
  let rcnt = await info.read(head, zone.off);
  if (rcnt !== head.length) return read_error(rcnt);
  const b = psz_buffer_decode(head);
  if (b.sig !== zone.sig) return 0;
  if (b.datalen >>> 0 > zone.buffer_size || b.start >>> 0 > zone.buffer_size) {
    cxt.env.pr_info(`found overtop zone: ${zone.name}: off ${zone.off}, size ${zone.buffer_size}`);
    return 0;
  }
  if (!b.datalen) return 0;
  // Linux would ask for a negative length here; pstore_blk's kernel_read refuses it so.
  if (b.start > b.datalen) {
    cxt.env.pr_err(`read zone ${zone.name} failed`);
    return -EINVAL;
  }
  const oldbuf = new Uint8Array(PSZ_BUFFER_HDR_SIZE + b.datalen);
  oldbuf.set(head);
  const data = oldbuf.subarray(PSZ_BUFFER_HDR_SIZE);
  for (const s of psz_ring_read_segments(b.start, b.datalen)) {
    rcnt = await info.read(data.subarray(s.dst, s.dst + s.len), zone.off + PSZ_BUFFER_HDR_SIZE + s.src);
    if (rcnt !== s.len) {
      cxt.env.pr_err(`read zone ${zone.name} failed`);
      return read_error(rcnt);
    }
  }
  zone.oldbuf = oldbuf;
  await psz_flush_dirty_zone(cxt, zone);
  return 0;
};

const psz_recover_zones = async (cxt: psz_context, zones: pstore_zone[] | null): Promise<number> => {
  for (const zone of zones ?? []) {
    const ret = await psz_recover_zone(cxt, zone);
    if (ret) return ret;
  }
  return 0;
};

/**
 * psz_recovery() - run recovery once, in order kmsg (meta, then data), pmsg, console, ftrace.
 * Sets recovered only when every step succeeded; a failed one is tried again on the next read.
 * Returns 0 or the first error.
 * Context: may sleep.
 */
export const psz_recovery = async (cxt: psz_context): Promise<number> => {
  if (cxt.recovered) return 0;
  if (!cxt.info) return -EINVAL;
  let ret = await psz_kmsg_recover(cxt);
  if (!ret) ret = await psz_recover_zone(cxt, cxt.ppsz);
  if (!ret) ret = await psz_recover_zone(cxt, cxt.cpsz);
  if (!ret) ret = await psz_recover_zones(cxt, cxt.fpszs);
  if (ret) cxt.env.pr_err('recover failed');
  else cxt.recovered = true;
  return ret;
};
