// SPDX-License-Identifier: GPL-2.0
// The persistent store core's contract (include/linux/pstore.h): record types and their file
// name parts, a record, and what a backend provides.
import { define_token } from './di.h.ts';

export const PSTORE_TYPE_DMESG = 0;
export const PSTORE_TYPE_MCE = 1;
export const PSTORE_TYPE_CONSOLE = 2;
export const PSTORE_TYPE_FTRACE = 3;
export const PSTORE_TYPE_PPC_RTAS = 4;
export const PSTORE_TYPE_PPC_OF = 5;
export const PSTORE_TYPE_PPC_COMMON = 6;
export const PSTORE_TYPE_PMSG = 7;
export const PSTORE_TYPE_PPC_OPAL = 8;
/** pstore_type_to_name(): the first part of a pstorefs file name. */
export const PSTORE_TYPE_NAMES = ['dmesg', 'mce', 'console', 'ftrace', 'rtas', 'powerpc-ofw', 'powerpc-common', 'pmsg', 'powerpc-opal'] as const;

export const PSTORE_FLAGS_DMESG = 1 << 0;
export const PSTORE_FLAGS_CONSOLE = 1 << 1;
export const PSTORE_FLAGS_FTRACE = 1 << 2;
export const PSTORE_FLAGS_PMSG = 1 << 3;

export interface timespec64 {
  tv_sec: number;
  tv_nsec: number;
}

/** struct pstore_record. */
export interface pstore_record {
  psi: pstore_info | null;
  type: number;
  id: number;
  time: timespec64;
  /** The payload; on write at most psi.bufsize bytes, on read whatever the backend returns. */
  buf: Uint8Array | null;
  /** Bytes of buf that are payload. */
  size: number;
  /** kmsg dump part (1-based). */
  part: number;
  /** kmsg dump count (oopscount of this boot on write; the header counter on read). */
  count: number;
  reason: number;
  compressed: boolean;
  ecc_notice_size: number;
}

/** A record with every field zero but @psi and @time (the start of pstore_record_init()). */
export const pstore_record_zero = (psi: pstore_info | null, time: timespec64): pstore_record => ({
  psi, type: 0, id: 0, time, buf: null, size: 0, part: 0, count: 0, reason: 0, compressed: false, ecc_notice_size: 0,
});

/** struct pstore_info: a backend. Byte counts are returned as in C: >= 0 bytes, < 0 -errno. */
export interface pstore_info {
  readonly name: string;
  /** The record buffer handed to write (pstore_info.buf). */
  buf: Uint8Array;
  /** Largest record write accepts (pstore_info.bufsize). */
  bufsize: number;
  flags: number;
  max_reason: number;
  open(psi: pstore_info): Promise<number>;
  close(psi: pstore_info): Promise<number>;
  /** Fill @record with the next stored record; returns its size, or 0 when there are no more. */
  read(record: pstore_record): Promise<number>;
  /** Store @record; 0 or -errno. Context: any (kmsg dumps come in panic context). */
  write(record: pstore_record): Promise<number>;
  /** Remove @record from storage; 0 or -errno. */
  erase?(record: pstore_record): Promise<number>;
}

/** The core's functions (fs/pstore/platform.c exports). */
export interface pstore_api {
  /** Register the one backend; -EPERM (6.1) or -EBUSY (6.6+) when another holds the slot. */
  pstore_register(psi: pstore_info): Promise<number>;
  pstore_unregister(psi: pstore_info): Promise<void>;
  /** A fresh record for @psi (pstore_record_init): time = the wall clock now. */
  pstore_record_init(psi: pstore_info): pstore_record;
}
export const PSTORE = define_token<pstore_api>('linux/pstore#pstore_api');

/** The frontends user space and the tracer reach: /dev/pmsg0 and the ftrace callback. */
export interface pstore_frontend_api {
  /** write(2) on /dev/pmsg0: one record with the whole buffer. Returns bytes or -errno. Context: may sleep. */
  pmsg_write(data: Uint8Array): Promise<number>;
  /** One traced call (pstore_ftrace_call): ip and parent_ip, recorded with the CPU and a counter. */
  ftrace_call(ip: bigint, parent_ip: bigint): Promise<void>;
}
export const PSTORE_FRONTENDS = define_token<pstore_frontend_api>('linux/pstore#pstore_frontend_api');

/** A file of the pstore filesystem (/sys/fs/pstore). */
export interface pstore_dirent {
  readonly name: string;
  readonly size: number;
  readonly mode: number;
  /** Record time for dmesg, else the time the record was read. */
  readonly mtime: timespec64;
}

/** The pstore filesystem as seen from user space. */
export interface pstorefs_api {
  /** mount -t pstore: reads every record of the backend (which runs pstore/zone recovery). */
  mount(): Promise<number>;
  readonly mounted: boolean;
  readdir(): readonly pstore_dirent[];
  /** The file's bytes, or null when there is no such file. */
  read(name: string): Uint8Array | null;
  /** rm: erase the record in the backend; -ENOENT, or -EPERM when the backend cannot erase. */
  unlink(name: string): Promise<number>;
}
export const PSTOREFS = define_token<pstorefs_api>('linux/pstore#pstorefs_api');
