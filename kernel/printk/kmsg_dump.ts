// SPDX-License-Identifier: GPL-2.0
// kmsg_dump (kernel/printk/printk.c): dumper registration, the reason filter, and reading the
// log back in syslog form with the exact fitting rules pstore's byte layout depends on.
import { inject, injectable } from 'tsyringe';
import {
  KMSG_DUMP_MAX,
  KMSG_DUMP_OOPS,
  type kmsg_dump_api,
  type kmsg_dump_iter,
  type kmsg_dump_reason,
  type kmsg_dumper,
} from '../../include/linux/kmsg_dump.h.ts';
import { EBUSY, EINVAL } from '../../include/linux/errno.h.ts';
import type { printk_record } from '../../include/linux/printk.h.ts';
import { Printk } from './printk.ts';
import { info_print_prefix, record_print_text, utf8_encode, utf8_length } from './format.ts';

const REASONS = ['Unknown', 'Panic', 'Oops', 'Emergency', 'Shutdown'];

@injectable()
export class KmsgDump implements kmsg_dump_api {
  private dumpers: kmsg_dumper[] = [];
  /** printk.always_kmsg_dump: dumpers with max_reason 0 also get SHUTDOWN and EMERG. */
  always_kmsg_dump = false;

  constructor(@inject(Printk) private readonly printk: Printk) {}

  kmsg_dump_register(dumper: kmsg_dumper): number {
    if (this.dumpers.includes(dumper)) return -EBUSY;
    this.dumpers.push(dumper);
    return 0;
  }

  kmsg_dump_unregister(dumper: kmsg_dumper): number {
    if (!this.dumpers.includes(dumper)) return -EINVAL;
    this.dumpers = this.dumpers.filter((d) => d !== dumper);
    return 0;
  }

  async kmsg_dump(reason: kmsg_dump_reason): Promise<void> {
    for (const d of [...this.dumpers]) {
      let max = d.max_reason;
      if (max === 0) max = this.always_kmsg_dump ? KMSG_DUMP_MAX : KMSG_DUMP_OOPS;
      if (reason > max) continue;
      const iter: kmsg_dump_iter = { cur_seq: 0, next_seq: 0 };
      this.kmsg_dump_rewind(iter);
      await d.dump(d, reason, iter);
    }
  }

  kmsg_dump_rewind(iter: kmsg_dump_iter): void {
    const log = this.printk.log();
    iter.cur_seq = log.length ? log[0]!.seq : 0;
    iter.next_seq = log.length ? log[log.length - 1]!.seq + 1 : 0;
  }

  kmsg_dump_get_line(iter: kmsg_dump_iter, syslog: boolean): string | null {
    const log = this.clamp(iter);
    const r = log.find((x) => x.seq >= iter.cur_seq && x.seq < iter.next_seq);
    if (!r) return null;
    iter.cur_seq = r.seq + 1;
    return record_print_text(r, syslog, this.printk.time);
  }

  kmsg_dump_get_buffer(iter: kmsg_dump_iter, syslog: boolean, size: number): Uint8Array | null {
    const log = this.clamp(iter);
    if (size <= 0 || iter.cur_seq >= iter.next_seq) return null;
    const time = this.printk.time;
    const range = log.filter((r) => r.seq >= iter.cur_seq && r.seq < iter.next_seq);
    const cost = (r: printk_record): number => this.text_size(r, syslog, time);
    // find_first_fitting_seq(): drop the oldest records until the rest fit in size - 1.
    let len = range.reduce((n, r) => n + cost(r), 0);
    let first = 0;
    while (first < range.length && len > size - 1) len -= cost(range[first++]!);
    const text = range
      .slice(first)
      .map((r) => record_print_text(r, syslog, time))
      .join('');
    // As in Linux, a newest record larger than the buffer yields an empty buffer, not a cut one.
    if (first < range.length) iter.next_seq = range[first]!.seq;
    return utf8_encode(text);
  }

  kmsg_dump_reason_str(reason: kmsg_dump_reason): string {
    return REASONS[reason] ?? 'Unknown';
  }

  /** Records dropped from the ring since the iterator was set up are skipped, as in Linux. */
  private clamp(iter: kmsg_dump_iter): readonly printk_record[] {
    const log = this.printk.log();
    const min = log.length ? log[0]!.seq : 0;
    if (iter.cur_seq < min) iter.cur_seq = min;
    return log;
  }

  /** get_record_print_text_size(): a prefix per line, the text, and the final newline. */
  private text_size(r: printk_record, syslog: boolean, time: boolean): number {
    const lines = 1 + (r.text.match(/\n/g)?.length ?? 0);
    return info_print_prefix(r, syslog, time).length * lines + utf8_length(r.text) + 1;
  }
}
