// SPDX-License-Identifier: GPL-2.0
// Card writes counted in 512-byte sectors, so that counts and the ranges a verdict names do not
// depend on how a host moved the data: the mock card takes a request at once, the SDHCI model a
// block or a burst of blocks at a time, the journal one entry per call.
import { inside, type card_range, type card_write } from './card_journal.ts';

const SECTOR = 512;

/** Sectors written by @writes. */
export const sector_count = (writes: readonly card_write[]): number => writes.reduce((n, w) => n + Math.ceil(w.length / SECTOR), 0);

/**
 * The sectors of @writes that lie in none of @ranges, as maximal runs: contiguous sectors of
 * consecutive writes to the same partition join (the first one's time).
 */
export const sectors_outside = (writes: readonly card_write[], ranges: readonly card_range[]): card_write[] => {
  const runs: card_write[] = [];
  for (const w of writes) {
    if (ranges.some((r) => inside(w, r))) continue;
    for (let at = w.offset; at < w.offset + w.length; at += SECTOR) {
      const sector = { ...w, offset: at, length: Math.min(SECTOR, w.offset + w.length - at) };
      if (ranges.some((r) => inside(sector, r))) continue;
      const last = runs.at(-1);
      if (last && last.device === w.device && last.part === w.part && last.offset + last.length === at) runs[runs.length - 1] = { ...last, length: last.length + sector.length };
      else runs.push(sector);
    }
  }
  return runs;
};
