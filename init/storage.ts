// SPDX-License-Identifier: GPL-2.0
// The backing stores of a board's cards, by device. They are the hardware that outlives a boot:
// a reboot builds a new machine on the same stores. Tools open image files into them.
import type { BlockBackend } from '../include/hw/block.h.ts';

export interface card_storage {
  readonly user: BlockBackend;
  readonly boot0?: BlockBackend;
  readonly boot1?: BlockBackend;
  readonly rpmb?: BlockBackend;
}

/** Stores by board device key ("mmc_mock.0"); a device without one gets fresh memory. */
export type board_storage = Map<string, card_storage>;
