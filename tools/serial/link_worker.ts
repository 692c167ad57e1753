// SPDX-License-Identifier: GPL-2.0
// The thread behind open_link: keeps the TCP socket or serial port open (reopening it every 100 ms
// while it is lost) and moves what arrives into the shared ring for the blocked caller.
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { CTL, LINK_CLOSED, LINK_ERROR_BYTES, LINK_FAILED, LINK_RING_BYTES, LINK_RUNNING, LINK_STARTING, type link_command, type link_worker_data } from './link.ts';
import type { link_target } from './link_url.ts';

const RETRY_MS = 100;
/** Held bytes past which the transport is paused, so a caller that stops reading bounds our memory. */
const HOLD_LIMIT = LINK_RING_BYTES;

/** What a transport tells the ring side. It reconnects by itself after down(). */
interface transport_events {
  up(): void;
  down(): void;
  data(bytes: Uint8Array): void;
  /** The very first connection failed: the caller reports @why and terminates us. */
  failed(why: string): void;
}

interface transport {
  /** Send on the current connection; dropped when there is none. */
  write(bytes: Uint8Array): void;
  pause(): void;
  resume(): void;
  close(done: () => void): void;
}

const describe_error = (e: unknown): string => {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return e instanceof Error ? e.message : String(e);
};

const start_tcp = (target: Extract<link_target, { kind: 'tcp' }>, timeout_ms: number, events: transport_events): transport => {
  let current: Socket | undefined;
  let connected = false;
  let ever = false;
  let closing = false;
  let retry: NodeJS.Timeout | undefined;
  const attempt = (): void => {
    const s = connect({ host: target.host, port: target.port });
    current = s;
    let why: unknown;
    // A host that never answers would otherwise hold one attempt for minutes of SYN retries.
    const timer = setTimeout(() => s.destroy(Object.assign(new Error(`no answer in ${timeout_ms} ms`), { code: 'ETIMEDOUT' })), timeout_ms);
    s.on('error', (e) => (why = e));
    s.on('data', (b: Buffer) => events.data(b));
    s.once('connect', () => {
      clearTimeout(timer);
      connected = ever = true;
      s.setNoDelay(true);
      events.up();
    });
    s.once('close', () => {
      clearTimeout(timer);
      if (closing) return;
      const was = connected;
      connected = false;
      current = undefined;
      if (was) events.down();
      else if (!ever) return events.failed(describe_error(why));
      retry = setTimeout(attempt, RETRY_MS);
    });
  };
  attempt();
  return {
    write: (bytes) => void (connected && current?.write(bytes)),
    pause: () => void current?.pause(),
    resume: () => void current?.resume(),
    close: (done) => {
      closing = true;
      clearTimeout(retry);
      if (!current) return done();
      current.once('close', done);
      current.destroy();
    },
  };
};

/**
 * The serial port lives in a child process: serialport's native poller registers with the main
 * thread's event loop (uv_default_loop), not this one, so from here no read ever completes and
 * closing the port can crash the process. The child (serial-child.mjs) reopens the port by itself
 * and frames what it says on stdout; what we write to its stdin goes to the port.
 */
const SERIAL_CHILD = fileURLToPath(new URL('./serial-child.mjs', import.meta.url));

