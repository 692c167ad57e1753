// SPDX-License-Identifier: GPL-2.0
// A power cut at an instant of the crash (the panic step's power_cut_after_us): the machine
// stops dead there, the card loses power (what its media had not finished programming is
// undone as the card is configured, hw/sd/emmc_program.ts), and the evidence that tells a torn
// record from a whole one is taken before the next boot: the dmesg records the crashed boot
// had recovered at its mount, and the records its pstore wrote, read from the window as it
// would be had every panic write completed.
import { PSTORE_TYPE_DMESG, PSTOREFS } from '../../include/linux/pstore.h.ts';
import { Mmcpstore } from '../../drivers/mmc/core/mmcpstore.ts';
import { Pstore } from '../../fs/pstore/platform.ts';
import { pstore_file_of } from '../../fs/pstore/records.ts';
import { psz_read_records } from '../../fs/pstore/zone_offline.ts';
import type { EmmcCard, PowerCutReport } from '../../hw/sd/emmc.ts';
import { BoardCards } from '../../init/board_cards.ts';
import { CardJournal } from '../../init/card_journal.ts';
import type { Machine } from '../../init/machine.ts';
import { pstore_window } from '../../init/panic_audit.ts';

export interface power_cut_evidence {
  /** How long after panic() began the power went. */
  readonly after_us: number;
  /** What the card undid: blocks given their old bytes back, torn, kept new although in flight. */
  readonly card: { readonly old: number; readonly torn: number; readonly new: number };
  /** The dmesg files the crashed boot showed: what it recovered at its mount. */
  readonly before: readonly string[];
  /** The dmesg files the window would show had every panic write completed. */
  readonly written: readonly string[];
}

const decode = (b: Uint8Array): string => new TextDecoder().decode(b);

/** The dmesg files @m's pstorefs shows, as text. */
const dmesg_files = (m: Machine): string[] => {
  const fs = m.resolve(PSTOREFS);
  return fs.readdir().filter((f) => f.name.startsWith('dmesg-')).map((f) => decode(fs.read(f.name) ?? new Uint8Array()));
};

/**
 * The dmesg files of mmcpstore's window on @card's media with every panic write of the crash
 * laid over it in order, read as the next boot's pstore/zone and pstorefs would read them.
 */
const written_records = async (m: Machine, card: EmmcCard): Promise<string[]> => {
  const window = pstore_window(m);
  const dev = m.container.isRegistered(Mmcpstore) ? m.resolve(Mmcpstore).device : null;
  const key = [...m.resolve(BoardCards).models].find(([, c]) => c === card)?.[0];
  const user = key === undefined ? undefined : m.storage.get(key)?.user;
  if (!window || !dev || !user) return [];
  const image = new Uint8Array(window.end - window.start);
  user.read(window.start, image);
  for (const b of m.resolve(Mmcpstore).panic_buffers) image.set(b.data, b.off);
  const z = dev.zone;
  const r = await psz_read_records(
    { total_size: z.total_size, kmsg_size: z.kmsg_size, pmsg_size: z.pmsg_size, console_size: z.console_size, ftrace_size: z.ftrace_size, nr_cpus: m.sched.nr_cpu_ids },
    async (buf, off) => (buf.set(image.subarray(off, off + buf.length)), buf.length),
  );
  if (!r.ok) return [];
  const core = m.resolve(Pstore);
  return r.records.filter((rec) => rec.type === PSTORE_TYPE_DMESG).map((rec) => decode(pstore_file_of(rec, core.psinfo?.name ?? 'pstore_blk', core.compressor, core.psinfo?.bufsize).data));
};

/**
 * Cut the power of @m at virtual time @at (@panic_time: when panic() began): no more code runs,
 * @card loses power.
 */
export const cut_power = async (m: Machine, card: EmmcCard, at: number, panic_time: number): Promise<power_cut_evidence> => {
  // The crash may have ended before the cut: the card's programming still runs up to it.
  m.clock.advance_to(at);
  m.sched.halt('power cut');
  const before = dmesg_files(m);
  const written = await written_records(m, card);
  const r = power_off(m, card);
  return { after_us: (at - panic_time) / 1e3, card: { old: r.old, torn: r.torn, new: r.new }, before, written };
};

/** @card of @m loses power now. Its rollback is not a write it received: the journal does not see it. */
export const power_off = (m: Machine, card: EmmcCard): PowerCutReport => {
  const journal = m.resolve(CardJournal);
  journal.muted = true;
  try {
    return card.powerCut();
  } finally {
    journal.muted = false;
  }
};

/** A dmesg file's text without the "<Reason>: Total <n> times" line an uncompressed record starts with: a counter over every zone, not the record's. */
export const record_body = (text: string): string => text.replace(/^[A-Za-z]+: Total -?\d+ times\n/, '');
