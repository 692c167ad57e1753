// SPDX-License-Identifier: GPL-2.0
// The data phase of the bridge's device end (docs/serial-protocol.md §6.3, §6.4): a write fed to
// the card block by block and closed only once every block was taken (and busy ended), a read stream.
import { crc32_update } from '../../lib/mmc_serial/crc.ts';
import { SERIAL_ILLEGAL, SERIAL_OK, SERIAL_TIMEOUT } from '../../lib/mmc_serial/errors.ts';
import type { EmmcCard } from '../../hw/sd/emmc.ts';

/** Time as the bridge needs it: read it, and let it run (waiting for the card's busy). */
export interface bridge_clock {
  readonly now: number;
  advance_to(time: number): void;
}

/** Device default bound for busy waits and programming when the host sends 0 (ms). */
export const DEFAULT_BUSY_TIMEOUT_MS = 3000;

/** Wait (advancing the clock) until the card releases DAT0, at most @timeout_ms; true if it did. */
export function wait_busy(card: EmmcCard, clock: bridge_clock, timeout_ms: number): boolean {
  if (!card.busy) return true;
  const limit = clock.now + (timeout_ms || DEFAULT_BUSY_TIMEOUT_MS) * 1e6;
  const until = card.busyUntil;
  clock.advance_to(Math.min(until, limit));
  return !card.busy;
}

/** An open write: the CMD that opened it and how far the card got. */
export interface write_transfer {
  readonly cmd_seq: number;
  readonly blksz: number;
  readonly blocks: number;
  readonly wait_busy: boolean;
  readonly busy_timeout_ms: number;
  /** No CMD23 preceded: the device sends CMD12 at the end (and on error). */
  readonly open_ended: boolean;
  next: number;
  crc: number;
}

export type write_step =
  | { kind: 'ack'; next: number }
  | { kind: 'end'; status: number; blocks_done: number; crc: number };

/** CMD12 after an open-ended transfer; false if the card did not answer. */
export function stop_transmission(card: EmmcCard): boolean {
  return card.command(12, 0).kind === 'short';
}

/**
 * Feed @data (whole blocks starting at the expected index) to the card one block at a time. A
 * block the card does not take ends the transfer with an error; the last block ends it with
 * DATA_END, OK only after the stop command (open-ended) was answered and (WAIT_BUSY) busy ended.
 */
export function write_blocks(card: EmmcCard, clock: bridge_clock, t: write_transfer, data: Uint8Array): write_step {
  const k = data.length / t.blksz;
  for (let i = 0; i < k; i++) {
    const block = data.subarray(i * t.blksz, (i + 1) * t.blksz);
    const n = card.writeData(block);
    if (n !== t.blksz) {
      if (t.open_ended) stop_transmission(card);
      wait_busy(card, clock, t.busy_timeout_ms);
      return { kind: 'end', status: SERIAL_ILLEGAL, blocks_done: t.next, crc: t.crc };
    }
    t.crc = crc32_update(t.crc, block);
    t.next++;
  }
  if (t.next < t.blocks) return { kind: 'ack', next: t.next };
  if (t.open_ended && !stop_transmission(card)) return { kind: 'end', status: SERIAL_TIMEOUT, blocks_done: t.next, crc: t.crc };
  if (t.wait_busy && !wait_busy(card, clock, t.busy_timeout_ms))
    return { kind: 'end', status: SERIAL_TIMEOUT, blocks_done: t.next, crc: t.crc };
  return { kind: 'end', status: SERIAL_OK, blocks_done: t.next, crc: t.crc };
}

/** A read's data, in frames of at most @per_frame blocks, and how it ended. */
export interface read_result {
  chunks: { block_index: number; data: Uint8Array }[];
  status: number;
  blocks_done: number;
  crc: number;
}

/** Read @blocks blocks of @blksz from the card (CMD already accepted); CMD12 if @open_ended. */
export function read_blocks(card: EmmcCard, blksz: number, blocks: number, per_frame: number, open_ended: boolean): read_result {
  const out: read_result = { chunks: [], status: SERIAL_OK, blocks_done: 0, crc: 0 };
  while (out.blocks_done < blocks) {
    const k = Math.min(per_frame, blocks - out.blocks_done);
    const buf = new Uint8Array(k * blksz);
    const n = card.readData(buf);
    const whole = Math.floor(n / blksz);
    if (whole > 0) {
      const data = buf.slice(0, whole * blksz);
      out.chunks.push({ block_index: out.blocks_done, data });
      out.crc = crc32_update(out.crc, data);
      out.blocks_done += whole;
    }
    if (whole < k) {
      out.status = SERIAL_TIMEOUT;
      break;
    }
  }
  if (open_ended && !stop_transmission(card) && out.status === SERIAL_OK) out.status = SERIAL_TIMEOUT;
  return out;
}
