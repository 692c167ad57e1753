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
//
// The old bytes are what the store's exchange handed back (hw/block/exchange.ts): mostly the
// store's own chunk buffers, released back to it when their run is forgotten.
import type { BlockBackend } from '../../include/hw/block.h.ts';
import { Replaced } from '../block/exchange.ts';

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
 * Consecutive blocks that reached the media in one call, with their old bytes as one Replaced:
 * a 512 KiB write is one of these, not 1024 objects on the write path. Once scheduled, block j
 * is block first + j of the n spread over [from, from + ns), unless hurry() (or loadState) gave
 * the run per-block bounds: then it programs over [start[j], end[j]).
 */
interface PendingRun {
  readonly part: number;
  readonly block: number;
  readonly old: Replaced;
  readonly blocks: number;
  scheduled: boolean;
  from: number;
  ns: number;
  first: number;
  n: number;
  start: Float64Array | null;
  end: Float64Array | null;
}

const run_of = (part: number, block: number, old: Replaced): PendingRun => ({ part, block, old, blocks: old.length / BLOCK, scheduled: false, from: 0, ns: 0, first: 0, n: 1, start: null, end: null });

/** When block @j of scheduled run @r starts and ends programming. */
const start_of = (r: PendingRun, j: number): number => (r.start ? r.start[j]! : r.from + ((r.first + j) * r.ns) / r.n);
const end_of = (r: PendingRun, j: number): number => (r.end ? r.end[j]! : r.from + ((r.first + j + 1) * r.ns) / r.n);

/** Give scheduled run @r per-block bounds, from its spread, to be changed one by one. */
const pin = (r: PendingRun): void => {
  if (r.start) return;
  const start = new Float64Array(r.blocks);
  const end = new Float64Array(r.blocks);
  for (let j = 0; j < r.blocks; j++) [start[j], end[j]] = [start_of(r, j), end_of(r, j)];
  [r.start, r.end] = [start, end];
};

export class MediaProgramming {
  /** In the order the blocks reached the media, which is the order they complete in. */
  private pending: PendingRun[] = [];

  /** Blocks from @block of @part were overwritten; @old holds what they held (whole blocks), ours until the run is forgotten. */
  record(part: number, block: number, old: Replaced): void {
    if (old.length) this.pending.push(run_of(part, block, old));
    else old.release();
  }

  /** Drop runs: nothing will read their old bytes again. */
  private forget(runs: readonly PendingRun[]): void {
    for (const r of runs) r.old.release();
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
    const n = runs.reduce((k, r) => k + r.blocks, 0);
    let first = 0;
    for (const r of runs) {
      Object.assign(r, { scheduled: true, from, ns, first, n, start: null, end: null });
      first += r.blocks;
    }
  }

  /** Programming must be over by @until (a High Priority Interrupt cut the busy short): what is left is re-spread over [@now, @until). */
  hurry(now: number, until: number): void {
    const rest: Array<[PendingRun, number]> = [];
    for (const r of this.pending) if (r.scheduled) for (let j = 0; j < r.blocks; j++) if (end_of(r, j) > now) rest.push([r, j]);
    if (!rest.some(([r, j]) => end_of(r, j) > until)) return;
    for (const [r] of rest) pin(r);
    rest.forEach(([r, j], i) => {
      r.start![j] = now + (i * (until - now)) / rest.length;
      r.end![j] = now + ((i + 1) * (until - now)) / rest.length;
    });
  }

  /** Forget runs completed by @now (a run's last block completes last). */
  settle(now: number): void {
    let k = 0;
    while (k < this.pending.length && this.pending[k]!.scheduled && end_of(this.pending[k]!, this.pending[k]!.blocks - 1) <= now) k++;
    if (k) this.forget(this.pending.splice(0, k));
  }

  /**
   * Power is cut at @now: undo on @parts what the media had not finished, newest first (a
   * block written twice gets its oldest bytes back), then forget everything.
   */
  powerCut(now: number, parts: readonly (BlockBackend | null)[], mode: EmmcPowerLoss): PowerCutReport {
    const report: PowerCutReport = { time: now, old: 0, torn: 0, new: 0 };
    const old = new Uint8Array(BLOCK);
    for (let r = this.pending.length - 1; r >= 0; r--) {
      const run = this.pending[r]!;
      const store = parts[run.part]!;
      for (let j = run.blocks - 1; j >= 0; j--) {
        const start = run.scheduled ? start_of(run, j) : null;
        const end = run.scheduled ? end_of(run, j) : null;
        if (end !== null && end <= now) continue;
        const at = (run.block + j) * BLOCK;
        run.old.read(j * BLOCK, old);
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
    this.forget(this.pending);
    this.pending = [];
    return report;
  }

  /** The pending blocks (for saveState), completed ones excluded. */
  entries(now: number): PendingBlock[] {
    const out: PendingBlock[] = [];
    for (const r of this.pending)
      for (let j = 0; j < r.blocks; j++) {
        const end = r.scheduled ? end_of(r, j) : null;
        if (end === null || end > now) out.push({ part: r.part, block: r.block + j, old: oldBlock(r, j), start: r.scheduled ? start_of(r, j) : null, end });
      }
    return out;
  }

  /** Replace the pending blocks (loadState): a run of one block each. */
  restore(entries: PendingBlock[]): void {
    this.forget(this.pending);
    this.pending = entries.map((e) => {
      const r = run_of(e.part, e.block, new Replaced([{ length: e.old.length, bytes: e.old }]));
      // NaN compares false both ways, as a null bound did.
      r.scheduled = e.start !== null || e.end !== null;
      [r.start, r.end] = [Float64Array.of(e.start ?? NaN), Float64Array.of(e.end ?? NaN)];
      return r;
    });
  }
}

/** A copy of block @j's old bytes: the run's buffers go back to the store once it is forgotten. */
const oldBlock = (r: PendingRun, j: number): Uint8Array => {
  const old = new Uint8Array(BLOCK);
  r.old.read(j * BLOCK, old);
  return old;
};

/** New bytes at the head of a block whose programming over [@start, @end) stopped at @now. */
export const tornPrefix = (now: number, start: number, end: number): number =>
  end <= start ? BLOCK : Math.min(BLOCK, Math.max(0, Math.floor(((now - start) / (end - start)) * BLOCK)));
