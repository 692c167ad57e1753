// SPDX-License-Identifier: GPL-2.0
// Board data of the serial-line host (ours, in the style of include/linux/platform_data): the
// byte link to the device end of docs/serial-protocol.md, and the line's timing.
import { define_token } from '../di.h.ts';
import type { mmc_caps_change } from '../mmc/host.h.ts';

/**
 * A byte link to the device, synchronous so that a polled panic path can use it with interrupts
 * off: a real transport does its I/O on another thread and blocks the caller (Atomics.wait); an
 * in-process one answers at once. A lost connection is reopened by the transport itself.
 */
export interface serial_link {
  /** Send @bytes; false when the link is down (nothing was sent). */
  write(bytes: Uint8Array): boolean;
  /**
   * What arrived since the last read, waiting up to @timeout_ms (real time) for the first byte;
   * empty when nothing came in time or the link is down.
   */
  read(timeout_ms: number): Uint8Array;
  /** Bumped each time the connection is (re)established: the device end may have restarted. */
  readonly generation: number;
  /** Whether the link is connected now. */
  readonly up: boolean;
  close(): void;
}

/** The board's capability changes (mmc_caps_change) go on top of what HELLO_ACK allows. */
export interface mmc_serial_platform_data extends mmc_caps_change {
  readonly link: serial_link;
  /** Line rate charged to the virtual clock for each byte on the wire (10 bits per byte). */
  readonly baud: number;
  /** Runtime-PM autosuspend delay of the controller, ms (default 50). */
  readonly autosuspend_ms?: number;
  /** Real time to wait for a reply before resending, ms (default 200), and resends (default 3). */
  readonly reply_timeout_ms?: number;
  readonly retries?: number;
}

/** Opens the link a board names ("tcp:127.0.0.1:4000", "serial:/dev/ttyUSB0?baud=921600"). */
export interface serial_links {
  open(url: string): { readonly link: serial_link; readonly baud: number };
}
/** The tool that loads a board provides its links; the simulated machine cannot open any. */
export const SERIAL_LINKS = define_token<serial_links>('platform_data/mmc_serial#serial_links');
