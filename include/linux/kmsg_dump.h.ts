// SPDX-License-Identifier: GPL-2.0
// Kernel log dumpers (linux/kmsg_dump.h): how pstore learns of an oops or panic and reads the
// log. Reasons keep Linux's numbers.
import { define_token } from './di.h.ts';

export const KMSG_DUMP_UNDEF = 0;
export const KMSG_DUMP_PANIC = 1;
export const KMSG_DUMP_OOPS = 2;
export const KMSG_DUMP_EMERG = 3;
export const KMSG_DUMP_SHUTDOWN = 4;
export const KMSG_DUMP_MAX = 5;
export type kmsg_dump_reason = number;

/** Position in the log while dumping (struct kmsg_dump_iter). */
export interface kmsg_dump_iter {
  cur_seq: number;
  next_seq: number;
}

export interface kmsg_dumper {
  /** Called on kmsg_dump() for reasons up to max_reason. May yield (our panic writes are polled I/O). */
  dump(dumper: kmsg_dumper, reason: kmsg_dump_reason, iter: kmsg_dump_iter): Promise<void> | void;
  /** 0 means KMSG_DUMP_OOPS (or KMSG_DUMP_MAX with printk.always_kmsg_dump). */
  max_reason: kmsg_dump_reason;
}

export interface kmsg_dump_api {
  /** Returns 0 or -EBUSY if already registered. */
  kmsg_dump_register(dumper: kmsg_dumper): number;
  /** Returns 0 or -EINVAL if not registered. */
  kmsg_dump_unregister(dumper: kmsg_dumper): number;
  kmsg_dump(reason: kmsg_dump_reason): Promise<void>;
  kmsg_dump_rewind(iter: kmsg_dump_iter): void;
  /** One record, oldest first; null when the iterator is exhausted. */
  kmsg_dump_get_line(iter: kmsg_dump_iter, syslog: boolean): string | null;
  /**
   * The newest records of [cur_seq, next_seq) that fit in @size bytes (less one, as in Linux),
   * each line prefixed; moves next_seq back so the next call returns the older part.
   * Returns null when nothing is left.
   */
  kmsg_dump_get_buffer(iter: kmsg_dump_iter, syslog: boolean, size: number): Uint8Array | null;
  kmsg_dump_reason_str(reason: kmsg_dump_reason): string;
}
export const KMSG_DUMP = define_token<kmsg_dump_api>('linux/kmsg_dump#kmsg_dump_api');
