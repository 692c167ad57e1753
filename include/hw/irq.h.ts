// SPDX-License-Identifier: GPL-2.0
// An interrupt line from a device model to whatever interrupt controller the embedder has.
/** A level-triggered interrupt line a model drives. */
export interface IrqLine {
  /** Drive the line's level: true asserted, false deasserted. */
  set(level: boolean): void;
}
