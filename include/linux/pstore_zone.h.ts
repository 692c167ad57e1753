// SPDX-License-Identifier: GPL-2.0
// pstore/zone's contract with its device (include/linux/pstore_zone.h). Offsets are relative to
// the start of the area; any offset and length may be asked for, including 0 bytes.
import { define_token } from './di.h.ts';

/** Read buf.length bytes at @off; returns the bytes read (anything else is failure), -ENOMSG to skip a broken zone. */
export type pstore_zone_read_op = (buf: Uint8Array, off: number) => Promise<number>;
/**
 * Write @buf at @off; returns the bytes written. -EBUSY: not now, flush later. -ENOMSG: try
 * the next zone (kmsg). Anything else short is a failure and leaves the zone dirty.
 */
export type pstore_zone_write_op = (buf: Uint8Array, off: number) => Promise<number>;
/** Erase @size bytes at @off; 0 or -errno. */
export type pstore_zone_erase_op = (size: number, off: number) => Promise<number>;

/** struct pstore_zone_info. Sizes in bytes. */
export interface pstore_zone_info {
  owner: unknown;
  name: string;
  /** Area size: a multiple of 4096, at least 4096; more than 128 MiB is capped. */
  total_size: number;
  /** Per kmsg zone; 0 disables; else a multiple of 512. */
  kmsg_size: number;
  pmsg_size: number;
  console_size: number;
  /** All CPUs together. */
  ftrace_size: number;
  max_reason: number;
  read: pstore_zone_read_op;
  write: pstore_zone_write_op;
  erase?: pstore_zone_erase_op;
  /** Used for every zone write once a panic dump was written. Must not sleep or take locks. */
  panic_write?: pstore_zone_write_op;
}

export interface pstore_zone_api {
  register_pstore_zone(info: pstore_zone_info): Promise<number>;
  unregister_pstore_zone(info: pstore_zone_info): Promise<void>;
}
export const PSTORE_ZONE = define_token<pstore_zone_api>('linux/pstore_zone#pstore_zone_api');
