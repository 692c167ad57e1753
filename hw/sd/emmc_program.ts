// SPDX-License-Identifier: GPL-2.0
// Media programming in virtual time, for power loss (QEMU keeps every write whole). Blocks
// reach the backend at once, as the rest of the model expects; the card keeps each block's old
// bytes until its programming has completed, so that a power cut can undo what the media did
// not finish.
//
// Timing: programming is sequential, in the order blocks reached the media. The blocks of one
// write (or cache flush) start programming when its data phase ends and complete one after
// another, spread evenly over the programming time its busy period already accounts for:
// block i of n programs in [from + i·ns/n, from + (i+1)·ns/n). Until its write is scheduled
// (data still arriving) a block has not started. So the busy the host sees is unchanged.
//
// A power cut at T: blocks completed by T stay new, blocks not started get their old bytes back,
// and the block in flight holds what the card's powerLoss option says: 'old', 'new', or 'torn',
// a new prefix of floor(512 · elapsed / duration) bytes over the old rest (programming stopped
// part-way), derived from T alone so that a run replays exactly.
import type { BlockBackend } from '../../include/hw/block.h.ts';

const BLOCK = 512;

/** What the block being programmed holds after a power cut. */
export type EmmcPowerLoss = 'old' | 'new' | 'torn';
export const POWER_LOSS_MODES: readonly EmmcPowerLoss[] = ['old', 'new', 'torn'];

/** A block on the media whose programming has not completed. start/end: null until scheduled. */
export interface PendingBlock {
  part: number;
  block: number;
  /** The 512 bytes the media held before. */
  old: Uint8Array;
  start: number | null;
  end: number | null;
}

/** What a power cut did: blocks rolled back, torn, and kept new although in flight. */
export interface PowerCutReport {
  time: number;
  old: number;
  torn: number;
  new: number;
}

export class MediaProgramming {
  /** In the order the blocks reached the media, which is the order they complete in. */
  private pending: PendingBlock[] = [];

  /** Blocks from @block of @part are about to be overwritten; @old holds their bytes now (whole blocks). */
  record(part: number, block: number, old: Uint8Array): void {
    for (let i = 0; i < old.length / BLOCK; i++) this.pending.push({ part, block: block + i, old: old.subarray(i * BLOCK, (i + 1) * BLOCK), start: null, end: null });
  }

  /** Bytes of blocks whose write has not been scheduled yet (its data phase still open). */
  get unscheduledBytes(): number {
    let n = 0;
    for (let i = this.pending.length - 1; i >= 0 && this.pending[i]!.end === null; i--) n += BLOCK;
    return n;
  }

  /** The unscheduled blocks program one after another over [@from, @from + @ns). */
  schedule(from: number, ns: number): void {
    let first = this.pending.length;
    while (first > 0 && this.pending[first - 1]!.end === null) first--;
    const n = this.pending.length - first;
    for (let i = 0; i < n; i++) {
      const e = this.pending[first + i]!;
      e.start = from + (i * ns) / n;
      e.end = from + ((i + 1) * ns) / n;
    }
  }

  /** Programming must be over by @until (a High Priority Interrupt cut the busy short): what is left is re-spread over [@now, @until). */
  hurry(now: number, until: number): void {
    const rest = this.pending.filter((e) => e.end !== null && e.end > now);
    if (!rest.some((e) => e.end! > until)) return;
    rest.forEach((e, i) => {
      e.start = now + (i * (until - now)) / rest.length;
      e.end = now + ((i + 1) * (until - now)) / rest.length;
    });
  }

  /** Forget blocks completed by @now. */
  settle(now: number): void {
    let k = 0;
    while (k < this.pending.length && this.pending[k]!.end !== null && this.pending[k]!.end! <= now) k++;
    if (k) this.pending.splice(0, k);
  }

  /**
   * Power is cut at @now: undo on @parts what the media had not finished, newest first (a
   * block written twice gets its oldest bytes back), then forget everything.
   */
  powerCut(now: number, parts: readonly (BlockBackend | null)[], mode: EmmcPowerLoss): PowerCutReport {
    const report: PowerCutReport = { time: now, old: 0, torn: 0, new: 0 };
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const e = this.pending[i]!;
      if (e.end !== null && e.end <= now) continue;
      const store = parts[e.part]!;
      const inFlight = e.start !== null && e.start <= now;
      const kept = !inFlight ? 0 : mode === 'new' ? BLOCK : mode === 'old' ? 0 : tornPrefix(now, e.start!, e.end!);
      if (kept === BLOCK) {
        report.new++;
        continue;
      }
      if (kept === 0) {
        store.write(e.block * BLOCK, e.old);
        report.old++;
        continue;
      }
      const cur = new Uint8Array(BLOCK);
      store.read(e.block * BLOCK, cur);
      cur.set(e.old.subarray(kept), kept);
      store.write(e.block * BLOCK, cur);
      report.torn++;
    }
    this.pending = [];
    return report;
  }

  /** The pending blocks (for saveState), completed ones excluded. */
  entries(now: number): PendingBlock[] {
    return this.pending.filter((e) => e.end === null || e.end > now);
  }

  /** Replace the pending blocks (loadState). */
  restore(entries: PendingBlock[]): void {
    this.pending = entries;
  }
}

/** New bytes at the head of a block whose programming over [@start, @end) stopped at @now. */
export const tornPrefix = (now: number, start: number, end: number): number =>
  end <= start ? BLOCK : Math.min(BLOCK, Math.max(0, Math.floor(((now - start) / (end - start)) * BLOCK)));