const start_serial = (target: Extract<link_target, { kind: 'serial' }>, events: transport_events): transport => {
  const child = spawn(process.execPath, [SERIAL_CHILD, target.path, String(target.baud), String(RETRY_MS)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let up = false;
  let ever = false;
  let closing = false;
  let held: Buffer = Buffer.alloc(0);
  child.stdout.on('data', (chunk: Buffer) => {
    held = held.length ? Buffer.concat([held, chunk]) : chunk;
    while (held.length >= 5) {
      const len = held.readUInt32LE(1);
      if (held.length < 5 + len) break;
      const type = String.fromCharCode(held[0]!);
      const payload = held.subarray(5, 5 + len);
      held = held.subarray(5 + len);
      if (type === 'D') events.data(payload);
      else if (type === 'U') {
        up = ever = true;
        events.up();
      } else if (type === 'N') {
        up = false;
        events.down();
      } else if (type === 'F') events.failed(payload.toString('utf8'));
    }
  });
  child.stdin.on('error', () => undefined);
  child.on('error', (e) => {
    if (!ever) events.failed(`cannot start the serial helper: ${describe_error(e)}`);
  });
  // 'close', not 'exit': it comes after the last of stdout, so an F frame is seen first.
  child.on('close', (code, sig) => {
    if (closing) return;
    // Past the first open only a bug gets here: without a port the helper retries, not exits.
    if (up) events.down();
    up = false;
    if (!ever) events.failed(`serial helper exited (${sig ?? `status ${code}`})`);
  });
  return {
    write: (bytes) => void (up && child.stdin.write(bytes)),
    pause: () => void child.stdout.pause(),
    resume: () => void child.stdout.resume(),
    close: (done) => {
      closing = true;
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', done);
      child.kill();
    },
  };
};

const run = (port: NonNullable<typeof parentPort>, data: link_worker_data): void => {
  const ctl = new Int32Array(data.ctl);
  const ring = new Uint8Array(data.ring);
  let closing = false;
  // Bytes that did not fit in the ring yet: pending[0] from offset `head_at` on.
  let pending: Uint8Array[] = [];
  let head_at = 0;
  let held = 0;
  let paused = false;

  const signal = (): void => {
    Atomics.add(ctl, CTL.signal, 1);
    Atomics.notify(ctl, CTL.signal);
  };
  const set_state = (state: number): void => {
    Atomics.store(ctl, CTL.state, state);
    Atomics.notify(ctl, CTL.state);
  };
  const room = (written: number): number => LINK_RING_BYTES - ((written - Atomics.load(ctl, CTL.taken)) | 0);
  const put = (bytes: Uint8Array, written: number): void => {
    const at = written & (LINK_RING_BYTES - 1);
    const first = Math.min(bytes.length, LINK_RING_BYTES - at);
    ring.set(bytes.subarray(0, first), at);
    ring.set(bytes.subarray(first), 0);
  };

  /** Move held bytes into the ring while it has room; if some remain, ask to be told of room. */
  const push = (): void => {
    let written = Atomics.load(ctl, CTL.written);
    for (;;) {
      const before = written;
      while (pending.length > 0) {
        const free = room(written);
        if (free <= 0) break;
        const head = pending[0]!;
        const n = Math.min(free, head.length - head_at);
        put(head.subarray(head_at, head_at + n), written);
        written = (written + n) | 0;
        head_at += n;
        held -= n;
        if (head_at === head.length) {
          pending.shift();
          head_at = 0;
        }
      }
      if (written !== before) {
        Atomics.store(ctl, CTL.written, written);
        signal();
      }
      if (pending.length === 0) break;
      // Raise the flag before looking again: either the caller sees it, or we see its room.
      Atomics.store(ctl, CTL.backlog, 1);
      if (room(written) <= 0) break;
      Atomics.compareExchange(ctl, CTL.backlog, 1, 0);
    }
    if (!paused && held >= HOLD_LIMIT) {
      paused = true;
      link.pause();
    } else if (paused && held === 0) {
      paused = false;
      link.resume();
    }
  };

  const events: transport_events = {
    up: () => {
      if (closing) return;
      Atomics.add(ctl, CTL.generation, 1);
      Atomics.store(ctl, CTL.up, 1);
      if (Atomics.load(ctl, CTL.state) === LINK_STARTING) set_state(LINK_RUNNING);
      signal();
    },
    // What the dead connection sent and the caller has not read is stale now: drop it.
    down: () => {
      pending = [];
      head_at = 0;
      held = 0;
      if (paused) link.resume();
      paused = false;
      Atomics.store(ctl, CTL.drop, Atomics.load(ctl, CTL.written));
      Atomics.store(ctl, CTL.up, 0);
      signal();
    },
    data: (bytes) => {
      if (closing || bytes.length === 0) return;
      pending.push(bytes);
      held += bytes.length;
      push();
    },
    failed: (why) => {
      // Only the first reason: a transport may report the same failure twice.
      if (Atomics.load(ctl, CTL.state) !== LINK_STARTING) return;
      const text = new TextEncoder().encode(why).subarray(0, LINK_ERROR_BYTES);
      new Uint8Array(data.error).set(text);
      Atomics.store(ctl, CTL.error_len, text.length);
      set_state(LINK_FAILED);
    },
  };
  const { target } = data;
  const link = target.kind === 'tcp' ? start_tcp(target, data.connect_timeout_ms, events) : start_serial(target, events);

  port.on('message', (m: link_command) => {
    if (m.kind === 'write') {
      // Meant for a connection that has since died: the device behind the new one never asked.
      if (m.generation === Atomics.load(ctl, CTL.generation)) link.write(m.bytes);
    } else if (m.kind === 'drained') push();
    else if (!closing) {
      closing = true;
      Atomics.store(ctl, CTL.up, 0);
      signal();
      link.close(() => set_state(LINK_CLOSED));
    }
  });
};

if (!parentPort) throw new Error('link_worker.ts runs in the worker thread started by open_link');
run(parentPort, workerData as link_worker_data);
