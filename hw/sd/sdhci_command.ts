// SPDX-License-Identifier: GPL-2.0
// The command engine and the CMD line (SD Host Controller Simplified Spec 3.00 §2.2.6 Command
// register, §2.2.7 Response registers, §3.7.1 "Issue SD Command"; Auto CMD23 §1.15). A write
// covering the Command register's top byte (0x0F) issues the command if the SD clock runs and
// the inhibit bits allow it: CMD inhibit always, DAT inhibit too for a command with data or
// busy, except an abort-type command. The command goes out (48 clocks), the card answers after
// Ncr, and the response lands in the Response registers: R1/R1b/R3 in 0x10, R2 as its bits
// [127:8] right-aligned in 0x10-0x1E (the CRC byte dropped), Auto CMD23's in 0x1C. No answer is
// a command timeout and nothing follows it: no data phase (QEMU's 2021 fix). QEMU
// hw/sd/sdhci.c: sdhci_send_command / sdhci_can_issue_command.
import type { SdResponse } from '../../include/hw/sd.h.ts';
import * as R from '../../include/hw/sdhci.h.ts';
import { sendToCard } from './sdhci_bus.ts';
import type { CommandInFlight, SdhciCore } from './sdhci_core.ts';
import { raise } from './sdhci_irq.ts';
import { clocksNs, COMMAND_CLOCKS, responseNs } from './sdhci_timing.ts';
import { abortData, autoCmdOf, startBusyPhase, startData } from './sdhci_transfer.ts';

/** Commands whose response is R3 (OCR): no CRC7 and no index, so those checks fail on them. */
const R3_COMMANDS: ReadonlySet<number> = new Set([1, 41]);
const TUNING_COMMANDS: ReadonlySet<number> = new Set([19, 21]);

/** Why @command (a Command register value) cannot be issued now, or null. */
export function refusal(core: SdhciCore, command: number): string | null {
  const flags = command & 0xff;
  const dataLine = (flags & R.SDHCI_CMD_DATA) !== 0 || (flags & R.SDHCI_CMD_RESP_MASK) === R.SDHCI_CMD_RESP_SHORT_BUSY;
  const abort = (flags & R.SDHCI_CMD_ABORTCMD) === R.SDHCI_CMD_ABORTCMD;
  if (!core.sdClockOn) return 'the SD clock is not running';
  if (core.cmdInhibit) return 'Command Inhibit (CMD) is set';
  if (dataLine && core.datInhibit && !abort) return 'Command Inhibit (DAT) is set';
  return null;
}

/** Issue the command now in the Command register (refusal() said yes). */
export function issueCommand(core: SdhciCore): void {
  const r = core.regs;
  const flags = r.command & 0xff;
  const index = (r.command >> 8) & 0x3f;
  const responseType = flags & R.SDHCI_CMD_RESP_MASK;
  const data = (flags & R.SDHCI_CMD_DATA) !== 0;
  const busy = responseType === R.SDHCI_CMD_RESP_SHORT_BUSY;
  const mode = r.transferMode;
  const auto = data ? autoCmdOf(core, mode) : 0;
  const multi = (mode & R.SDHCI_TRNS_MULTI) !== 0;
  if (auto === 23 && !multi) core.log('guest_error', `Auto CMD23 on single-block CMD${index}: not sent`);
  const auto23 = auto === 23 && multi;
  const sdmaSelected = (mode & R.SDHCI_TRNS_DMA) !== 0 && (r.hostControl1 & R.SDHCI_CTRL_DMA_MASK) === R.SDHCI_CTRL_SDMA && !(r.hostControl2 & R.SDHCI_CTRL_V4_MODE);
  if (auto23 && sdmaSelected) core.log('guest_error', 'Auto CMD23 with SDMA: 0x00 is both Argument 2 and the SDMA address');
  core.cmdInhibit = true;
  if (data || busy) core.datInhibit = true;
  const c: CommandInFlight = {
    index,
    argument: r.argument >>> 0,
    responseType,
    crcCheck: (flags & R.SDHCI_CMD_CRC) !== 0,
    indexCheck: (flags & R.SDHCI_CMD_INDEX) !== 0,
    data,
    busy,
    abort: (flags & R.SDHCI_CMD_ABORTCMD) === R.SDHCI_CMD_ABORTCMD,
    tuning: data && core.v3 && (r.hostControl2 & R.SDHCI_CTRL_EXEC_TUNING) !== 0 && TUNING_COMMANDS.has(index),
    transferMode: mode,
    auto23,
    argument2: r.sdmaSysAddr >>> 0,
    response: null,
  };
  core.cmd = c;
  core.schedule('cmd', auto23 ? 'acmd23-sent' : 'command-sent', core.now + clocksNs(core, COMMAND_CLOCKS));
}

