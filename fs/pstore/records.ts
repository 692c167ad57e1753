// SPDX-License-Identifier: GPL-2.0
// What a record read from the backend becomes in the pstore filesystem: decompress_record() of
// fs/pstore/platform.c, the file name and times of pstore_mkfile() in fs/pstore/inode.c, and the
// text the ftrace file shows through its seq_file (pstore_ftrace_seq_show).
import { PSTORE_TYPE_DMESG, PSTORE_TYPE_FTRACE, PSTORE_TYPE_NAMES } from '../../include/linux/pstore.h.ts';
import type { pstore_record, timespec64 } from '../../include/linux/pstore.h.ts';
import type { pstore_compressor_t } from './compress.ts';

/** One file of /sys/fs/pstore. */
export interface pstore_file {
  /** "<type>-<backend>-<id>", with ".enc.z" when the bytes are still compressed. */
  name: string;
  /** What read(2) of the file returns. */
  data: Uint8Array<ArrayBuffer>;
  /** The record's time (dmesg with tv_sec != 0), or null for the time the record was read. */
  mtime: timespec64 | null;
  /** The record as pstorefs keeps it: decompressed if that worked. */
  record: pstore_record;
}

/** pstore_type_to_name(). */
export const pstore_type_to_name = (type: number): string => PSTORE_TYPE_NAMES[type] ?? 'unknown';

/** struct pstore_ftrace_record on 64-bit: ip, parent_ip, ts with the CPU in its low 8 bits. */
const REC_SIZE = 24;
const TS_CPU_SHIFT = 8n;
const TS_CPU_MASK = (1n << TS_CPU_SHIFT) - 1n;

const hex08 = (v: bigint): string => v.toString(16).padStart(8, '0');
// %ps / %pS: we have no kallsyms, and Linux prints an address kallsyms does not know as
// "0x%lx" (sprint_symbol without a name), so that is what every symbol field shows.
const sym = (v: bigint): string => `0x${v.toString(16)}`;

/**
 * pstore_ftrace_text - the ftrace file's content: one line per 24-byte record of the merged
 * binary @buf, "CPU:%d ts:%llu %08lx  %08lx  %ps <- %pS\n"; a leading buf.length % 24 bytes
 * are skipped as seq_start does. Context: any; pure.
 */
export function pstore_ftrace_text(buf: Uint8Array): Uint8Array<ArrayBuffer> {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const lines: string[] = [];
  for (let off = buf.length % REC_SIZE; off + REC_SIZE <= buf.length; off += REC_SIZE) {
    const ip = dv.getBigUint64(off, true);
    const parent_ip = dv.getBigUint64(off + 8, true);
    const ts = dv.getBigUint64(off + 16, true);
    lines.push(`CPU:${ts & TS_CPU_MASK} ts:${ts >> TS_CPU_SHIFT} ${hex08(ip)}  ${hex08(parent_ip)}  ${sym(ip)} <- ${sym(parent_ip)}\n`);
  }
  const text = new TextEncoder().encode(lines.join('')); // never in shared memory
  return new Uint8Array(text.buffer as ArrayBuffer, text.byteOffset, text.length);
}

/**
 * decompress_record() - a compressed dmesg record inflated, or null when it stays as it is
 * (not compressed, not dmesg, no compression set up, or the stream does not inflate within the
 * profile's limit; Linux logs that and keeps the record compressed).
 */
function decompress_record(record: pstore_record, data: Uint8Array, compressor: pstore_compressor_t, bufsize: number | undefined): Uint8Array<ArrayBuffer> | null {
  if (!record.compressed || record.type !== PSTORE_TYPE_DMESG || !compressor.name) return null;
  if (bufsize === undefined) throw new TypeError('pstore_file_of: a compressed record needs the backend bufsize (record.psi or the bufsize argument)');
  return compressor.decompress(data, bufsize);
}

/**
 * pstore_file_of() - the pstorefs file for @record read from backend @backend_name.
 * @bufsize: the backend's pstore_info.bufsize, which sets the decompression limit; defaults
 * to record.psi.bufsize. The input record is not modified. Context: may be slow (inflate); pure.
 */
export function pstore_file_of(record: pstore_record, backend_name: string, compressor: pstore_compressor_t, bufsize = record.psi?.bufsize): pstore_file {
  const buf = record.buf ?? new Uint8Array(0);
  const payload = buf.subarray(0, record.size);
  // An ECC notice (ram backends) follows the payload and stays after the decompressed text.
  const notice = buf.subarray(record.size, record.size + record.ecc_notice_size);
  const unzipped = decompress_record(record, payload, compressor, bufsize);
  const body = unzipped ?? payload;
  const out: pstore_record = { ...record, compressed: record.compressed && !unzipped, size: body.length };
  const file_buf = new Uint8Array(body.length + notice.length);
  file_buf.set(body);
  file_buf.set(notice, body.length);
  out.buf = file_buf;
  const name = `${pstore_type_to_name(out.type)}-${backend_name}-${out.id}${out.compressed ? '.enc.z' : ''}`;
  // pstore_file_open() shows every ftrace record through the seq_file, even one left compressed.
  const data = out.type === PSTORE_TYPE_FTRACE ? pstore_ftrace_text(file_buf) : file_buf;
  const mtime = out.type === PSTORE_TYPE_DMESG && out.time.tv_sec !== 0 ? { ...out.time } : null;
  return { name, data, mtime, record: out };
}
