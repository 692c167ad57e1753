// SPDX-License-Identifier: GPL-2.0
// pstore/zone's unlink (fs/pstore/zone.c: psz_pstore_erase, psz_kmsg_erase, psz_record_erase).
import { EINVAL } from '../../include/linux/errno.h.ts';
import { PSTORE_TYPE_CONSOLE, PSTORE_TYPE_DMESG, PSTORE_TYPE_FTRACE, PSTORE_TYPE_PMSG, type pstore_record } from '../../include/linux/pstore.h.ts';
import { FLUSH_META, psz_flush_dirty_zone, psz_zone_write, type psz_context, type pstore_zone } from './zone_context.ts';
import { PSZ_BUFFER_HDR_SIZE, buffer_datalen, psz_kmsg_header_decode, set_buffer_datalen } from './zone_format.ts';

/**
 * psz_kmsg_erase() - forget the record in @zone, unless the zone is empty or holds a newer
 * record than @record (its counter differs). datalen becomes 0, then the device's erase
 * covers the zone's header and data, or, without one, only the 12-byte header is written:
 * the kmsg header and payload stay on the device.
 */
const psz_kmsg_erase = async (cxt: psz_context, zone: pstore_zone, record: pstore_record): Promise<number> => {
  const datalen = buffer_datalen(zone.buffer);
  if (!datalen) return 0;
  const hdr = psz_kmsg_header_decode(zone.buffer.subarray(PSZ_BUFFER_HDR_SIZE));
  // int against u32, as C compares them.
  if (record.count >>> 0 !== hdr.counter) return 0;
  const size = datalen + PSZ_BUFFER_HDR_SIZE;
  set_buffer_datalen(zone.buffer, 0);
  const erase = cxt.info?.erase;
  if (erase) return erase(size, zone.off);
  return psz_zone_write(cxt, zone, FLUSH_META, null, 0, 0);
};

/**
 * psz_record_erase() - forget a ring zone's old content. If nothing was written to the zone
 * this boot, its empty live header goes to the device; otherwise this boot's data replaces
 * the old content anyway, and the zone is only flushed if dirty.
 */
const psz_record_erase = async (cxt: psz_context, zone: pstore_zone | null): Promise<number> => {
  if (!zone || !zone.oldbuf || !buffer_datalen(zone.oldbuf)) return 0;
  zone.oldbuf = null;
  if (!buffer_datalen(zone.buffer)) return psz_zone_write(cxt, zone, FLUSH_META, null, 0, 0);
  await psz_flush_dirty_zone(cxt, zone);
  return 0;
};

/**
 * psz_pstore_erase() - pstore_info.erase (unlink in pstorefs). For ftrace only zone
 * record.id, i.e. CPU 0's, is erased, although the record merged every CPU's zone: Linux's
 * behaviour, kept.
 * Context: may sleep.
 */
export const psz_pstore_erase = async (cxt: psz_context, record: pstore_record): Promise<number> => {
  switch (record.type) {
    case PSTORE_TYPE_DMESG:
      if (record.id < 0 || record.id >= cxt.kmsg_max_cnt) return -EINVAL;
      return psz_kmsg_erase(cxt, cxt.kpszs![record.id]!, record);
    case PSTORE_TYPE_PMSG:
      return psz_record_erase(cxt, cxt.ppsz);
    case PSTORE_TYPE_CONSOLE:
      return psz_record_erase(cxt, cxt.cpsz);
    case PSTORE_TYPE_FTRACE:
      if (record.id < 0 || record.id >= cxt.ftrace_max_cnt) return -EINVAL;
      return psz_record_erase(cxt, cxt.fpszs![record.id]!);
    default:
      return -EINVAL;
  }
};
