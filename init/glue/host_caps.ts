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
const cap_bits = (names: readonly string[] | undefined): number =>
  (names ?? []).reduce((v, n) => v | ((HOST as unknown as Record<string, number>)[n] ?? 0), 0);

/** A board host's named capabilities as the bits its driver adds and takes away. */
export const caps_change = (h: { readonly caps?: readonly string[]; readonly caps_clear?: readonly string[]; readonly caps2?: readonly string[]; readonly caps2_clear?: readonly string[] }): Required<HOST.mmc_caps_change> => ({
  caps: cap_bits(h.caps),
  caps_clear: cap_bits(h.caps_clear),
  caps2: cap_bits(h.caps2),
  caps2_clear: cap_bits(h.caps2_clear),
});
