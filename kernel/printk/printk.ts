// SPDX-License-Identifier: GPL-2.0
// The printk ring buffer (kernel/printk/printk.c, printk_ringbuffer.c): records with sequence
// number, timestamp, level and caller; consoles; continuation lines. Never sleeps.
import { inject, injectable } from 'tsyringe';
import { KCONFIG, type kconfig } from '../../include/linux/kconfig.h.ts';
import { KERN_SOH, type console, type printk_api, type printk_record } from '../../include/linux/printk.h.ts';
import { VirtualClock } from '../time/clock.ts';
import { Cpus } from '../sched/cpus.ts';
import { print_time, utf8_length } from './format.ts';

/** CONFIG_LOG_BUF_SHIFT=17: the oldest records go once the text exceeds 128 KiB. */
const LOG_BUF_LEN = 1 << 17;
/** Bytes a record costs beyond its text (struct printk_info and descriptor, roughly). */
const RECORD_OVERHEAD = 88;

@injectable()
export class Printk implements printk_api {
  private records: printk_record[] = [];
  /** Index in `records` of the oldest record still in the buffer. */
  private head = 0;
  private bytes = 0;
  private next_seq = 0;
  /** The last record is an unfinished line that KERN_CONT may extend. */
  private cont_open = false;
  private consoles: console[] = [];
  /** Set at the end of panic (suppress_printk): nothing more is logged. */
  suppress = false;
  private readonly default_level: number;
  readonly time: boolean;

  constructor(
    @inject(VirtualClock) private readonly clock: VirtualClock,
    @inject(Cpus) private readonly cpus: Cpus,
    @inject(KCONFIG) config: kconfig,
  ) {
    this.default_level = Number(config['MESSAGE_LOGLEVEL_DEFAULT'] ?? 4);
    this.time = (config['PRINTK_TIME'] ?? 'y') === 'y';
  }

  printk(msg: string): number {
    if (this.suppress) return 0;
    let level = -1;
    let cont = false;
    while (msg.charCodeAt(0) === 1 && msg.length >= 2) {
      const k = msg[1]!;
      if (k >= '0' && k <= '7') level = k.charCodeAt(0) - 48;
      else if (k === 'c') cont = true;
      msg = msg.slice(2);
    }
    const ends = msg.endsWith('\n');
    const text = ends ? msg.slice(0, -1) : msg;
    const cur = this.cpus.current;
    const last = this.records[this.records.length - 1];
    if (cont && this.cont_open && last && last.pid === (cur?.pid ?? 0)) {
      last.text += text;
      this.bytes += utf8_length(text);
    } else {
      if (this.cont_open && last) this.emit(last);
      this.store({
        seq: this.next_seq++,
        ts_nsec: this.clock.now,
        level: level < 0 ? this.default_level : level,
        facility: 0,
        text,
        cpu: cur?.cpu ?? 0,
        pid: cur?.pid ?? 0,
      });
    }
    this.cont_open = !ends;
    if (ends) this.emit(this.records[this.records.length - 1]!);
    return text.length;
  }

  pr_emerg(msg: string): void {
    this.printk(KERN_SOH + '0' + msg);
  }
  pr_err(msg: string): void {
    this.printk(KERN_SOH + '3' + msg);
  }
  pr_warn(msg: string): void {
    this.printk(KERN_SOH + '4' + msg);
  }
  pr_notice(msg: string): void {
    this.printk(KERN_SOH + '5' + msg);
  }
  pr_info(msg: string): void {
    this.printk(KERN_SOH + '6' + msg);
  }
  pr_debug(msg: string): void {
    this.printk(KERN_SOH + '7' + msg);
  }

  register_console(con: console): void {
    this.consoles.push(con);
  }

  unregister_console(con: console): void {
    this.consoles = this.consoles.filter((c) => c !== con);
  }

  /** Records still in the buffer, oldest first (what /dev/kmsg and kmsg_dump walk). */
  log(): readonly printk_record[] {
    if (this.head > 0) {
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
    return this.records;
  }

  /** The buffer as `dmesg` prints it: "[    1.234567] text" per line. */
  dmesg(): string {
    return this.log()
      .map((r) => {
        const p = this.time ? print_time(r.ts_nsec) + ' ' : '';
        return p + r.text.split('\n').join('\n' + p) + '\n';
      })
      .join('');
  }

  private store(r: printk_record): void {
    this.records.push(r);
    this.bytes += utf8_length(r.text) + RECORD_OVERHEAD;
    while (this.bytes > LOG_BUF_LEN && this.head < this.records.length - 1) {
      this.bytes -= utf8_length(this.records[this.head]!.text) + RECORD_OVERHEAD;
      this.head++;
    }
    if (this.head > 4096) this.log();
  }

  private emit(r: printk_record): void {
    if (!this.consoles.length) return;
    const p = this.time ? print_time(r.ts_nsec) + ' ' : '';
    for (const c of this.consoles) c.write(p + r.text + '\n', r);
  }
}
