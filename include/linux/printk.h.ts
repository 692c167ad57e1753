// SPDX-License-Identifier: GPL-2.0
// printk and its levels (linux/printk.h, linux/kern_levels.h). A message starts with an
// optional level marker, as in C: printk(KERN_INFO + 'mmc0: ...\n').
import { define_token } from './di.h.ts';

export const KERN_SOH = '\x01';
export const KERN_EMERG = KERN_SOH + '0';
export const KERN_ALERT = KERN_SOH + '1';
export const KERN_CRIT = KERN_SOH + '2';
export const KERN_ERR = KERN_SOH + '3';
export const KERN_WARNING = KERN_SOH + '4';
export const KERN_NOTICE = KERN_SOH + '5';
export const KERN_INFO = KERN_SOH + '6';
export const KERN_DEBUG = KERN_SOH + '7';
/** Continues the previous line of the same caller. */
export const KERN_CONT = KERN_SOH + 'c';

/** One record of the ring buffer (struct printk_info plus its text). */
export interface printk_record {
  readonly seq: number;
  /** local_clock() at the time of the printk, in ns. */
  readonly ts_nsec: number;
  readonly level: number;
  readonly facility: number;
  /** Text without the trailing newline; may hold inner newlines. */
  text: string;
  /** CPU and pid of the caller (caller_id). */
  readonly cpu: number;
  readonly pid: number;
}

/** A console receives every line as it is logged (struct console). */
export interface console {
  readonly name: string;
  write(line: string, rec: printk_record): void;
}

export interface printk_api {
  /** Log @msg; returns the number of characters logged. Context: any, never sleeps. */
  printk(msg: string): number;
  pr_emerg(msg: string): void;
  pr_err(msg: string): void;
  pr_warn(msg: string): void;
  pr_notice(msg: string): void;
  pr_info(msg: string): void;
  pr_debug(msg: string): void;
  register_console(con: console): void;
  unregister_console(con: console): void;
}
export const PRINTK = define_token<printk_api>('linux/printk#printk_api');
