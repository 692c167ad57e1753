// SPDX-License-Identifier: GPL-2.0
// The host capabilities a board sets for any MMC host, by their kernel names (MMC_CAP_*,
// MMC_CAP2_*): their schema, and the bits they stand for.
import * as HOST from '../../include/linux/mmc/host.h.ts';

const CAP_NAMES = Object.keys(HOST).filter((k) => /^MMC_CAP_/.test(k));
const CAP2_NAMES = Object.keys(HOST).filter((k) => /^MMC_CAP2_/.test(k));

/** Added to and cleared from what the driver sets, as a device tree's properties would. */
export const HOST_CAPS_PROPERTIES = {
  caps: { type: 'array', items: { enum: CAP_NAMES } },
  caps_clear: { type: 'array', items: { enum: CAP_NAMES } },
  caps2: { type: 'array', items: { enum: CAP2_NAMES } },
  caps2_clear: { type: 'array', items: { enum: CAP2_NAMES } },
  autosuspend_ms: { type: 'integer', minimum: -1 },
} as const;

/** The OR of the named capability bits. */
export const cap_bits = (names: readonly string[] | undefined): number =>
  (names ?? []).reduce((v, n) => v | ((HOST as unknown as Record<string, number>)[n] ?? 0), 0);
