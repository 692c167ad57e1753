// SPDX-License-Identifier: GPL-2.0
// The card models of a machine's board, by slot key ("sdhci.0"): what tools look at from the
// card's side (its state in a scenario's wait_for), whichever host drives it.
import { injectable } from 'tsyringe';
import type { EmmcCard } from '../hw/sd/emmc.ts';

@injectable()
export class BoardCards {
  readonly models = new Map<string, EmmcCard>();
}
