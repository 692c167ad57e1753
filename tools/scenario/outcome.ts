// SPDX-License-Identifier: GPL-2.0
// The outcome of a run, computed from what happened, never declared: the card-side audit of
// the panic writes, the kernel's reports after the panic began, what the panic path returned,
// and what the next boot recovered.
import type { bug_report } from '../../include/linux/bug.h.ts';
import { ETIMEDOUT } from '../../include/linux/errno.h.ts';
import type { mmcpstore_panic_log } from '../../drivers/mmc/core/mmcpstore.ts';
import type { card_range, card_write } from '../../init/card_journal.ts';
import type { panic_write_audit } from '../../init/panic_audit.ts';
import { record_body, type power_cut_evidence } from './power_cut.ts';
import { sector_count, sectors_outside } from '../../init/card_sectors.ts';
import type { outcome } from './schema.ts';


export interface run_evidence {
  readonly audit: panic_write_audit;
  /** Card ranges of requests in flight when the crash came: their tail is not the panic path's. */
  readonly in_flight: readonly card_range[];
  /** Scenario block writes that landed elsewhere than asked, before or after the crash. */
  readonly misdirected: readonly card_write[];
  /** Kernel reports from the panic on. */
  readonly reports: readonly bug_report[];
  readonly panic_log: readonly mmcpstore_panic_log[];
  /** The crashing boot's log. */
  readonly dmesg: string;
  /** The dmesg records the next boot shows, newest zone's text included. */
  readonly recovered: readonly string[];
  /** Text the record must contain to count as this crash's (the panic message). */
  readonly marker: string;
  /** Lines printed before the crash that a faithful record holds. */
  readonly expected_lines: readonly string[];
  /** The power cut during the crash, if the scenario had one: what was whole before and after. */
  readonly power_cut?: power_cut_evidence | null;
}

const HANG = new Set(['spinlock_lockup', 'spinlock_recursion', 'hard_lockup', 'soft_lockup', 'livelock']);

/** Sectors written after the panic outside the window, the tail of requests already in flight excepted: runs. */
const strays = (e: run_evidence): readonly card_write[] => sectors_outside(e.audit.outside, e.in_flight);

/** What expectations can count (expect.counters); card writes count 512-byte sectors. */
export const COUNTERS = ['panic_writes', 'panic_write_errors', 'card_writes_after_panic', 'writes_outside_window', 'misdirected_writes', 'kernel_reports'] as const;
export type counter = (typeof COUNTERS)[number];

export const count = (e: run_evidence): Record<counter, number> => ({
  panic_writes: e.panic_log.length,
  panic_write_errors: e.panic_log.filter((p) => p.ret < 0).length,
  card_writes_after_panic: sector_count(e.audit.writes),
  writes_outside_window: sector_count(strays(e)),
  misdirected_writes: sector_count(e.misdirected),
  kernel_reports: e.reports.length,
});

export const classify = (e: run_evidence): { outcome: outcome; why: string } => {
  const stray = strays(e);
  if (stray.length) {
    const w = stray[0]!;
    return { outcome: 'CORRUPTION', why: `wrote ${w.length} bytes at ${w.part}+${w.offset}, outside the pstore window` };
  }
  if (e.misdirected.length) {
    const w = e.misdirected[0]!;
    return { outcome: 'CORRUPTION', why: `block I/O meant for another place wrote ${w.length} bytes at ${w.part}+${w.offset}` };
  }
  const hang = e.reports.find((r) => HANG.has(r.kind));
  if (hang) return { outcome: 'DEADLOCK', why: hang.lines[0]! };
  const sleep = e.reports.find((r) => r.kind === 'sleep_in_atomic');
  if (sleep) return { outcome: 'SLEEP_IN_ATOMIC', why: sleep.lines[0]! };
  const torn = torn_record(e);
  if (torn !== null) return { outcome: 'TORN', why: `power cut ${cut_at(e)}: the next boot shows a dmesg record never written whole (${torn})` };
  const record = e.recovered.find((r) => r.includes(e.marker));
  if (record) {
    const missing = e.expected_lines.find((l) => !record.includes(l));
    return missing ? { outcome: 'MISMATCH', why: `the record lacks "${missing}"` } : { outcome: 'RECOVERED', why: 'the record came back intact' };
  }
  const refused = /mmcpstore: panic write refused: (.*)/.exec(e.dmesg);
  if (refused) return { outcome: 'REFUSED', why: refused[1]! };
  if (e.panic_log.some((p) => p.ret === -ETIMEDOUT)) return { outcome: 'TIMEOUT', why: 'the panic write timed out' };
  if (e.panic_log.some((p) => p.ret === p.size)) return { outcome: 'SILENT_LOSS', why: 'panic_write reported success but the record is not there' };
  const ret = e.panic_log[0]?.ret;
  if (e.power_cut) return { outcome: 'LOST', why: `power cut ${cut_at(e)}, after ${e.panic_log.length} panic_write call(s) had returned` };
  return { outcome: 'LOST', why: ret === undefined ? 'no panic write happened' : `panic_write returned ${ret}` };
};

const cut_at = (e: run_evidence): string => {
  const { after_us, card } = e.power_cut!;
  return `${after_us} µs into the panic (unprogrammed blocks: ${card.old} back to old, ${card.torn} torn, ${card.new} kept new)`;
};

/**
 * After a power cut, a dmesg record the next boot shows that is neither one the crashed boot
 * had recovered nor one its pstore wrote whole: pstore presented a torn record as valid. Its
 * first line, or null.
 */
const torn_record = (e: run_evidence): string | null => {
  const cut = e.power_cut;
  if (!cut) return null;
  const whole = new Set([...cut.before, ...cut.written].map(record_body));
  const torn = e.recovered.find((r) => !whole.has(record_body(r)));
  return torn === undefined ? null : `${JSON.stringify(record_body(torn).split('\n')[0]!.slice(0, 40))}, ${torn.length} bytes`;
};
