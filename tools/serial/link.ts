// SPDX-License-Identifier: GPL-2.0
// open_link: a synchronous serial_link over TCP or a serial device. A worker thread owns the
// transport; this side blocks on shared memory (Atomics.wait) and never needs the event loop.
import { Worker } from 'node:worker_threads';
import type { serial_link } from '../../include/linux/platform_data/mmc_serial.h.ts';
import { format_link_target, link_url_baud, parse_link_url, type link_target } from './link_url.ts';

const ENTRY = new URL('./link-worker-entry.mjs', import.meta.url);

/** Worker→caller bytes. Indices are running byte counts (wrapping at 2^32); a power of two. */
export const LINK_RING_BYTES = 1 << 20;

/** Int32 slots of the control block shared with the worker. */
export const CTL = {
  /** LINK_STATE_*: the caller waits here for the first connection and for close. */
  state: 0,
  up: 1,
  generation: 2,
  /** Bytes ever put in the ring (worker) and taken out (caller). */
  written: 3,
  taken: 4,
  /** Bumped on new bytes and on up/down: what read() waits on. */
  signal: 5,
  /** Everything before this count belongs to a dead connection: the caller skips it. */
  drop: 6,
  /** 1 while the worker holds bytes that did not fit; the caller then says it made room. */
  backlog: 7,
  /** Length of the UTF-8 failure text in the error buffer. */
  error_len: 8,
  words: 9,
} as const;

export const LINK_STARTING = 0;
export const LINK_RUNNING = 1;
export const LINK_FAILED = 2;
export const LINK_CLOSED = 3;

export const LINK_ERROR_BYTES = 1024;

export interface link_worker_data {
  readonly target: link_target;
  readonly connect_timeout_ms: number;
  readonly ctl: SharedArrayBuffer;
  readonly ring: SharedArrayBuffer;
  readonly error: SharedArrayBuffer;
}

/** Caller→worker. Writes carry the generation they were meant for: never to a newer device. */
export type link_command = { readonly kind: 'write'; readonly generation: number; readonly bytes: Uint8Array } | { readonly kind: 'drained' } | { readonly kind: 'close' };

export interface link_options {
  /** Real time to wait for the worker to start and connect the first time, ms (default 5000). */
  readonly connect_timeout_ms?: number;
}

const EMPTY = new Uint8Array(0);
/** How long close() lets the worker shut the transport down cleanly before terminating it. */
const CLOSE_GRACE_MS = 500;

const wait_state_change = (ctl: Int32Array, from: number, timeout_ms: number): number => {
  const deadline = performance.now() + timeout_ms;
  for (;;) {
    const state = Atomics.load(ctl, CTL.state);
    const left = deadline - performance.now();
    if (state !== from || left <= 0) return state;
    Atomics.wait(ctl, CTL.state, from, left);
  }
};

/** A link as open_link() gives it: the URL it was opened with, normalised, and the line rate to charge. */
export type opened_link = serial_link & { readonly description: string; readonly baud: number };

/** Open the link written @url, blocking until connected; throws if it cannot connect in time. */
export const open_link = (url: string, options: link_options = {}): opened_link => {
  const target = parse_link_url(url);
  const connect_timeout_ms = options.connect_timeout_ms ?? 5000;
  const data: link_worker_data = {
    target,
    connect_timeout_ms,
    ctl: new SharedArrayBuffer(CTL.words * Int32Array.BYTES_PER_ELEMENT),
    ring: new SharedArrayBuffer(LINK_RING_BYTES),
    error: new SharedArrayBuffer(LINK_ERROR_BYTES),
  };
  const ctl = new Int32Array(data.ctl);
  const ring = new Uint8Array(data.ring);
  const worker = new Worker(ENTRY, { workerData: data });
  // A forgotten link must not keep a CLI alive, and a dying worker only takes the link down.
  worker.unref();
  worker.on('error', () => Atomics.store(ctl, CTL.up, 0));
  worker.on('exit', () => Atomics.store(ctl, CTL.up, 0));

  const state = wait_state_change(ctl, LINK_STARTING, connect_timeout_ms);
  if (state !== LINK_RUNNING) {
    void worker.terminate().catch(() => undefined);
    const len = Atomics.load(ctl, CTL.error_len);
    const why = state === LINK_FAILED ? new TextDecoder().decode(new Uint8Array(data.error).slice(0, len)) : `no connection after ${connect_timeout_ms} ms`;
    throw new Error(`cannot connect to ${url}: ${why}`);
  }

  let closed = false;
  const post = (command: link_command, transfer: ArrayBuffer[] = []): void => worker.postMessage(command, transfer);

  /** Everything in the ring that belongs to the live connection. */
  const take = (): Uint8Array => {
    let taken = Atomics.load(ctl, CTL.taken);
    const drop = Atomics.load(ctl, CTL.drop);
    if (((drop - taken) | 0) > 0) taken = drop;
    const written = Atomics.load(ctl, CTL.written);
    const n = (written - taken) | 0;
    let out = EMPTY;
    if (n > 0) {
      out = new Uint8Array(n);
      const at = taken & (LINK_RING_BYTES - 1);
      const first = Math.min(n, LINK_RING_BYTES - at);
      out.set(ring.subarray(at, at + first));
      out.set(ring.subarray(0, n - first), first);
    }
    Atomics.store(ctl, CTL.taken, written);
    if (Atomics.compareExchange(ctl, CTL.backlog, 1, 0) === 1) post({ kind: 'drained' });
    return out;
  };

  return {
    description: format_link_target(target),
    baud: link_url_baud(target),
    get up(): boolean {
      return !closed && Atomics.load(ctl, CTL.up) === 1;
    },
    get generation(): number {
      return Atomics.load(ctl, CTL.generation);
    },
    write(bytes: Uint8Array): boolean {
      if (closed || Atomics.load(ctl, CTL.up) !== 1) return false;
      // A copy of just these bytes (not the view's whole buffer), handed over without a second copy.
      const copy = bytes.slice();
      post({ kind: 'write', generation: Atomics.load(ctl, CTL.generation), bytes: copy }, [copy.buffer]);
      return true;
    },
    read(timeout_ms: number): Uint8Array {
      if (closed) return EMPTY;
      // While down this still waits out @timeout_ms, so a caller retrying in a loop does not spin.
      const deadline = performance.now() + Math.max(0, timeout_ms);
      for (;;) {
        const seen = Atomics.load(ctl, CTL.signal);
        const got = take();
        if (got.length) return got;
        const left = deadline - performance.now();
        if (left <= 0) return EMPTY;
        Atomics.wait(ctl, CTL.signal, seen, left);
      }
    },
    close(): void {
      if (closed) return;
      closed = true;
      try {
        // Let the worker close the device itself (a terminated thread may leave the fd open).
        post({ kind: 'close' });
        wait_state_change(ctl, LINK_RUNNING, CLOSE_GRACE_MS);
      } catch {
        // Already gone: nothing to close.
      }
      void worker.terminate().catch(() => undefined);
    },
  };
};
