// SPDX-License-Identifier: GPL-2.0
// A pstore/zone device on an in-memory image, for tests: read, write, panic_write and erase
// on a Uint8Array, every call logged, any call's answer overridable.
import type { pstore_zone_info } from '../../../include/linux/pstore_zone.h.ts';

export type psz_mem_op = 'read' | 'write' | 'panic_write' | 'erase';

export interface psz_mem_io {
  readonly op: psz_mem_op;
  readonly off: number;
  readonly len: number;
  /** Virtual time of the call, from the device's clock. */
  readonly at: number;
  /** What the device answered. */
  readonly ret: number;
  /** For writes: the bytes written (a copy). */
  readonly data?: Uint8Array;
}

/** Return a number to answer the call with instead of performing it; undefined to perform it. */
export type psz_mem_fault = (op: psz_mem_op, off: number, len: number) => number | undefined;

export interface psz_mem_sizes {
  kmsg_size: number;
  pmsg_size?: number;
  console_size?: number;
  ftrace_size?: number;
  max_reason?: number;
  name?: string;
}

export class PszMemDevice {
  readonly log: psz_mem_io[] = [];
  fault: psz_mem_fault | null = null;

  /** @image is used in place (not copied). @now stamps the log. */
  constructor(
    readonly image: Uint8Array,
    private readonly now: () => number = () => 0,
  ) {}

  read = async (buf: Uint8Array, off: number): Promise<number> => this.io('read', buf, off);
  write = async (buf: Uint8Array, off: number): Promise<number> => this.io('write', buf, off);
  panic_write = async (buf: Uint8Array, off: number): Promise<number> => this.io('panic_write', buf, off);
  erase = async (size: number, off: number): Promise<number> => {
    const forced = this.fault?.('erase', off, size);
    const ret = forced ?? (off + size <= this.image.length ? (this.image.fill(0, off, off + size), 0) : -28);
    this.log.push({ op: 'erase', off, len: size, at: this.now(), ret });
    return ret;
  };

  /** A pstore_zone_info over the whole image; @with picks the optional callbacks. */
  info(sizes: psz_mem_sizes, with_: { panic_write?: boolean; erase?: boolean } = {}): pstore_zone_info {
    return {
      owner: null,
      name: sizes.name ?? 'pstore_blk',
      total_size: this.image.length,
      kmsg_size: sizes.kmsg_size,
      pmsg_size: sizes.pmsg_size ?? 0,
      console_size: sizes.console_size ?? 0,
      ftrace_size: sizes.ftrace_size ?? 0,
      max_reason: sizes.max_reason ?? 2,
      read: this.read,
      write: this.write,
      ...(with_.panic_write ? { panic_write: this.panic_write } : {}),
      ...(with_.erase ? { erase: this.erase } : {}),
    };
  }

  /** The logged calls of kind @op (all writes for 'writes'). */
  calls(op?: psz_mem_op | 'writes'): psz_mem_io[] {
    if (!op) return this.log;
    return this.log.filter((l) => (op === 'writes' ? l.op === 'write' || l.op === 'panic_write' : l.op === op));
  }

  private io(op: psz_mem_op, buf: Uint8Array, off: number): number {
    const len = buf.length;
    let ret = this.fault?.(op, off, len);
    if (ret === undefined) {
      const n = Math.max(0, Math.min(len, this.image.length - off));
      if (op === 'read') buf.set(this.image.subarray(off, off + n));
      else this.image.set(buf.subarray(0, n), off);
      ret = n;
    }
    this.log.push({ op, off, len, at: this.now(), ret, ...(op === 'read' ? {} : { data: buf.slice() }) });
    return ret;
  }
}
