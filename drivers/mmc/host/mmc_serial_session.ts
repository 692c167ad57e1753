// SPDX-License-Identifier: GPL-2.0
// The host end of the mmc_serial link (docs/serial-protocol.md §2–4): numbers each request,
// waits a bounded time for its reply, resends it unchanged when none came, drops stale and
// corrupt frames, and says HELLO again whenever the device may have lost track of us.
import { EIO, EPROTO, ETIMEDOUT } from '../../../include/linux/errno.h.ts';
import type { serial_link } from '../../../include/linux/platform_data/mmc_serial.h.ts';
import { serial_status_to_errno } from '../../../lib/mmc_serial/errors.ts';
import { FRAME_FROM_DEVICE, FRAME_OVERHEAD, FRAME_RETRANSMIT, FrameDecoder, MAX_PAYLOAD, encode_frame } from '../../../lib/mmc_serial/frame.ts';
import { CMD_DATA_READ, PROTOCOL_VERSION, decode_message, encode_message, type serial_message } from '../../../lib/mmc_serial/messages.ts';

export type hello_ack = Extract<serial_message, { type: 'hello_ack' }>;

/** A request's outcome: its replies (a read CMD's whole stream), and what it cost on the line. */
export interface exchange {
  /** 0, or why no usable reply came: -ETIMEDOUT, -EIO (link down), -EPROTO, or an ERROR's errno. */
  readonly err: number;
  readonly seq: number;
  readonly replies: readonly serial_message[];
  /** Bytes sent and received, retransmissions included. */
  readonly wire_bytes: number;
  /** Real time spent waiting for replies that never came, ms. */
  readonly waited_ms: number;
}

export interface session_options {
  /** Wait for a reply before resending, ms; a busy wait the request asks for is added. */
  readonly reply_timeout_ms: number;
  /** Resends of a request before it fails with -ETIMEDOUT. */
  readonly retries: number;
}

export interface session_stats {
  retransmits: number;
  timeouts: number;
  bad_crc: number;
  garbage_bytes: number;
  /** Good frames for a request we no longer wait for (a late reply to one already resent). */
  stale: number;
  resyncs: number;
}

export class mmc_serial_session {
  /** What the device said in its last HELLO_ACK; null until a HELLO succeeds. */
  device: hello_ack | null = null;
  readonly stats: session_stats = { retransmits: 0, timeouts: 0, bad_crc: 0, garbage_bytes: 0, stale: 0, resyncs: 0 };
  private seq = 0;
  /** The link generation our HELLO was answered on; -1 forces a HELLO before the next request. */
  private synced = -1;
  private readonly decoder = new FrameDecoder();

  constructor(
    readonly link: serial_link,
    readonly options: session_options,
  ) {}

  /** Largest payload both ends accept. */
  get max_payload(): number {
    return Math.min(MAX_PAYLOAD, this.device?.max_payload ?? MAX_PAYLOAD);
  }

  /** HELLO: version and capabilities; the device ends any transfer and forgets its reply cache. */
  hello(): exchange {
    const generation = this.link.generation;
    this.decoder.reset();
    const ex = this.send({ type: 'hello', version: PROTOCOL_VERSION, max_payload: MAX_PAYLOAD }, 0);
    const ack = ex.replies[0];
    if (ex.err) return ex;
    if (ack?.type !== 'hello_ack' || ack.version !== PROTOCOL_VERSION) return { ...ex, err: -EPROTO };
    this.device = ack;
    this.synced = generation;
    return ex;
  }

  /** Say HELLO before the next request: the device may be mid-transfer on a request we dropped. */
  resync_next(): void {
    this.synced = -1;
  }

  /**
   * Send @m and wait for its reply (a read CMD: its stream up to DATA_END), resending it on
   * silence. A reconnected link, or a request that got no reply at all, first costs a HELLO.
   */
  transact(m: serial_message, busy_ms = 0): exchange {
    // A dropped line gets one reply timeout to come back (the transport reconnects by itself).
    let waited_ms = this.link.up ? 0 : this.options.reply_timeout_ms;
    if (waited_ms) this.link.read(waited_ms);
    let wire_bytes = 0;
    if (this.synced !== this.link.generation) {
      if (this.device) this.stats.resyncs++;
      const h = this.hello();
      if (h.err) return { ...h, waited_ms: h.waited_ms + waited_ms };
      wire_bytes += h.wire_bytes;
      waited_ms += h.waited_ms;
    }
    const ex = this.send(m, busy_ms);
    return { ...ex, wire_bytes: ex.wire_bytes + wire_bytes, waited_ms: ex.waited_ms + waited_ms };
  }

  private send(m: serial_message, busy_ms: number): exchange {
    const seq = (this.seq = (this.seq + 1) & 0xffff);
    const { type, payload } = encode_message(m);
    const stream = m.type === 'cmd' && (m.flags & CMD_DATA_READ) !== 0;
    const timeout = this.options.reply_timeout_ms + busy_ms;
    let wire_bytes = 0;
    let waited_ms = 0;
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      if (attempt) {
        this.stats.retransmits++;
        this.decoder.reset();
      }
      const frame = encode_frame(type, seq, attempt ? FRAME_RETRANSMIT : 0, payload, this.max_payload);
      if (!this.link.write(frame)) {
        this.synced = -1;
        return { err: -EIO, seq, replies: [], wire_bytes, waited_ms };
      }
      wire_bytes += frame.length;
      const got = this.collect(seq, stream, timeout);
      wire_bytes += got.bytes;
      if (got.replies) {
        const error = got.replies.find((r) => r.type === 'error');
        const err = got.err || (error?.type === 'error' ? serial_status_to_errno(error.code) : 0);
        return { err, seq, replies: got.replies, wire_bytes, waited_ms };
      }
      waited_ms += timeout;
    }
    this.stats.timeouts++;
    this.synced = -1;
    return { err: -ETIMEDOUT, seq, replies: [], wire_bytes, waited_ms };
  }

  /**
   * Replies to @seq until complete, or null when the link stays silent for @timeout_ms. An
   * empty read means the time is up (an in-process link has nothing more to say at once).
   */
  private collect(seq: number, stream: boolean, timeout_ms: number): { replies: serial_message[] | null; err: number; bytes: number } {
    const replies: serial_message[] = [];
    const deadline = Date.now() + timeout_ms;
    let bytes = 0;
    for (;;) {
      const chunk = this.link.read(Math.max(0, deadline - Date.now()));
      if (!chunk.length) return { replies: null, err: 0, bytes };
      for (const d of this.decoder.push(chunk)) {
        if (d.kind === 'garbage') this.stats.garbage_bytes += d.bytes;
        else if (d.kind !== 'frame') this.stats.bad_crc++;
        else if (!(d.flags & FRAME_FROM_DEVICE) || d.seq !== seq) this.stats.stale++;
        else {
          bytes += FRAME_OVERHEAD + d.payload.length;
          const m = decode_message(d.type, d.payload);
          if ('error' in m) return { replies, err: -EPROTO, bytes };
          replies.push(m);
          const last = !stream || m.type === 'error' || m.type === 'data_end' || (m.type === 'cmd_resp' && m.status !== 0);
          if (last) return { replies, err: 0, bytes };
        }
      }
    }
  }
}
