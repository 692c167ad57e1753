// SPDX-License-Identifier: GPL-2.0
// The panic write audit: from the card's side, what the panic path wrote where. Every write after
// panic() began must land inside mmcpstore's window on the user area; anything else (another
// partition, outside the window) is corruption, whatever the panic path reported.
import { Mmcpstore } from '../drivers/mmc/core/mmcpstore.ts';
import { CardJournal, type card_write } from './card_journal.ts';
import type { Machine } from './machine.ts';

export interface panic_write_audit {
  /** Virtual time panic() started, or null if the machine did not panic. */
  readonly panic_time: number | null;
  /** The window on the user area, in bytes, or null when mmcpstore has none. */
  readonly window: { readonly start: number; readonly end: number } | null;
  readonly writes: readonly card_write[];
  readonly outside: readonly card_write[];
}

export const audit_panic_writes = (m: Machine): panic_write_audit => {
  const panic = m.reports.find((r) => r.kind === 'panic');
  const target = m.container.isRegistered(Mmcpstore) ? m.resolve(Mmcpstore).target : null;
  const window = target ? { start: target.start_sect * 512, end: target.start_sect * 512 + target.size } : null;
  if (!panic) return { panic_time: null, window, writes: [], outside: [] };
  const writes = m.resolve(CardJournal).writes.filter((w) => w.time >= panic.time);
  const inside = (w: card_write): boolean => !!window && w.part === 'user' && w.offset >= window.start && w.offset + w.length <= window.end;
  return { panic_time: panic.time, window, writes, outside: writes.filter((w) => !inside(w)) };
};
