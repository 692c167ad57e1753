// SPDX-License-Identifier: GPL-2.0
// pstore/zone's recovery and read without a running kernel, for tools that read an area
// pulled off a device: the same psz_recovery/psz_pstore_read as the live module, on a context
// whose device is read-only and whose log is collected.
import { EROFS } from '../../include/linux/errno.h.ts';
import { pstore_record_zero, type pstore_record } from '../../include/linux/pstore.h.ts';
import type { pstore_zone_read_op } from '../../include/linux/pstore_zone.h.ts';
import { psz_alloc_zones, psz_context_init, type psz_env } from './zone_context.ts';
import { psz_layout, type psz_layout_params } from './zone_layout.ts';
import { psz_pstore_open, psz_pstore_read } from './zone_read.ts';
import { psz_recovery } from './zone_recover.ts';

export type psz_read_records_result = { ok: true; records: pstore_record[]; warnings: string[] } | { ok: false; error: string };

/** pstore_get_backend_records()'s guard against a backend that never ends. */
const PSZ_READ_LOOP_MAX = 65536;

/** A record as pstore_record_init() makes it, without a core: no backend, time 0. */
const psz_blank_record = (): pstore_record => pstore_record_zero(null, { tv_sec: 0, tv_nsec: 0 });

/**
 * psz_read_records() - the records psz_pstore_read would hand the pstore core for an area of
 * @layout_params read through @read, in the same order and before any decompression: dmesg
 * (zone index as id; uncompressed ones with their "Total" line), one merged ftrace record,
 * pmsg, console. Non-dmesg records keep time 0 (the core would stamp them with the time of
 * reading). @warnings holds what pstore_zone would log (overtop and invalid zones). Nothing is
 * written. Fails on a configuration register_pstore_zone refuses or a failed recovery.
 * Context: any; awaits only @read.
 */
export const psz_read_records = async (layout_params: psz_layout_params, read: pstore_zone_read_op): Promise<psz_read_records_result> => {
  const warnings: string[] = [];
  const errors: string[] = [];
  const lay = psz_layout(layout_params);
  if (!lay.ok) return { ok: false, error: `pstore_zone: ${lay.error || 'invalid configuration'} (errno ${lay.errno})` };
  warnings.push(...lay.warnings);
  const env: psz_env = {
    pr_info: (m) => warnings.push(m),
    pr_warn: (m) => warnings.push(m),
    pr_err: (m) => errors.push(m),
    schedule_flush: () => {},
    smp_processor_id: () => 0,
  };
  const cxt = psz_context_init(env);
  cxt.info = {
    owner: null,
    name: 'offline',
    ...layout_params,
    total_size: lay.layout.total_size,
    max_reason: 0,
    read,
    // Nothing is dirty in a fresh context, so recovery never writes; refuse if it tried.
    write: async () => -EROFS,
  };
  psz_alloc_zones(cxt, lay.layout);
  psz_pstore_open(cxt);
  const ret = await psz_recovery(cxt);
  if (ret) return { ok: false, error: `pstore_zone: ${errors.join('; ')} (errno ${-ret})` };
  const records: pstore_record[] = [];
  for (let i = 0; i < PSZ_READ_LOOP_MAX; i++) {
    const record = psz_blank_record();
    const n = await psz_pstore_read(cxt, record);
    if (n < 0) return { ok: false, error: `pstore_zone: read failed (errno ${-n})` };
    if (n === 0) break;
    record.size = n;
    records.push(record);
  }
  warnings.push(...errors);
  return { ok: true, records, warnings };
};
