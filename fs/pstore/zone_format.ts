// SPDX-License-Identifier: GPL-2.0
// The bytes pstore/zone keeps on its device (fs/pstore/zone.c: struct psz_buffer, struct
// psz_kmsg_header, the ring arithmetic of psz_record_write and the order recovery reads a ring
// back in). LP64 little-endian, as x86_64 and arm64 store them; Linux converts nothing.
import type { timespec64 } from '../../include/linux/pstore.h.ts';

/** "DBGC"; a zone stores PSZ_SIG ^ its pstore_type_id. */
export const PSZ_SIG = 0x43474244;
/** sizeof(struct psz_buffer): sig, datalen, start. */
export const PSZ_BUFFER_HDR_SIZE = 12;
export const PSTORE_KMSG_HEADER_MAGIC = 0x4dfc3ae5;
/** sizeof(struct psz_kmsg_header) on LP64: timespec64 makes it 8-aligned, 36 rounds up to 40. */
export const PSZ_KMSG_HDR_SIZE = 40;

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** The signature a zone of @type carries. */
export const psz_sig = (type: number): number => (PSZ_SIG ^ type) >>> 0;

/** struct psz_buffer's header. datalen and start are atomic_t: signed. */
export interface psz_buffer_hdr {
  sig: number;
  datalen: number;
  start: number;
}

/** Decode the 12-byte header at the start of @b (a zone, or a 12-byte read of one). Context: any. */
export const psz_buffer_decode = (b: Uint8Array): psz_buffer_hdr => {
  const v = view(b);
  return { sig: v.getUint32(0, true), datalen: v.getInt32(4, true), start: v.getInt32(8, true) };
};

/** Encode @h into the first 12 bytes of @out. Context: any. */
export const psz_buffer_encode = (h: psz_buffer_hdr, out: Uint8Array = new Uint8Array(PSZ_BUFFER_HDR_SIZE)): Uint8Array => {
  const v = view(out);
  v.setUint32(0, h.sig >>> 0, true);
  v.setInt32(4, h.datalen | 0, true);
  v.setInt32(8, h.start | 0, true);
  return out;
};

export const buffer_sig = (b: Uint8Array): number => view(b).getUint32(0, true);
export const set_buffer_sig = (b: Uint8Array, sig: number): void => view(b).setUint32(0, sig >>> 0, true);
export const buffer_datalen = (b: Uint8Array): number => view(b).getInt32(4, true);
export const set_buffer_datalen = (b: Uint8Array, n: number): void => view(b).setInt32(4, n | 0, true);
export const buffer_start = (b: Uint8Array): number => view(b).getInt32(8, true);
export const set_buffer_start = (b: Uint8Array, n: number): void => view(b).setInt32(8, n | 0, true);

/** struct psz_kmsg_header, the first 40 bytes of a kmsg zone's data. */
export interface psz_kmsg_header {
  magic: number;
  time: timespec64;
  compressed: boolean;
  /** u32: how many dumps of this reason the area has seen. */
  counter: number;
  /** enum kmsg_dump_reason (int). */
  reason: number;
}

/** Decode a kmsg header from the first 40 bytes of @b (zone offset 12). Context: any. */
export const psz_kmsg_header_decode = (b: Uint8Array): psz_kmsg_header => {
  const v = view(b);
  return {
    magic: v.getUint32(0, true),
    time: { tv_sec: Number(v.getBigInt64(8, true)), tv_nsec: Number(v.getBigInt64(16, true)) },
    // A C bool that holds anything but 0 tests true.
    compressed: v.getUint8(24) !== 0,
    counter: v.getUint32(28, true),
    reason: v.getInt32(32, true),
  };
};

/** Encode @h into the first 40 bytes of @out, padding zeroed as the kzalloc'd buffer has it. Context: any. */
export const psz_kmsg_header_encode = (h: psz_kmsg_header, out: Uint8Array = new Uint8Array(PSZ_KMSG_HDR_SIZE)): Uint8Array => {
  out.fill(0, 0, PSZ_KMSG_HDR_SIZE);
  const v = view(out);
  v.setUint32(0, h.magic >>> 0, true);
  v.setBigInt64(8, BigInt.asIntN(64, BigInt(h.time.tv_sec)), true);
  v.setBigInt64(16, BigInt.asIntN(64, BigInt(h.time.tv_nsec)), true);
  v.setUint8(24, h.compressed ? 1 : 0);
  v.setUint32(28, h.counter >>> 0, true);
  v.setInt32(32, h.reason | 0, true);
  return out;
};

