// SPDX-License-Identifier: GPL-2.0
// The end of a data phase and the busy phase (SD Host Controller Simplified Spec 3.00 §2.2.17
// Transfer Complete, §2.2.9 DAT0 level, §1.15 Auto CMD12): after the last block, Auto CMD12 if
// the Transfer Mode asks for it (its response in RESPONSE[3], 0x1C), then DAT0 busy for writes
// and R1b commands, then Transfer Complete, which clears DAT inhibit. Busy beyond the data
// timeout is a data timeout error if that status is enabled; with it disabled the controller
// waits on. An error stops the phase with its status and keeps DAT inhibit until a DAT reset.
// QEMU hw/sd/sdhci.c: sdhci_end_transfer (Auto CMD12 there is instant and busy is not waited).
import * as R from '../../include/hw/sdhci.h.ts';
import { cardBusy, cardBusyUntil, sendToCard } from './sdhci_bus.ts';
import type { DataTransfer, SdhciCore } from './sdhci_core.ts';
import { enabled, raise } from './sdhci_irq.ts';
import { clocksNs, COMMAND_CLOCKS, dataTimeoutNs, responseNs } from './sdhci_timing.ts';

/** Every block moved: Auto CMD12, DAT0 busy for writes, Transfer Complete. */
export function endOfData(core: SdhciCore, x: DataTransfer): void {
  if (x.autoCmd12) {
    x.state = 'acmd12';
    core.schedule('dat', 'acmd12-sent', core.now + clocksNs(core, COMMAND_CLOCKS));
  } else if (x.direction === 'write') startBusyWait(core, x);
  else transferComplete(core);
}

/** Step acmd12-sent: Auto CMD12 (argument 0, R1b) reached the card. */
export function acmd12Sent(core: SdhciCore): void {
  const x = core.xfer;
  if (!x || x.state !== 'acmd12') return;
  x.acmd12Response = sendToCard(core, 12, 0);
  core.schedule('dat', 'acmd12-done', core.now + responseNs(core, x.acmd12Response.kind !== 'none', false));
}

/** Step acmd12-done: its response lands in RESPONSE[3] (0x1C); then DAT0 busy. */
export function acmd12Done(core: SdhciCore): void {
  const x = core.xfer;
  if (!x || x.state !== 'acmd12') return;
  const resp = x.acmd12Response;
  x.acmd12Response = null;
  if (resp?.kind !== 'short') {
    core.regs.autoCmdErrorStatus = resp?.kind === 'long' ? R.SDHCI_AUTO_CMD_END_BIT : R.SDHCI_AUTO_CMD_TIMEOUT;
    return stopWithError(core, x, R.SDHCI_INT_AUTO_CMD_ERR);
  }
  core.regs.autoCmdErrorStatus = 0;
  core.regs.response3 = resp.word >>> 0;
  startBusyWait(core, x);
}

export function startBusyWait(core: SdhciCore, x: DataTransfer): void {
  x.state = 'busy';
  x.busyDeadline = core.now + dataTimeoutNs(core);
  busyStep(core);
}

/**
 * Step busy: DAT0 high ends the phase with Transfer Complete. Busy past the data timeout is a
 * data timeout error if that status is enabled; with it disabled the controller waits on.
 */
export function busyStep(core: SdhciCore): void {
  const x = core.xfer;
  if (!x || x.state !== 'busy') return;
  if (!cardBusy(core)) return transferComplete(core);
  const until = Math.max(cardBusyUntil(core), core.now + 1);
  if (core.now < x.busyDeadline) core.schedule('dat', 'busy', Math.min(until, x.busyDeadline));
  else if (enabled(core, R.SDHCI_INT_DATA_TIMEOUT)) stopWithError(core, x, R.SDHCI_INT_DATA_TIMEOUT);
  else core.schedule('dat', 'busy', until);
}

/** Step timeout: the card never started the block. */
export function timeoutStep(core: SdhciCore): void {
  const x = core.xfer;
  if (!x || x.state !== 'read-wait') return;
  // With the status disabled the controller would wait for ever: stop silently.
  stopWithError(core, x, R.SDHCI_INT_DATA_TIMEOUT);
}

export function transferComplete(core: SdhciCore): void {
  core.cancel('dat');
  core.xfer = null;
  core.datInhibit = false;
  raise(core, R.SDHCI_INT_DATA_END);
}

export function stopWithError(core: SdhciCore, x: DataTransfer, bits: number): void {
  core.cancel('dat');
  x.state = 'error';
  raise(core, bits);
}

