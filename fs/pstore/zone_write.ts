// SPDX-License-Identifier: GPL-2.0
// pstore/zone's write side (fs/pstore/zone.c: psz_pstore_write, psz_kmsg_write(_record),
// psz_write_kmsg_hdr, psz_record_write): kmsg dumps go whole into the next kmsg zone, pmsg,
// console and ftrace records are appended to their ring zone.
import { EBUSY, EINVAL, ENOMSG, ENOSPC } from '../../include/linux/errno.h.ts';
import { KMSG_DUMP_OOPS, KMSG_DUMP_PANIC } from '../../include/linux/kmsg_dump.h.ts';
import { PSTORE_TYPE_CONSOLE, PSTORE_TYPE_DMESG, PSTORE_TYPE_FTRACE, PSTORE_TYPE_PMSG, type pstore_record } from '../../include/linux/pstore.h.ts';
import { FLUSH_ALL, FLUSH_META, FLUSH_PART, psz_flush_all_dirty_zones, psz_zone_write, type psz_context, type pstore_zone } from './zone_context.ts';
import {
  PSTORE_KMSG_HEADER_MAGIC,
  PSZ_BUFFER_HDR_SIZE,
  PSZ_KMSG_HDR_SIZE,
  buffer_datalen,
  buffer_sig,
  buffer_start,
  psz_kmsg_header_encode,
  psz_ring_plan,
  set_buffer_datalen,
  set_buffer_sig,
  set_buffer_start,
} from './zone_format.ts';

/** The payload of @record: its first record.size bytes. */
const record_payload = (record: pstore_record): Uint8Array => {
  const buf = record.buf ?? new Uint8Array(0);
  if (record.size > buf.length) throw new RangeError(`pstore_zone: record size ${record.size} over its ${buf.length}-byte buffer`);
  return buf.subarray(0, record.size);
};

/**
 * psz_write_kmsg_hdr() - fill the kmsg header of @zone's (fresh, zeroed) buffer from @record;
 * the counter is the area's next Oops or Panic number, 0 for other reasons.
 */
const psz_write_kmsg_hdr = (cxt: psz_context, zone: pstore_zone, record: pstore_record): void => {
  let counter = 0;
  if (record.reason === KMSG_DUMP_OOPS) counter = cxt.oops_counter = (cxt.oops_counter + 1) >>> 0;
  else if (record.reason === KMSG_DUMP_PANIC) counter = cxt.panic_counter = (cxt.panic_counter + 1) >>> 0;
  const hdr = zone.buffer.subarray(PSZ_BUFFER_HDR_SIZE, PSZ_BUFFER_HDR_SIZE + PSZ_KMSG_HDR_SIZE);
  psz_kmsg_header_encode({ magic: PSTORE_KMSG_HEADER_MAGIC, time: record.time, compressed: record.compressed, counter, reason: record.reason }, hdr);
};

/**
 * psz_kmsg_write_record() - store @record in the kmsg zone at the write position, or in the
 * next one while the device answers -ENOMSG (-EBUSY when every zone did). Each try takes a
 * fresh zeroed buffer and the next counter value; any answer but -ENOMSG keeps the new buffer,
 * advances the write position and is returned (a failed write leaves the zone dirty).
 */
const psz_kmsg_write_record = async (cxt: psz_context, record: pstore_record): Promise<number> => {
  const payload = record_payload(record);
  for (let i = 0; i < cxt.kmsg_max_cnt; i++) {
    const zonenum = (cxt.kmsg_write_cnt + i) % cxt.kmsg_max_cnt;
    const zone = cxt.kpszs![zonenum]!;
    // Keep the old record until the new one is known to have a place.
    zone.oldbuf = zone.buffer;
    zone.buffer = new Uint8Array(zone.oldbuf.length);
    set_buffer_sig(zone.buffer, buffer_sig(zone.oldbuf));
    psz_write_kmsg_hdr(cxt, zone, record);
    const size = Math.min(payload.length, zone.buffer_size - PSZ_KMSG_HDR_SIZE);
    const ret = await psz_zone_write(cxt, zone, FLUSH_ALL, payload, size, PSZ_KMSG_HDR_SIZE);
    if (ret !== -ENOMSG) {
      cxt.kmsg_write_cnt = (zonenum + 1) % cxt.kmsg_max_cnt;
      zone.oldbuf = null;
      return ret;
    }
    zone.buffer = zone.oldbuf;
    zone.oldbuf = null;
  }
  return -EBUSY;
};

