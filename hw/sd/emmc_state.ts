// SPDX-License-Identifier: GPL-2.0
// Snapshot and restore of the eMMC card (QEMU's VMStateDescription for hw/sd/sd.c, as named
// JSON-safe fields with a version). Everything volatile is in it, the write cache included;
// the backends' contents are not (they are the embedder's to save). Times are absolute clock
// times, so the embedder restores its clock with the card.
import type { QueuedTask, TaskParams } from './emmc_cmdq.ts';
import type { BlockCount, EmmcCore, EraseSequence, TrimMark } from './emmc_core.ts';
import type { Transfer } from './emmc_data.ts';
import type { ExtCsdModes } from './emmc_ext_csd.ts';
import { EMMC_STATES, type EmmcStateName } from './emmc_status.ts';

export const EMMC_STATE_VERSION = 1;

type SavedTransfer = Exclude<Transfer, { kind: 'buffer' }> | { kind: 'buffer'; what: 'ext_csd' | 'tuning' | 'bus_test'; data: string; pos: number };

export interface EmmcCardState {
  version: typeof EMMC_STATE_VERSION;
  powered: boolean;
  state: EmmcStateName;
  rca: number;
  powerUpAt: number;
  busyEnd: number;
  /** Card status bits waiting for the next R1. */
  pendingStatus: number;
  blockLen: number;
  blockCount: BlockCount | null;
  extCsd: ExtCsdModes;
  erase: EraseSequence;
  secureTrimMarks: TrimMark[];
  transfer: SavedTransfer | null;
  /** CMD19's pattern, hex. */
  busTestPattern: string | null;
  /** Dirty cache blocks, data in hex. */
  cache: { partition: number; block: number; data: string }[];
  cmdq: { pending: TaskParams | null; tasks: QueuedTask[] } | null;
  /**
   * Media blocks whose programming has not completed: their old bytes (hex) and programming
   * interval (null while their write's data phase is open). Absent in older states: none.
   */
  programming?: { partition: number; block: number; old: string; start: number | null; end: number | null }[];
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (what: string, s: unknown): Uint8Array => {
  if (typeof s !== 'string' || !/^(?:[0-9a-f]{2})*$/.test(s)) throw new TypeError(`EmmcCard state ${what} must be a hex string`);
  return Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));
};

export function saveCoreState(c: EmmcCore): EmmcCardState {
  const t = c.transfer;
  return {
    version: EMMC_STATE_VERSION,
    powered: c.powered,
    state: c.state,
    rca: c.rca,
    powerUpAt: c.powerUpAt,
    busyEnd: c.busyEnd,
    pendingStatus: c.pending,
    blockLen: c.blockLen,
    blockCount: c.blockCount && { ...c.blockCount },
    extCsd: { ...c.modes },
    erase: { ...c.erase },
    secureTrimMarks: c.trimMarks.map((m) => ({ ...m })),
    transfer: t === null ? null : t.kind === 'buffer' ? { kind: 'buffer', what: t.what, data: hex(t.data), pos: t.pos } : { ...t },
    busTestPattern: c.busTest && hex(c.busTest),
    cache: (c.cache?.entries() ?? []).map((e) => ({ partition: e.part, block: e.block, data: hex(e.data) })),
    cmdq: c.queue && { pending: c.queue.params && { ...c.queue.params }, tasks: [...c.queue.tasks.values()].map((q) => ({ ...q })) },
    programming: c.program.entries(c.now).map((e) => ({ partition: e.part, block: e.block, old: hex(e.old), start: e.start, end: e.end })),
  };
}

const fail = (what: string): never => {
  throw new TypeError(`EmmcCard state: bad ${what}`);
};
const num = (what: string, v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : fail(what));

export function loadCoreState(c: EmmcCore, s: EmmcCardState): void {
  if (!s || typeof s !== 'object') fail('state object');
  if (s.version !== EMMC_STATE_VERSION) fail(`version ${String(s.version)} (this card reads ${EMMC_STATE_VERSION})`);
  if (!EMMC_STATES.includes(s.state)) fail('state');
  if (typeof s.powered !== 'boolean') fail('powered');
  for (const k of Object.keys(c.modes) as (keyof ExtCsdModes)[]) num(`extCsd.${k}`, s.extCsd?.[k]);
  if (s.extCsd.cmdqModeEn && !c.queue) fail('extCsd.cmdqModeEn (this card has no command queue)');
  if (s.extCsd.cacheCtrl && !c.cache) fail('extCsd.cacheCtrl (this card has no cache)');
  if (s.cmdq && !c.queue) fail('cmdq (this card has no command queue)');
  if (s.cache.length && !c.cache) fail('cache (this card has none)');
  for (const e of s.cache) {
    if (!c.parts[e.partition] || !(e.block < c.partBlocks(e.partition))) fail('cache entry');
    if (unhex('cache data', e.data).length !== 512) fail('cache entry size');
  }
  const t = s.transfer;
  if (t && !['read', 'write', 'buffer', 'bus_test_write'].includes(t.kind)) fail('transfer.kind');
  const programming = (s.programming ?? []).map((e) => {
    if (!c.parts[e.partition] || !(e.block < c.partBlocks(e.partition))) fail('programming entry');
    const old = unhex('programming data', e.old);
    if (old.length !== 512) fail('programming entry size');
    const time = (what: string, v: unknown): number | null => (v === null ? null : num(what, v));
    return { part: e.partition, block: e.block, old, start: time('programming start', e.start), end: time('programming end', e.end) };
  });

  c.powered = s.powered;
  c.state = s.state;
  c.rca = num('rca', s.rca);
  c.powerUpAt = num('powerUpAt', s.powerUpAt);
  c.busyEnd = num('busyEnd', s.busyEnd);
  c.pending = num('pendingStatus', s.pendingStatus);
  c.blockLen = num('blockLen', s.blockLen);
  c.blockCount = s.blockCount && { ...s.blockCount };
  c.modes = { ...s.extCsd };
  c.erase = { start: s.erase?.start ?? null, end: s.erase?.end ?? null };
  c.trimMarks = (s.secureTrimMarks ?? []).map((m) => ({ ...m }));
  c.transfer = t === null ? null : t.kind === 'buffer' ? { kind: 'buffer', what: t.what, data: unhex('transfer.data', t.data), pos: num('transfer.pos', t.pos) } : { ...t };
  c.busTest = s.busTestPattern === null ? null : unhex('busTestPattern', s.busTestPattern);
  c.cache?.drop();
  for (const e of s.cache) c.cache!.put(e.partition, e.block, unhex('cache data', e.data));
  c.program.restore(programming);
  if (c.queue) {
    c.queue.clear();
    c.queue.params = s.cmdq?.pending ? { ...s.cmdq.pending } : null;
    for (const q of s.cmdq?.tasks ?? []) c.queue.tasks.set(q.id, { ...q });
  }
}
