// SPDX-License-Identifier: GPL-2.0
// Time as a device model sees it: the embedder's virtual clock. A model never owns timers or
// reads the wall clock, so it stays deterministic. The simulated kernel's clock satisfies this.

/** A scheduled callback; cancel it through the clock that made it. */
export interface ClockEvent {
  readonly time: number;
  cancelled: boolean;
}

/** The embedder's virtual time, on which a model schedules everything it does later. */
export interface Clock {
  /** Nanoseconds since power-on. */
  readonly now: number;
  /** Run @fn when the clock reaches @time (ns); events at equal times run in the order added. */
  at(time: number, fn: () => void): ClockEvent;
  cancel(ev: ClockEvent | null): void;
  /**
   * Optional: called from one of the model's events, the time before which nothing but that
   * model can act (no other event is due, no CPU can run), so nothing can see its state in
   * between. A model may do at once the steps it would have scheduled before then, moving the
   * clock with advanceTo() to each step's time: fewer events, the same run. Elsewhere, or when
   * the embedder cannot tell, it is at most now.
   */
  quietUntil?(): number;
  /** With quietUntil: move the clock to @time, which must be before quietUntil(). */
  advanceTo?(time: number): void;
}
