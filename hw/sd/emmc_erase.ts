// SPDX-License-Identifier: GPL-2.0
// Erase, trim and discard (JEDEC §6.6.11 erase, §6.6.12 trim, §6.6.13 discard, §6.6.14 secure
// erase/trim): CMD35 and CMD36 give the first and last address, CMD38 does the job with DAT0
// busy. Erase works on whole erase groups (512 KiB here, CSD and HC sizes alike), trim and
// discard on write blocks; what is left reads as ERASED_MEM_CONT. Any other command between
// them (but CMD13) cancels the sequence with ERASE_RESET. QEMU hw/sd/sd.c fills 0xFF for every
// variant and reports no busy; here each argument has its own range and cost.
import { fillRange } from '../block/fill.ts';
import { BLOCK, type EmmcCore, type Outcome, PART_RPMB, r1 } from './emmc_core.ts';
import { R1 } from './emmc_status.ts';

/** CMD38 arguments. */
export const ERASE_ARG = {
  ERASE: 0x0000_0000,
  TRIM: 0x0000_0001,
  DISCARD: 0x0000_0003,
  SECURE_ERASE: 0x8000_0000,
  SECURE_TRIM_1: 0x8000_0001,
  SECURE_TRIM_2: 0x8000_8000,
} as const;

/** Erase group: 1024 blocks (ERASE_GRP_SIZE/MULT 31/31, HC_ERASE_GRP_SIZE 1). */
export const ERASE_GROUP_BLOCKS = 1024;

/** Commands that may come between CMD35 and CMD38 without cancelling the sequence. */
export const ERASE_SEQUENCE_COMMANDS: ReadonlySet<number> = new Set([13, 35, 36, 38]);

/** CMD35/CMD36 ERASE_GROUP_START/END. */
export function eraseAddress(core: EmmcCore, arg: number, which: 'start' | 'end'): Outcome {
  if (which === 'end' && core.erase.start === null) {
    core.erase = { start: null, end: null };
    return r1(R1.ERASE_SEQ_ERROR);
  }
  // In byte mode the address may point anywhere inside the first/last block.
  const block = core.cfg.sectorMode ? arg : Math.floor(arg / BLOCK);
  if (block >= core.partBlocks(core.partition)) return r1(R1.OUT_OF_RANGE);
  if (which === 'start') core.erase = { start: block, end: null };
  else core.erase.end = block;
  return r1();
}

/** CMD38 ERASE: argument selects erase, trim, discard or the secure variants. */
export function erase(core: EmmcCore, arg: number): Outcome {
  const { start, end } = core.erase;
  core.erase = { start: null, end: null };
  if (start === null || end === null) return r1(R1.ERASE_SEQ_ERROR);
  const part = core.partition;
  if (part === PART_RPMB) return r1(R1.ERROR);
  if (start > end) return r1(R1.ERASE_PARAM);
  const t = core.cfg.timing;
  const groups = (first: number, last: number): number => Math.floor(last / ERASE_GROUP_BLOCKS) - Math.floor(first / ERASE_GROUP_BLOCKS) + 1;
  let ns: number;
  switch (arg >>> 0) {
    case ERASE_ARG.ERASE:
    case ERASE_ARG.SECURE_ERASE: {
      const first = Math.floor(start / ERASE_GROUP_BLOCKS) * ERASE_GROUP_BLOCKS;
      const last = Math.min((Math.floor(end / ERASE_GROUP_BLOCKS) + 1) * ERASE_GROUP_BLOCKS, core.partBlocks(part)) - 1;
      wipe(core, part, first, last - first + 1);
      ns = groups(first, last) * t.eraseNsPerGroup;
      break;
    }
    case ERASE_ARG.TRIM:
    case ERASE_ARG.DISCARD:
      // Discard may leave the old data or erased data; this card erases, so reads are predictable.
      wipe(core, part, start, end - start + 1);
      ns = groups(start, end) * t.trimNsPerGroup;
      break;
    case ERASE_ARG.SECURE_TRIM_1:
      core.trimMarks.push({ part, block: start, count: end - start + 1 });
      ns = groups(start, end) * t.trimNsPerGroup;
      break;
    case ERASE_ARG.SECURE_TRIM_2:
      ns = 0;
      for (const m of core.trimMarks) {
        wipe(core, m.part, m.block, m.count);
        ns += groups(m.block, m.block + m.count - 1) * t.trimNsPerGroup;
      }
      core.trimMarks = [];
      break;
    default:
      core.log('guest_error', `CMD38 with unknown argument 0x${(arg >>> 0).toString(16)}`);
      return r1(R1.ERASE_PARAM);
  }
  core.state = 'prg';
  core.startBusy(ns);
  return r1();
}

/** Set @count blocks from @block of @part to the erased value, in the cache as on the media. */
function wipe(core: EmmcCore, part: number, block: number, count: number): void {
  core.cache?.invalidate(part, block, count);
  fillRange(core.parts[part]!, block * BLOCK, count * BLOCK, core.cfg.erasedByte);
}
