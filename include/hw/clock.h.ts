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
}