/**
 * psz_kmsg_write() - a kmsg dump. Only part 1 is taken (a record never spans zones); after a
 * panic dump went out, every dirty zone is flushed too. Always 0 once the record is in
 * memory: the core is not told about device failures.
 */
const psz_kmsg_write = async (cxt: psz_context, record: pstore_record): Promise<number> => {
  if (record.part !== 1) return -ENOSPC;
  if (!cxt.kpszs) return -ENOSPC;
  const ret = await psz_kmsg_write_record(cxt, record);
  if (!ret && cxt.on_panic) await psz_flush_all_dirty_zones(cxt);
  return 0;
};

/**
 * psz_record_write() - append @record to the ring zone @zone (psz_ring_plan): the part up to
 * the end of the data area, if the record wraps, with FLUSH_PART; then the rest at the new
 * position with FLUSH_PART; then, once the ring is or becomes full, datalen = buffer_size with
 * FLUSH_META. Always 0 (-ENOSPC without a zone): failures only leave the zone dirty.
 * Context: any (console records come with interrupts off).
 */
export const psz_record_write = async (cxt: psz_context, zone: pstore_zone | null, record: pstore_record): Promise<number> => {
  if (!zone) return -ENOSPC;
  const data = record_payload(record);
  let is_full_data = buffer_datalen(zone.buffer) >>> 0 >= zone.buffer_size;
  const plan = psz_ring_plan(zone.buffer_size, buffer_start(zone.buffer), data.length);
  if (plan.wrap) {
    await psz_zone_write(cxt, zone, FLUSH_PART, data.subarray(plan.wrap.src), plan.wrap.len, plan.wrap.dst);
    is_full_data = true;
  }
  set_buffer_start(zone.buffer, plan.new_start);
  await psz_zone_write(cxt, zone, FLUSH_PART, data.subarray(plan.tail.src), plan.tail.len, plan.tail.dst);
  // psz_zone_write left datalen at the end of the last write; a full ring holds buffer_size.
  if (is_full_data) {
    set_buffer_datalen(zone.buffer, zone.buffer_size);
    await psz_zone_write(cxt, zone, FLUSH_META, null, 0, 0);
  }
  return 0;
};

/**
 * psz_pstore_write() - pstore_info.write. A PANIC dump sets on_panic for good; from then on
 * every record but dmesg is refused (-EBUSY), so that console output printed by the panic
 * write itself does not reach the device. Ftrace goes to the zone of the current CPU.
 * Context: any; kmsg dumps come in panic context.
 */
export const psz_pstore_write = async (cxt: psz_context, record: pstore_record): Promise<number> => {
  if (record.type === PSTORE_TYPE_DMESG && record.reason === KMSG_DUMP_PANIC) cxt.on_panic = true;
  if (cxt.on_panic && record.type !== PSTORE_TYPE_DMESG) return -EBUSY;
  switch (record.type) {
    case PSTORE_TYPE_DMESG:
      return psz_kmsg_write(cxt, record);
    case PSTORE_TYPE_CONSOLE:
      return psz_record_write(cxt, cxt.cpsz, record);
    case PSTORE_TYPE_PMSG:
      return psz_record_write(cxt, cxt.ppsz, record);
    case PSTORE_TYPE_FTRACE:
      if (!cxt.fpszs) return -ENOSPC;
      return psz_record_write(cxt, cxt.fpszs[cxt.env.smp_processor_id()] ?? null, record);
    default:
      return -EINVAL;
  }
};
