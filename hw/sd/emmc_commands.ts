// SPDX-License-Identifier: GPL-2.0
// The eMMC command table (JEDEC §6.10.4 "Detailed command description", §6.14 state
// transitions): for each command its class, type, response, the states it is legal in and its
// handler. The dispatcher (emmc.ts) refuses anything not listed, or listed but sent in another
// state, before a handler runs. Shaped like QEMU hw/sd/sd.c's SDProto emmc table, without the
// leftover switch. Commands an eMMC defines but this card does not support (write protection,
// lock, application and I/O commands) are absent, so they are illegal as on a card without
// those classes in CSD CCC.
import { executeTask, queueTaskAddress, queueTaskParams, taskManagement } from './emmc_cmdq_commands.ts';
import { BLOCK, type EmmcCore, illegal, NONE, type Outcome, r1 } from './emmc_core.ts';
import { startBuffer, startRead, startWrite, stopTransmission } from './emmc_data.ts';
import { erase, eraseAddress } from './emmc_erase.ts';
import { composeExtCsd } from './emmc_ext_csd.ts';
import { OCR_READY, OCR_SECTOR_MODE, OCR_VOLTAGE_MASK, OCR_VOLTAGES } from './emmc_regs.ts';
import { type EmmcStateName, R1 } from './emmc_status.ts';
import { doSwitch } from './emmc_switch.ts';
import { TUNING_BLOCK_4BIT, TUNING_BLOCK_8BIT } from './emmc_tuning.ts';

export interface EmmcCommand {
  index: number;
  name: string;
  /** Command class (CSD CCC bit). */
  class: number;
  type: 'bc' | 'bcr' | 'ac' | 'adtc';
  response: 'none' | 'R1' | 'R1b' | 'R2' | 'R3';
  /** States the command is legal in. */
  states: readonly EmmcStateName[];
  /** Carries the RCA in [31:16]; sent to another RCA it is silently not for this card. */
  addressed?: boolean;
  /** A legacy data command: illegal while CMDQ_MODE_EN = 1. */
  notInCmdq?: boolean;
  /** A command-queue command: illegal unless CMDQ_MODE_EN = 1. */
  cmdqOnly?: boolean;
  /** Legal while tasks are queued (otherwise the queue must be empty). */
  queueSafe?: boolean;
  handler(core: EmmcCore, arg: number): Outcome;
}

const ALL_BUT_INACTIVE: readonly EmmcStateName[] = ['idle', 'ready', 'ident', 'stby', 'tran', 'data', 'rcv', 'prg', 'dis', 'btst', 'slp'];
const SELECTED: readonly EmmcStateName[] = ['stby', 'tran', 'data', 'rcv', 'prg', 'dis'];

/** CMD0 GO_IDLE_STATE: software reset (0, 0xF0F0F0F0 pre-idle); boot initiation is not modelled. */
function goIdle(core: EmmcCore, arg: number): Outcome {
  const a = arg >>> 0;
  if (a === 0xffff_fffa) {
    core.log('unimp', 'CMD0 boot initiation (alternative boot mode)');
    return NONE;
  }
  if (a !== 0 && a !== 0xf0f0_f0f0) core.log('guest_error', `CMD0 with reserved argument 0x${a.toString(16)}, treated as GO_IDLE_STATE`);
  // Dirty cache is written back, and CMD1 reports busy until it is.
  const flushed = core.flushCache();
  core.resetVolatile();
  if (flushed) core.powerUpAt = Math.max(core.powerUpAt, core.now + core.flushNs(flushed));
  return NONE;
}

/** CMD1 SEND_OP_COND: OCR, busy until power-up is done; a window of 0 only asks. */
function sendOpCond(core: EmmcCore, arg: number): Outcome {
  const window = arg & OCR_VOLTAGE_MASK;
  if (window !== 0 && (window & OCR_VOLTAGES) === 0) {
    core.state = 'inactive';
    core.log('guest_error', `CMD1 voltage window 0x${(arg >>> 0).toString(16)} does not overlap the card's; card inactive`);
    return NONE;
  }
  const ready = core.now >= core.powerUpAt;
  if (ready && window !== 0) core.state = 'ready';
  return { kind: 'r3', word: (OCR_VOLTAGES | (core.cfg.sectorMode ? OCR_SECTOR_MODE : 0) | (ready ? OCR_READY : 0)) >>> 0 };
}

