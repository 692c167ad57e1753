// SPDX-License-Identifier: GPL-2.0
// A serial_link whose far end runs in-process: what is written goes straight to the device end,
// its replies wait to be read. Nothing arrives late, so an empty read stands for a full timeout;
// that makes a run over it deterministic and as fast as the device model.
import type { serial_link } from '../../include/linux/platform_data/mmc_serial.h.ts';

/** The device end: bytes in, reply frames out; 'disconnect' or 'kill' ends the line after them. */
export type loop_peer = (bytes: Uint8Array) => { replies: readonly Uint8Array[]; action?: 'none' | 'disconnect' | 'kill' };

export class LoopLink implements serial_link {
  generation = 1;
  up = true;
  /** Bytes that crossed, each way. */
  readonly wire = { out: 0, in: 0 };
  private pending: Uint8Array[] = [];

  constructor(private readonly peer: loop_peer) {}

  write(bytes: Uint8Array): boolean {
    if (!this.up) return false;
    this.wire.out += bytes.length;
    const r = this.peer(bytes);
    if (r.action === 'disconnect' || r.action === 'kill') {
      this.up = false;
      this.pending = [];
      return true;
    }
    this.pending.push(...r.replies);
    return true;
  }

  read(_timeout_ms: number): Uint8Array {
    const n = this.pending.reduce((s, p) => s + p.length, 0);
    const out = new Uint8Array(n);
    let at = 0;
    for (const p of this.pending) {
      out.set(p, at);
      at += p.length;
    }
    this.pending = [];
    this.wire.in += n;
    return out;
  }

  /** The far end came back (a restarted bridge): a new connection. */
  reconnect(): void {
    this.up = true;
    this.pending = [];
    this.generation++;
  }

  close(): void {
    this.up = false;
  }
}
