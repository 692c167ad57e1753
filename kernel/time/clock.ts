// SPDX-License-Identifier: GPL-2.0
// The virtual nanosecond clock and its event queue (a binary min-heap keyed by time, then by
// insertion order so that equal times stay deterministic). Models the role of
// kernel/time/timekeeping.c + the clockevents layer, without any wall clock.
//
// A cancelled event stays in the heap until it reaches the top, as most are cancelled soon after
// they are set (a request's 10 s timeout, once the request completes). When they come to be half
// of the heap, it is rebuilt without them: a long run of small requests otherwise keeps some
// 100,000 dead timeouts in it, and every push and pop pays for their depth.
import type { clock_api, clock_event } from '../../include/linux/ktime.h.ts';

class event implements clock_event {
  cancelled = false;
  /** In the heap (not yet fired, dropped or compacted away). */
  queued = true;
  constructor(
    readonly time: number,
    readonly seq: number,
    readonly fn: () => void,
  ) {}
}

const before = (a: event, b: event): boolean => a.time < b.time || (a.time === b.time && a.seq < b.seq);

/** Below this many cancelled events the heap is never rebuilt (not worth a pass). */
const COMPACT_MIN = 64;

export class VirtualClock implements clock_api {
  now = 0;
  private heap: event[] = [];
  private seq = 0;
  /** Cancelled events still in the heap, as cancel() counted them: only when to rebuild depends on it. */
  private dead = 0;
  /** Inside fire_next: the event running may look ahead (quietUntil). */
  private firing = false;
  /**
   * Until when no CPU can run, as the scheduler sees it (-Infinity when one can); null without a
   * scheduler, and then no event looks ahead.
   */
  cpus_idle_until: (() => number) | null = null;

  at(time: number, fn: () => void): clock_event {
    const ev = new event(Math.max(time, this.now), this.seq++, fn);
    const h = this.heap;
    let i = h.push(ev) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(ev, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = ev;
    return ev;
  }

  after(delay: number, fn: () => void): clock_event {
    return this.at(this.now + delay, fn);
  }

  cancel(ev: clock_event | null): void {
    if (!ev || ev.cancelled) return;
    ev.cancelled = true;
    if (!(ev as event).queued) return;
    if (++this.dead >= COMPACT_MIN && this.dead * 2 >= this.heap.length) this.compact();
  }

  /** Time of the next live event, or Infinity. */
  peek(): number {
    this.drop_cancelled();
    return this.heap.length ? this.heap[0]!.time : Infinity;
  }

  /**
   * Advance to the next live event at or before @limit and run it.
   * Returns false, leaving the clock alone, when there is none.
   */
  fire_next(limit: number): boolean {
    this.drop_cancelled();
    const ev = this.heap[0];
    if (!ev || ev.time > limit) return false;
    this.pop();
    this.now = ev.time;
    this.firing = true;
    try {
      ev.fn();
    } finally {
      this.firing = false;
    }
    return true;
  }

  /**
   * For a device model's event (include/hw/clock.h.ts): the next other event's time, bounded by
   * when a CPU could run; now outside an event or when a CPU can already run.
   */
  quietUntil(): number {
    if (!this.firing || !this.cpus_idle_until) return this.now;
    return Math.max(this.now, Math.min(this.peek(), this.cpus_idle_until()));
  }

  /** An event's run-ahead to @time (< quietUntil()): what its own later event would have done. */
  advanceTo(time: number): void {
    if (!(time < this.quietUntil())) throw new Error(`VirtualClock.advanceTo(${time}): not before quietUntil() = ${this.quietUntil()}`);
    if (time > this.now) this.now = time;
  }

  /** Move time forward with no event (the machine idles until @time). */
  advance_to(time: number): void {
    if (time > this.now) this.now = time;
  }

  private drop_cancelled(): void {
    while (this.heap.length && this.heap[0]!.cancelled) this.pop();
  }

  /** Remove the earliest event. */
  private pop(): void {
    const h = this.heap;
    const top = h[0]!;
    top.queued = false;
    if (top.cancelled && this.dead > 0) this.dead--;
    const last = h.pop()!;
    if (h.length) this.sift_down(0, last);
  }

  /** Put @ev at @i, or below it where the heap order wants it. */
  private sift_down(i: number, ev: event): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && before(h[r]!, h[l]!) ? r : l;
      if (!before(h[c]!, ev)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = ev;
  }

  /** The heap without its cancelled events, rebuilt bottom-up; the order events fire in is the same. */
  private compact(): void {
    const live: event[] = [];
    for (const ev of this.heap) {
      if (ev.cancelled) ev.queued = false;
      else live.push(ev);
    }
    this.heap = live;
    this.dead = 0;
    for (let i = (live.length >> 1) - 1; i >= 0; i--) this.sift_down(i, live[i]!);
  }

  /** Events in the heap, cancelled ones included (tests). */
  get queued_events(): number {
    return this.heap.length;
  }
}
