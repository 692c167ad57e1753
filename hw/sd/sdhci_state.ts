// SPDX-License-Identifier: GPL-2.0
// Snapshot and restore of the SD Host Controller (QEMU's vmstate_sdhci for hw/sd/sdhci.c), as
// named JSON-safe fields with a version: the registers, the inhibit bits, the command and data
// engines (so a snapshot may be taken mid-transfer), the PIO buffer, the platform clock gate,
// and what each line waits for. Times are absolute clock times (a stalled line keeps the time
// it still needs), so the embedder restores its clock, and the card, with the controller.
import type { SdResponse } from '../../include/hw/sd.h.ts';
import { schedulePowerCut } from './sdhci_bus.ts';
import { type CommandInFlight, type DataTransfer, type LaneName, resetRegisters, type SdhciCore, type SdhciRegisters, type Step } from './sdhci_core.ts';
import { updateIrq } from './sdhci_irq.ts';

export const SDHCI_STATE_VERSION = 1;

export interface SdhciLaneState {
  step: Step | null;
  /** Absolute time of the step, or (stalled) the time it still needs. */
  due: number;
  stalled: boolean;
}

export interface SdhciControllerState {
  version: typeof SDHCI_STATE_VERSION;
  registers: SdhciRegisters;
  cmdInhibit: boolean;
  datInhibit: boolean;
  command: CommandInFlight | null;
  transfer: DataTransfer | null;
  /** The PIO buffer, hex, and the guest's position in it. */
  buffer: string;
  bufferPosition: number;
  clockGated: boolean;
  irqLevel: boolean;
  busErrors: number;
  cardSupplied: boolean;
  powerCutAt: number | null;
  cmdLine: SdhciLaneState;
  datLine: SdhciLaneState;
}

const STEPS: readonly Step[] = ['acmd23-sent', 'acmd23-done', 'command-sent', 'command-done', 'block-in', 'block-out', 'acmd12-sent', 'acmd12-done', 'busy', 'timeout'];
const STATES: readonly string[] = ['read-wait', 'read-buffer', 'write-buffer', 'write-out', 'dma-paused', 'acmd12', 'busy', 'error'];

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

const copyResponse = (r: SdResponse | null): SdResponse | null =>
  r === null ? null : r.kind === 'long' ? { kind: 'long', words: [r.words[0], r.words[1], r.words[2], r.words[3]] } : { ...r };

const copyTransfer = (x: DataTransfer): DataTransfer => ({ ...x, adma: { ...x.adma }, acmd12Response: copyResponse(x.acmd12Response) });

const laneState = (core: SdhciCore, name: LaneName): SdhciLaneState => {
  const l = core.lanes[name];
  return l.step ? { step: l.step, due: l.due, stalled: l.stalled } : { step: null, due: 0, stalled: false };
};

export function saveControllerState(core: SdhciCore): SdhciControllerState {
  return {
    version: SDHCI_STATE_VERSION,
    registers: { ...core.regs },
    cmdInhibit: core.cmdInhibit,
    datInhibit: core.datInhibit,
    command: core.cmd && { ...core.cmd, response: copyResponse(core.cmd.response) },
    transfer: core.xfer && copyTransfer(core.xfer),
    buffer: hex(core.fifo),
    bufferPosition: core.fifoPos,
    clockGated: core.gated,
    irqLevel: core.irqLevel,
    busErrors: core.busErrors,
    cardSupplied: core.cardSupplied,
    powerCutAt: core.powerCutAt,
    cmdLine: laneState(core, 'cmd'),
    datLine: laneState(core, 'dat'),
  };
}

const bad = (what: string): never => {
  throw new TypeError(`SdhciController state: ${what}`);
};
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bool = (what: string, v: unknown): boolean => (typeof v === 'boolean' ? v : bad(`${what} must be a boolean`));
const num = (what: string, v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : bad(`${what} must be a finite number`));

function checkRegisters(v: unknown): SdhciRegisters {
  if (!isObject(v)) return bad('registers must be an object');
  const out = resetRegisters();
  for (const k of Object.keys(out) as (keyof SdhciRegisters)[]) {
    const x = v[k];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 0xffffffff) bad(`registers.${k} must be a 32-bit unsigned integer`);
    out[k] = x as number;
  }
  return out;
}

function checkLane(what: string, v: unknown): SdhciLaneState {
  if (!isObject(v)) return bad(`${what} must be an object`);
  if (v['step'] !== null && !STEPS.includes(v['step'] as Step)) bad(`${what}.step must be null or one of ${STEPS.join(', ')}`);
  return { step: v['step'] as Step | null, due: num(`${what}.due`, v['due']), stalled: bool(`${what}.stalled`, v['stalled']) };
}

/** Restore saveControllerState() output. Throws TypeError if malformed. */
export function loadControllerState(core: SdhciCore, s: SdhciControllerState): void {
  if (!isObject(s)) bad('must be an object');
  if (s.version !== SDHCI_STATE_VERSION) bad(`version ${String(s.version)} is not ${SDHCI_STATE_VERSION}`);
  const registers = checkRegisters(s.registers);
  const cmdLine = checkLane('cmdLine', s.cmdLine);
  const datLine = checkLane('datLine', s.datLine);
  if (s.command !== null && !isObject(s.command)) bad('command must be null or an object');
  if (s.transfer !== null && (!isObject(s.transfer) || !STATES.includes(s.transfer.state) || !isObject(s.transfer.adma))) bad('transfer must be null or a transfer');
  if (typeof s.buffer !== 'string' || s.buffer.length !== core.fifo.length * 2 || !/^[0-9a-f]*$/.test(s.buffer)) bad(`buffer must be ${core.fifo.length} bytes of hex`);
  const pos = num('bufferPosition', s.bufferPosition);
  if (!Number.isInteger(pos) || pos < 0 || pos > core.fifo.length) bad('bufferPosition is outside the buffer');
  const powerCutAt = s.powerCutAt === null ? null : num('powerCutAt', s.powerCutAt);

  core.cancel('cmd');
  core.cancel('dat');
  core.cfg.clock.cancel(core.powerEvent);
  core.powerEvent = null;
  core.regs = registers;
  core.cmdInhibit = bool('cmdInhibit', s.cmdInhibit);
  core.datInhibit = bool('datInhibit', s.datInhibit);
  core.cmd = s.command && { ...s.command, response: copyResponse(s.command.response) };
  core.xfer = s.transfer && copyTransfer(s.transfer);
  core.fifo.set(Uint8Array.from(s.buffer.match(/../g) ?? [], (h) => parseInt(h, 16)));
  core.fifoPos = pos;
  core.gated = bool('clockGated', s.clockGated);
  core.busErrors = num('busErrors', s.busErrors);
  core.cardSupplied = bool('cardSupplied', s.cardSupplied);
  core.powerCutAt = null;
  if (powerCutAt !== null) schedulePowerCut(core, powerCutAt);
  for (const [name, l] of [['cmd', cmdLine], ['dat', datLine]] as const) {
    if (!l.step) continue;
    if (l.stalled) core.lanes[name] = { step: l.step, due: l.due, stalled: true, event: null };
    else core.schedule(name, l.step, l.due);
  }
  core.reevaluate();
  core.irqLevel = bool('irqLevel', s.irqLevel);
  core.cfg.irq.set(core.irqLevel);
  updateIrq(core);
}
