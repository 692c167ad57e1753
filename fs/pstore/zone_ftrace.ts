// SPDX-License-Identifier: GPL-2.0
// The ftrace record as pstore stores it on 64-bit (struct pstore_ftrace_record, fs/pstore/
// internal.h) and pstore_ftrace_combine_log() (fs/pstore/ftrace.c), which pstore/zone uses to
// merge its per-CPU ftrace zones into one record on read. Kept beside zone.c's port because
// nothing else under fs/pstore provides it yet.

/** sizeof(struct pstore_ftrace_record) on 64-bit: ip, parent_ip, ts, each u64. */
export const PSTORE_FTRACE_RECORD_SIZE = 24;
/** The CPU number sits in the low bits of ts wherever it does not fit in ip (all but small ARM32). */
export const TS_CPU_SHIFT = 8;

export interface pstore_ftrace_record {
  ip: bigint;
  parent_ip: bigint;
  /** The timestamp (a per-call counter), without the CPU bits. */
  ts: bigint;
  cpu: number;
}

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** pstore_ftrace_read_timestamp(): the record's ts without the CPU bits. Context: any. */
export const pstore_ftrace_read_timestamp = (rec: Uint8Array): bigint => view(rec).getBigUint64(16, true) >> BigInt(TS_CPU_SHIFT);

/** Encode @r as the 24 bytes pstore_ftrace_call() stores. */
export const pstore_ftrace_encode = (r: pstore_ftrace_record): Uint8Array => {
  const out = new Uint8Array(PSTORE_FTRACE_RECORD_SIZE);
  const v = view(out);
  v.setBigUint64(0, BigInt.asUintN(64, r.ip), true);
  v.setBigUint64(8, BigInt.asUintN(64, r.parent_ip), true);
  v.setBigUint64(16, BigInt.asUintN(64, (r.ts << BigInt(TS_CPU_SHIFT)) | BigInt(r.cpu & ((1 << TS_CPU_SHIFT) - 1))), true);
  return out;
};

/** Decode the 24-byte record at the start of @b. */
export const pstore_ftrace_decode = (b: Uint8Array): pstore_ftrace_record => {
  const v = view(b);
  const raw = v.getBigUint64(16, true);
  return { ip: v.getBigUint64(0, true), parent_ip: v.getBigUint64(8, true), ts: raw >> BigInt(TS_CPU_SHIFT), cpu: Number(raw & 0xffn) };
};

/**
 * pstore_ftrace_combine_log() - merge the records of @src (@src_size bytes) into @dest
 * (@dest_size bytes), both ordered by timestamp: a leading size % 24 bytes of each are
 * skipped (a ring cut mid-record), and on equal timestamps the @src record comes first.
 * Returns the merged buffer; an empty one when neither held a whole record (Linux's
 * kmalloc(0), which is not NULL).
 * Context: may sleep (GFP_KERNEL in Linux).
 */
export const pstore_ftrace_combine_log = (dest: Uint8Array | null, dest_size: number, src: Uint8Array, src_size: number): Uint8Array => {
  const rs = PSTORE_FTRACE_RECORD_SIZE;
  const d_off = dest_size % rs;
  const s_off = src_size % rs;
  const d = dest ? dest.subarray(d_off, dest_size) : new Uint8Array(0);
  const s = src.subarray(s_off, src_size);
  const merged = new Uint8Array(d.length + s.length);
  let di = 0;
  let si = 0;
  let mi = 0;
  const take = (from: Uint8Array, i: number): void => {
    merged.set(from.subarray(i, i + rs), mi);
    mi += rs;
  };
  while (di < d.length && si < s.length) {
    if (pstore_ftrace_read_timestamp(d.subarray(di, di + rs)) < pstore_ftrace_read_timestamp(s.subarray(si, si + rs))) {
      take(d, di);
      di += rs;
    } else {
      take(s, si);
      si += rs;
    }
  }
  for (; di < d.length; di += rs) take(d, di);
  for (; si < s.length; si += rs) take(s, si);
  return merged;
};
