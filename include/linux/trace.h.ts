// SPDX-License-Identifier: GPL-2.0
// Tracepoints (linux/tracepoint.h, trace/events/mmc.h): what the kernel reports to a tracer
// when one is on. Off by default; each call costs one test of `enabled` then.
import { define_token } from './di.h.ts';
import type { mmc_request } from './mmc/core.h.ts';

export interface trace_api {
  readonly enabled: boolean;
  /** Register accesses are many: traced only when asked for as well. */
  readonly mmio_enabled: boolean;
  /** trace_mmc_request_start(): a request goes to the host driver. */
  mmc_request_start(host: string, mrq: mmc_request): void;
  /** trace_mmc_request_done(): the request came back (or was polled to its end). */
  mmc_request_done(host: string, mrq: mmc_request): void;
  /** A spinlock taken or released by the current context. */
  lock(op: 'acquire' | 'release', name: string): void;
  /** panic() began on the current CPU. */
  panic(message: string): void;
  /** A register read or write of a device. */
  mmio(device: string, op: 'read' | 'write', offset: number, size: number, value: number): void;
}
export const TRACE = define_token<trace_api>('linux/trace#trace_api');