/** CMD3 SET_RELATIVE_ADDR: the host assigns the RCA (0 is reserved for "deselect all"). */
function setRelativeAddr(core: EmmcCore, arg: number): Outcome {
  const rca = arg >>> 16;
  if (rca === 0) return illegal('RCA 0 is reserved');
  core.rca = rca;
  core.state = 'stby';
  return r1();
}

/** CMD5 SLEEP_AWAKE: stby → slp (cache written back first), slp → stby, both with busy. */
function sleepAwake(core: EmmcCore, arg: number): Outcome {
  const t = core.cfg.timing;
  if (core.busy) return illegal('sleep/awake transition in progress');
  if (arg & 0x8000) {
    if (core.state !== 'stby') return illegal('sleep only from stand-by');
    const flushed = core.flushCache();
    core.state = 'slp';
    core.startBusy(t.sleepAwakeNs + (flushed ? core.flushNs(flushed) : 0));
    return r1();
  }
  if (core.state !== 'slp') return illegal('awake only from sleep');
  core.state = 'stby';
  core.startBusy(t.sleepAwakeNs);
  return r1();
}

/** CMD7 SELECT/DESELECT_CARD: own RCA selects, any other (0 included) deselects, silently. */
function selectCard(core: EmmcCore, arg: number): Outcome {
  const mine = arg >>> 16 === core.rca;
  switch (core.state) {
    case 'stby':
      if (!mine) return NONE;
      if (core.busy) return illegal('select while waking up');
      core.state = 'tran';
      return r1();
    case 'dis':
      if (!mine) return NONE;
      core.state = 'prg';
      return r1();
    case 'tran':
      if (mine) return r1();
      core.state = 'stby';
      return NONE;
    case 'data':
      if (mine) return illegal('select during a read');
      core.transfer = null;
      core.state = 'stby';
      return NONE;
    default: // prg
      if (mine) return r1();
      core.state = 'dis';
      return NONE;
  }
}

/** CMD13 SEND_STATUS; with SEND_QUEUE_STATUS (b15) in CMDQ mode, the Queue Status Register. */
function sendStatus(core: EmmcCore, arg: number): Outcome {
  if (arg & 0x8000 && core.modes.cmdqModeEn && core.queue) return { kind: 'raw', word: core.queue.qsr };
  return r1();
}

/** Bytes of a bus test block for BUS_WIDTH 0/1/2 (1, 4, 8 data lines); none on DDR. */
const BUS_TEST_BYTES: readonly number[] = [1, 4, 8];
const busTestBytes = (core: EmmcCore): number | null => BUS_TEST_BYTES[core.modes.busWidth] ?? null;

/** CMD19 BUSTEST_W: the host sends a pattern; tran → btst. */
function busTestWrite(core: EmmcCore): Outcome {
  const length = busTestBytes(core);
  if (length === null) return illegal('bus test on a DDR bus');
  core.busTest = null;
  core.transfer = { kind: 'bus_test_write', length };
  core.state = 'btst';
  return r1();
}

/** CMD14 BUSTEST_R: the card answers with the pattern inverted, then btst → tran. */
function busTestRead(core: EmmcCore): Outcome {
  const length = busTestBytes(core) ?? 1;
  const got = core.busTest ?? new Uint8Array(length);
  return startBuffer(core, 'bus_test', got.map((b) => ~b & 0xff));
}

/** CMD21 SEND_TUNING_BLOCK: HS200 only, on a 4- or 8-bit bus. */
function sendTuningBlock(core: EmmcCore): Outcome {
  if ((core.modes.hsTiming & 0xf) !== 2) return illegal('tuning outside HS200');
  const w = core.modes.busWidth;
  if (w !== 1 && w !== 2) return illegal('tuning needs a 4- or 8-bit bus');
  return startBuffer(core, 'tuning', (w === 2 ? TUNING_BLOCK_8BIT : TUNING_BLOCK_4BIT).slice());
}

