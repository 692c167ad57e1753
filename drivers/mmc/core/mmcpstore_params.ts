// SPDX-License-Identifier: GPL-2.0
// mmcpstore's module parameters: the series' sector window, and ours: which panic variant.
import { define_token } from '../../../include/linux/di.h.ts';
import type { kernel_param, module_params } from '../../../include/linux/module.h.ts';

export interface mmcpstore_params {
  /** Sectors into the partition where the window starts (with sector_count). */
  readonly sector_offset: number;
  /** Sectors in the window; 0 = the whole partition. */
  readonly sector_count: number;
  /** The panic path: "v4", "v5", "proposed", or "" for CONFIG_MMC_PSTORE_VARIANT. */
  readonly variant: string;
}
export const MMCPSTORE_PARAMS = define_token<mmcpstore_params>('drivers/mmc/core#mmcpstore_params');

export const MMCPSTORE_PARAM_DECL: Readonly<Record<string, kernel_param>> = {
  sector_offset: { type: 'ulong', default: 0, desc: 'start sector of the pstore window in the partition' },
  sector_count: { type: 'ulong', default: 0, desc: 'sectors in the pstore window (0 = whole partition)' },
  variant: { type: 'charp', default: '', desc: 'panic path variant: v4, v5 or proposed' },
};

export const mmcpstore_params_of = (p: module_params): mmcpstore_params => ({
  sector_offset: Number(p['sector_offset'] ?? 0),
  sector_count: Number(p['sector_count'] ?? 0),
  variant: String(p['variant'] ?? ''),
});