const REASONS: Readonly<Record<number, string>> = { 1: 'Panic', 2: 'Oops', 3: 'Emergency', 4: 'Shutdown' };

/** kmsg_dump_reason_str() (printk.c): what the "Total" line and the registration line print. */
export const kmsg_dump_reason_str = (reason: number): string => REASONS[reason] ?? 'Unknown';

/** One copy of a ring write: @len bytes from record offset @src to data offset @dst. */
export interface psz_ring_segment {
  readonly src: number;
  readonly dst: number;
  readonly len: number;
}

/** Where a ring write lands (psz_record_write's arithmetic). */
export interface psz_ring_plan {
  /** The part that fills [start, buffer_size) before wrapping; null when the rest fits. Its len may be 0. */
  readonly wrap: psz_ring_segment | null;
  /** The part at the write position (0 after a wrap). */
  readonly tail: psz_ring_segment;
  /** The new start: the end of the last byte written, 0..buffer_size. */
  readonly new_start: number;
}

/**
 * psz_ring_plan() - split a write of @cnt bytes into a zone whose next write offset is @start:
 * only the last @buffer_size bytes of a larger write are kept; what does not fit before the
 * end wraps to offset 0.
 * Context: any.
 */
export const psz_ring_plan = (buffer_size: number, start: number, cnt: number): psz_ring_plan => {
  let src = 0;
  if (cnt > buffer_size) {
    src = cnt - buffer_size;
    cnt = buffer_size;
  }
  const rem = buffer_size - start;
  let wrap: psz_ring_segment | null = null;
  if (rem < cnt) {
    wrap = { src, dst: start, len: rem };
    src += rem;
    cnt -= rem;
    start = 0;
  }
  return { wrap, tail: { src, dst: start, len: cnt }, new_start: start + cnt };
};

/**
 * psz_ring_append() - the state psz_record_write leaves in a ring zone @zone (12-byte header
 * then data) after writing @data: bytes copied per psz_ring_plan(), start = the new write
 * position, datalen = start until the ring first wraps and buffer_size from then on.
 * For tools and tests; the live write path issues the same plan as device writes.
 * Context: any.
 */
export const psz_ring_append = (zone: Uint8Array, data: Uint8Array): void => {
  const buffer_size = zone.length - PSZ_BUFFER_HDR_SIZE;
  const plan = psz_ring_plan(buffer_size, buffer_start(zone), data.length);
  let full = buffer_datalen(zone) >>> 0 >= buffer_size;
  for (const s of plan.wrap ? [plan.wrap, plan.tail] : [plan.tail]) zone.set(data.subarray(s.src, s.src + s.len), PSZ_BUFFER_HDR_SIZE + s.dst);
  if (plan.wrap) full = true;
  set_buffer_start(zone, plan.new_start);
  if (full) set_buffer_datalen(zone, buffer_size);
  else if (plan.tail.len) set_buffer_datalen(zone, plan.new_start);
};

/**
 * psz_ring_read_segments() - the two data ranges a ring with @start and @datalen reads back
 * as, oldest first: [start, datalen) then [0, start). Right before and after the first wrap.
 * Context: any.
 */
export const psz_ring_read_segments = (start: number, datalen: number): [psz_ring_segment, psz_ring_segment] => [
  { src: start, dst: 0, len: datalen - start },
  { src: 0, dst: datalen - start, len: start },
];

/** psz_ring_read() - a ring zone's data area @data read back in chronological order. Context: any. */
export const psz_ring_read = (data: Uint8Array, start: number, datalen: number): Uint8Array => {
  const out = new Uint8Array(datalen);
  for (const s of psz_ring_read_segments(start, datalen)) out.set(data.subarray(s.src, s.src + s.len), s.dst);
  return out;
};
