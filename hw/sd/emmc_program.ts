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

/**
 * Consecutive blocks that reached the media in one call, with their old bytes in one buffer:
 * a 512 KiB write is one of these, not 1024 objects on the write path. Block i programs over
 * [start[i], end[i]); both are filled when the run is scheduled.
 */
interface PendingRun {
  readonly part: number;
  readonly block: number;
  readonly old: Uint8Array;
  readonly start: Float64Array;
  readonly end: Float64Array;
  scheduled: boolean;
}

const run_of = (part: number, block: number, old: Uint8Array): PendingRun => {
  const n = old.length / BLOCK;
  return { part, block, old, start: new Float64Array(n), end: new Float64Array(n), scheduled: false };
};

const blocks_of = (r: PendingRun): number => r.start.length;

export class MediaProgramming {
  /** In the order the blocks reached the media, which is the order they complete in. */
  private pending: PendingRun[] = [];

  /** Blocks from @block of @part are about to be overwritten; @old holds their bytes now (whole blocks). */
  record(part: number, block: number, old: Uint8Array): void {
    if (old.length) this.pending.push(run_of(part, block, old));
  }

  /** The runs at the end whose write has not been scheduled yet (its data phase still open). */
  private unscheduled(): PendingRun[] {
    let first = this.pending.length;
    while (first > 0 && !this.pending[first - 1]!.scheduled) first--;
    return this.pending.slice(first);
  }

  /** Bytes of blocks whose write has not been scheduled yet. */
  get unscheduledBytes(): number {
    return this.unscheduled().reduce((n, r) => n + r.old.length, 0);
  }

  /** The unscheduled blocks program one after another over [@from, @from + @ns). */
  schedule(from: number, ns: number): void {
    const runs = this.unscheduled();
    const n = runs.reduce((k, r) => k + blocks_of(r), 0);
    let i = 0;
    for (const r of runs) {
      for (let j = 0; j < blocks_of(r); j++, i++) {
        r.start[j] = from + (i * ns) / n;
        r.end[j] = from + ((i + 1) * ns) / n;
      }
      r.scheduled = true;
    }
  }

  /** Programming must be over by @until (a High Priority Interrupt cut the busy short): what is left is re-spread over [@now, @until). */
  hurry(now: number, until: number): void {
    const rest: Array<[PendingRun, number]> = [];
    for (const r of this.pending) if (r.scheduled) for (let j = 0; j < blocks_of(r); j++) if (r.end[j]! > now) rest.push([r, j]);
    if (!rest.some(([r, j]) => r.end[j]! > until)) return;
    rest.forEach(([r, j], i) => {
      r.start[j] = now + (i * (until - now)) / rest.length;
      r.end[j] = now + ((i + 1) * (until - now)) / rest.length;
    });
  }

  /** Forget runs completed by @now (a run's last block completes last). */
  settle(now: number): void {
    let k = 0;
    while (k < this.pending.length && this.pending[k]!.scheduled && this.pending[k]!.end[blocks_of(this.pending[k]!) - 1]! <= now) k++;
    if (k) this.pending.splice(0, k);
  }

  /**
   * Power is cut at @now: undo on @parts what the media had not finished, newest first (a
   * block written twice gets its oldest bytes back), then forget everything.
   */
  powerCut(now: number, parts: readonly (BlockBackend | null)[], mode: EmmcPowerLoss): PowerCutReport {
    const report: PowerCutReport = { time: now, old: 0, torn: 0, new: 0 };
    for (let r = this.pending.length - 1; r >= 0; r--) {
      const run = this.pending[r]!;
      const store = parts[run.part]!;
      for (let j = blocks_of(run) - 1; j >= 0; j--) {
        const start = run.scheduled ? run.start[j]! : null;
        const end = run.scheduled ? run.end[j]! : null;
        if (end !== null && end <= now) continue;
        const at = (run.block + j) * BLOCK;
        const old = run.old.subarray(j * BLOCK, (j + 1) * BLOCK);
        const inFlight = start !== null && start <= now;
        const kept = !inFlight ? 0 : mode === 'new' ? BLOCK : mode === 'old' ? 0 : tornPrefix(now, start, end!);
        if (kept === BLOCK) {
          report.new++;
          continue;
        }
        if (kept === 0) {
          store.write(at, old);
          report.old++;
          continue;
        }
        const cur = new Uint8Array(BLOCK);
        store.read(at, cur);
        cur.set(old.subarray(kept), kept);
        store.write(at, cur);
        report.torn++;
      }
    }
    this.pending = [];
    return report;
  }

  /** The pending blocks (for saveState), completed ones excluded. */
  entries(now: number): PendingBlock[] {
    const out: PendingBlock[] = [];
    for (const r of this.pending)
      for (let j = 0; j < blocks_of(r); j++) {
        const end = r.scheduled ? r.end[j]! : null;
        if (end === null || end > now) out.push({ part: r.part, block: r.block + j, old: r.old.subarray(j * BLOCK, (j + 1) * BLOCK), start: r.scheduled ? r.start[j]! : null, end });
      }
    return out;
  }

  /** Replace the pending blocks (loadState): a run of one block each. */
  restore(entries: PendingBlock[]): void {
    this.pending = entries.map((e) => {
      const r = run_of(e.part, e.block, e.old);
      // NaN compares false both ways, as a null bound did.
      r.scheduled = e.start !== null || e.end !== null;
      [r.start[0], r.end[0]] = [e.start ?? NaN, e.end ?? NaN];
      return r;
    });
  }
}

/** New bytes at the head of a block whose programming over [@start, @end) stopped at @now. */
export const tornPrefix = (now: number, start: number, end: number): number =>
  end <= start ? BLOCK : Math.min(BLOCK, Math.max(0, Math.floor(((now - start) / (end - start)) * BLOCK)));