/** Step acmd23-sent: CMD23 with Argument 2 reached the card. */
export function acmd23Sent(core: SdhciCore): void {
  const c = core.cmd;
  if (!c) return;
  c.response = sendToCard(core, 23, c.argument2);
  core.schedule('cmd', 'acmd23-done', core.now + responseNs(core, c.response.kind !== 'none', false));
}

/** Step acmd23-done: its response in 0x1C, then the command itself; an error stops both. */
export function acmd23Done(core: SdhciCore): void {
  const c = core.cmd;
  if (!c) return;
  const resp = c.response;
  if (resp?.kind !== 'short') {
    core.regs.autoCmdErrorStatus = resp?.kind === 'long' ? R.SDHCI_AUTO_CMD_END_BIT : R.SDHCI_AUTO_CMD_TIMEOUT;
    core.cmd = null;
    core.cmdInhibit = false;
    if (!core.xfer) core.datInhibit = false;
    raise(core, R.SDHCI_INT_AUTO_CMD_ERR);
    return;
  }
  core.regs.autoCmdErrorStatus = 0;
  core.regs.response3 = resp.word >>> 0;
  c.response = null;
  core.schedule('cmd', 'command-sent', core.now + clocksNs(core, COMMAND_CLOCKS));
}

/** Step command-sent: the card has the command; a command without response is complete. */
export function commandSent(core: SdhciCore): void {
  const c = core.cmd;
  if (!c) return;
  c.response = sendToCard(core, c.index, c.argument);
  if (c.responseType === R.SDHCI_CMD_RESP_NONE) return commandDone(core);
  core.schedule('cmd', 'command-done', core.now + responseNs(core, c.response.kind !== 'none', c.responseType === R.SDHCI_CMD_RESP_LONG));
}

/** Step command-done: response registers, Command Complete or the error, then data or busy. */
export function commandDone(core: SdhciCore): void {
  const c = core.cmd;
  if (!c) return;
  core.cmd = null;
  core.cmdInhibit = false;
  const errors = c.responseType === R.SDHCI_CMD_RESP_NONE ? 0 : storeResponse(core, c, c.response ?? { kind: 'none' });
  if (errors) {
    // Nothing follows a failed command; DAT inhibit was only this command's (unless an abort
    // failed while a transfer still holds it).
    if (!core.xfer) core.datInhibit = false;
    raise(core, errors);
    return;
  }
  // While tuning, the controller signals nothing but Buffer Read Ready (spec §2.2.17).
  if (!c.tuning) raise(core, R.SDHCI_INT_RESPONSE);
  if (c.abort) abortData(core);
  if (c.data && !c.abort) startData(core, c);
  else if (c.busy) startBusyPhase(core);
  else if (c.abort) core.datInhibit = false;
}

/** Put @resp in the Response registers; the error status bits it earns. */
function storeResponse(core: SdhciCore, c: CommandInFlight, resp: SdResponse): number {
  const r = core.regs;
  const long = c.responseType === R.SDHCI_CMD_RESP_LONG;
  if (resp.kind === 'none') return R.SDHCI_INT_TIMEOUT;
  if (resp.kind === 'short') {
    r.response0 = resp.word >>> 0;
    // 136 bits expected, 48 came: the frame's CRC check fails.
    if (long) return R.SDHCI_INT_CRC;
  } else {
    const [w0, w1, w2, w3] = resp.words;
    r.response0 = ((w2 << 24) | (w3 >>> 8)) >>> 0;
    r.response1 = ((w1 << 24) | (w2 >>> 8)) >>> 0;
    r.response2 = ((w0 << 24) | (w1 >>> 8)) >>> 0;
    r.response3 = w0 >>> 8;
    if (!long) return R.SDHCI_INT_CRC;
  }
  let errors = 0;
  const r3 = !long && R3_COMMANDS.has(c.index);
  if (c.crcCheck && r3) errors |= R.SDHCI_INT_CRC;
  if (c.indexCheck && (long || r3)) errors |= R.SDHCI_INT_INDEX;
  return errors;
}