/** CMD23 SET_BLOCK_COUNT: count [15:0], reliable write b31, forced programming b24; packed (b30) not supported. */
function setBlockCount(core: EmmcCore, arg: number): Outcome {
  if (arg & (1 << 30)) {
    core.log('unimp', 'CMD23 packed commands');
    return illegal('packed commands are not supported (MAX_PACKED_WRITES 0)');
  }
  const count = arg & 0xffff;
  core.blockCount = count ? { count, reliable: (arg & 0x8000_0000) !== 0, forced: (arg & (1 << 24)) !== 0 } : null;
  return r1();
}

/** CMD16 SET_BLOCKLEN: only 512-byte blocks exist on this card. */
function setBlockLen(core: EmmcCore, arg: number): Outcome {
  if (arg >>> 0 !== BLOCK) return r1(R1.BLOCK_LEN_ERROR);
  core.blockLen = BLOCK;
  return r1();
}

const cmd = (c: EmmcCommand): EmmcCommand => c;

export const EMMC_COMMANDS: readonly EmmcCommand[] = [
  cmd({ index: 0, name: 'GO_IDLE_STATE', class: 0, type: 'bc', response: 'none', states: ALL_BUT_INACTIVE, queueSafe: true, handler: goIdle }),
  cmd({ index: 1, name: 'SEND_OP_COND', class: 0, type: 'bcr', response: 'R3', states: ['idle'], handler: sendOpCond }),
  cmd({ index: 2, name: 'ALL_SEND_CID', class: 0, type: 'bcr', response: 'R2', states: ['ready'], handler: (c) => ((c.state = 'ident'), { kind: 'r2', reg: c.cid }) }),
  cmd({ index: 3, name: 'SET_RELATIVE_ADDR', class: 0, type: 'ac', response: 'R1', states: ['ident'], handler: setRelativeAddr }),
  cmd({ index: 5, name: 'SLEEP_AWAKE', class: 0, type: 'ac', response: 'R1b', states: ['stby', 'slp'], addressed: true, handler: sleepAwake }),
  cmd({ index: 6, name: 'SWITCH', class: 0, type: 'ac', response: 'R1b', states: ['tran'], handler: doSwitch }),
  cmd({ index: 7, name: 'SELECT_DESELECT_CARD', class: 0, type: 'ac', response: 'R1', states: ['stby', 'tran', 'data', 'prg', 'dis'], handler: selectCard }),
  cmd({ index: 8, name: 'SEND_EXT_CSD', class: 0, type: 'adtc', response: 'R1', states: ['tran'], handler: (c) => startBuffer(c, 'ext_csd', composeExtCsd(c.properties, c.modes)) }),
  cmd({ index: 9, name: 'SEND_CSD', class: 0, type: 'ac', response: 'R2', states: ['stby'], addressed: true, handler: (c) => ({ kind: 'r2', reg: c.csd }) }),
  cmd({ index: 10, name: 'SEND_CID', class: 0, type: 'ac', response: 'R2', states: ['stby'], addressed: true, handler: (c) => ({ kind: 'r2', reg: c.cid }) }),
  cmd({ index: 12, name: 'STOP_TRANSMISSION', class: 0, type: 'ac', response: 'R1b', states: ['data', 'rcv', 'prg'], queueSafe: true, handler: stopTransmission }),
  cmd({ index: 13, name: 'SEND_STATUS', class: 0, type: 'ac', response: 'R1', states: [...SELECTED, 'btst'], addressed: true, queueSafe: true, handler: sendStatus }),
  cmd({ index: 14, name: 'BUSTEST_R', class: 0, type: 'adtc', response: 'R1', states: ['btst'], handler: busTestRead }),
  cmd({ index: 15, name: 'GO_INACTIVE_STATE', class: 0, type: 'ac', response: 'none', states: SELECTED, addressed: true, queueSafe: true, handler: (c) => ((c.transfer = null), (c.state = 'inactive'), NONE) }),
  cmd({ index: 16, name: 'SET_BLOCKLEN', class: 2, type: 'ac', response: 'R1', states: ['tran'], handler: setBlockLen }),
  cmd({ index: 17, name: 'READ_SINGLE_BLOCK', class: 2, type: 'adtc', response: 'R1', states: ['tran'], notInCmdq: true, handler: (c, a) => startRead(c, a, 1) }),
  cmd({ index: 18, name: 'READ_MULTIPLE_BLOCK', class: 2, type: 'adtc', response: 'R1', states: ['tran'], notInCmdq: true, handler: (c, a) => startRead(c, a, c.blockCount?.count ?? null) }),
  cmd({ index: 19, name: 'BUSTEST_W', class: 0, type: 'adtc', response: 'R1', states: ['tran'], handler: busTestWrite }),
  cmd({ index: 21, name: 'SEND_TUNING_BLOCK', class: 2, type: 'adtc', response: 'R1', states: ['tran'], handler: sendTuningBlock }),
  cmd({ index: 23, name: 'SET_BLOCK_COUNT', class: 2, type: 'ac', response: 'R1', states: ['tran'], notInCmdq: true, handler: setBlockCount }),
  cmd({ index: 24, name: 'WRITE_BLOCK', class: 4, type: 'adtc', response: 'R1', states: ['tran'], notInCmdq: true, handler: (c, a) => startWrite(c, a, 1, false) }),
  cmd({
    index: 25,
    name: 'WRITE_MULTIPLE_BLOCK',
    class: 4,
    type: 'adtc',
    response: 'R1',
    states: ['tran'],
    notInCmdq: true,
    handler: (c, a) => startWrite(c, a, c.blockCount?.count ?? null, !!(c.blockCount?.reliable || c.blockCount?.forced)),
  }),
  cmd({ index: 35, name: 'ERASE_GROUP_START', class: 5, type: 'ac', response: 'R1', states: ['tran'], handler: (c, a) => eraseAddress(c, a, 'start') }),
  cmd({ index: 36, name: 'ERASE_GROUP_END', class: 5, type: 'ac', response: 'R1', states: ['tran'], handler: (c, a) => eraseAddress(c, a, 'end') }),
  cmd({ index: 38, name: 'ERASE', class: 5, type: 'ac', response: 'R1b', states: ['tran'], handler: erase }),
  cmd({ index: 44, name: 'QUEUED_TASK_PARAMS', class: 11, type: 'ac', response: 'R1', states: ['tran', 'data', 'rcv', 'prg'], cmdqOnly: true, queueSafe: true, handler: queueTaskParams }),
  cmd({ index: 45, name: 'QUEUED_TASK_ADDRESS', class: 11, type: 'ac', response: 'R1', states: ['tran', 'data', 'rcv', 'prg'], cmdqOnly: true, queueSafe: true, handler: queueTaskAddress }),
  cmd({ index: 46, name: 'EXECUTE_READ_TASK', class: 11, type: 'adtc', response: 'R1', states: ['tran'], cmdqOnly: true, queueSafe: true, handler: (c, a) => executeTask(c, a, false) }),
  cmd({ index: 47, name: 'EXECUTE_WRITE_TASK', class: 11, type: 'adtc', response: 'R1', states: ['tran'], cmdqOnly: true, queueSafe: true, handler: (c, a) => executeTask(c, a, true) }),
  cmd({ index: 48, name: 'CMDQ_TASK_MGMT', class: 11, type: 'ac', response: 'R1b', states: ['tran', 'prg'], cmdqOnly: true, queueSafe: true, handler: taskManagement }),
];

/** The table by index, 64 entries. */
export const COMMAND_TABLE: readonly (EmmcCommand | undefined)[] = Array.from({ length: 64 }, (_, i) => EMMC_COMMANDS.find((c) => c.index === i));

/** Commands JEDEC defines that this card leaves out (logged as unimplemented, not as guest errors). */
export const UNSUPPORTED_COMMANDS: ReadonlySet<number> = new Set([4, 26, 27, 28, 29, 30, 31, 39, 40, 42, 49, 53, 54, 55, 56]);
