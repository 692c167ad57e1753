// SPDX-License-Identifier: GPL-2.0
// The panic write audit: from the card's side, what the panic path wrote where. Every write after
// panic() began must land inside mmcpstore's window on the user area; anything else (another
// partition, outside the window) is corruption, whatever the panic path reported.
import { Mmcpstore } from '../drivers/mmc/core/mmcpstore.ts';
import { CardJournal, type card_range, type card_write } from './card_journal.ts';
import { sectors_outside } from './card_sectors.ts';
import type { Machine } from './machine.ts';

export interface panic_write_audit {
  /** Virtual time panic() started, or null if the machine did not panic. */
  readonly panic_time: number | null;
  /** The window on the user area, or null when mmcpstore has none. */
  readonly window: card_range | null;
  readonly writes: readonly card_write[];
  /** The sectors of those writes outside the window, as runs (init/card_sectors.ts). */
  readonly outside: readonly card_write[];
}

/** mmcpstore's window on the user area, or null when it has none (not loaded, no card). */
export const pstore_window = (m: Machine): card_range | null => {
  const t = m.container.isRegistered(Mmcpstore) ? m.resolve(Mmcpstore).target : null;
  return t ? { part: 'user', start: t.start_sect * 512, end: t.start_sect * 512 + t.size } : null;
};

export const audit_panic_writes = (m: Machine): panic_write_audit => {
  const panic = m.reports.find((r) => r.kind === 'panic');
  const window = pstore_window(m);
  if (!panic) return { panic_time: null, window, writes: [], outside: [] };
  const writes = m.resolve(CardJournal).since(panic.time);
  return { panic_time: panic.time, window, writes, outside: sectors_outside(writes, window ? [window] : []) };
};
