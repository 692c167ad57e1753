// SPDX-License-Identifier: GPL-2.0
// The virtual nanosecond clock and its event queue (a binary min-heap keyed by time, then by
// insertion order so that equal times stay deterministic). Models the role of
// kernel/time/timekeeping.c + the clockevents layer, without any wall clock.
import type { clock_api, clock_event } from '../../include/linux/ktime.h.ts';

class event implements clock_event {
  cancelled = false;
  constructor(
    readonly time: number,
    readonly seq: number,
    readonly fn: () => void,
  ) {}
}

const before = (a: event, b: event): boolean => a.time < b.time || (a.time === b.time && a.seq < b.seq);

export class VirtualClock implements clock_api {
  now = 0;
  private heap: event[] = [];
  private seq = 0;
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
    if (ev) ev.cancelled = true;
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

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (!h.length) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && before(h[r]!, h[l]!) ? r : l;
      if (!before(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
}
