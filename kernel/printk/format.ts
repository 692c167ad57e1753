// SPDX-License-Identifier: GPL-2.0
// How a record becomes text: the prefix of kernel/printk/printk.c (print_syslog, print_time,
// info_print_prefix) and record_print_text's one prefix per line. Byte lengths are UTF-8.
import type { printk_record } from '../../include/linux/printk.h.ts';

/** "[%5lu.%06lu]": seconds right-aligned in five columns, then microseconds. */
export const print_time = (ts_nsec: number): string => {
  const sec = Math.floor(ts_nsec / 1e9);
  const usec = Math.floor((ts_nsec % 1e9) / 1e3);
  return `[${String(sec).padStart(5, ' ')}.${String(usec).padStart(6, '0')}]`;
};

/** The prefix of every line of a record: "<prio>" when @syslog, "[time]" when @time, then a space. */
export const info_print_prefix = (r: printk_record, syslog: boolean, time: boolean): string => {
  let p = syslog ? `<${(r.facility << 3) | r.level}>` : '';
  if (time) p += print_time(r.ts_nsec) + ' ';
  return p;
};

/** The whole record as printed: every line prefixed, each ending in a newline. */
export const record_print_text = (r: printk_record, syslog: boolean, time: boolean): string => {
  const prefix = info_print_prefix(r, syslog, time);
  return prefix + r.text.split('\n').join('\n' + prefix) + '\n';
};

const encoder = new TextEncoder();

export const utf8_length = (s: string): number => {
  // Fast path: kernel logs are ASCII.
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return encoder.encode(s).length;
  return s.length;
};

export const utf8_encode = (s: string): Uint8Array => encoder.encode(s);
