// SPDX-License-Identifier: GPL-2.0
// Software Reset (0x2F; SD Host Controller Simplified Spec 3.00 §2.2.16). The bits clear
// themselves at once (Linux polls them; QEMU and Renode clear them on the write too).
// - For All: every register but the read-only ones back to its reset value, both lines idle;
//   Power Control included, so SD Bus Power goes off (the card keeps its supply for the
//   hold-up time, see sdhci_bus.ts).
// - CMD line: the command engine; Command Inhibit (CMD) and Command Complete cleared.
// - DAT line: the data engine, SDMA/ADMA and the buffer; Command Inhibit (DAT), Buffer
//   Read/Write Enable, Read/Write Transfer Active, DAT Line Active, Block Gap Control's stop
//   and continue requests, and the status of Transfer Complete, Block Gap Event, DMA Interrupt,
//   Buffer Read Ready and Buffer Write Ready cleared.
// QEMU hw/sd/sdhci.c: sdhci_reset and the SDHC_SWRST case of sdhci_write.
import * as R from '../../include/hw/sdhci.h.ts';
import { supplyFollowsBusPower } from './sdhci_bus.ts';
import { resetRegisters, type SdhciCore } from './sdhci_core.ts';
import { updateIrq } from './sdhci_irq.ts';

const DATA_STATUS = R.SDHCI_INT_DATA_END | R.SDHCI_INT_BLK_GAP | R.SDHCI_INT_DMA_END | R.SDHCI_INT_SPACE_AVAIL | R.SDHCI_INT_DATA_AVAIL;

export function softwareReset(core: SdhciCore, bits: number): void {
  if (bits & R.SDHCI_RESET_ALL) return resetAll(core);
  if (bits & R.SDHCI_RESET_CMD) resetCmdLine(core);
  if (bits & R.SDHCI_RESET_DATA) resetDatLine(core);
}

export function resetCmdLine(core: SdhciCore): void {
  core.cancel('cmd');
  core.cmd = null;
  core.cmdInhibit = false;
  core.regs.normalIntStatus &= ~R.SDHCI_INT_RESPONSE;
  updateIrq(core);
}

export function resetDatLine(core: SdhciCore): void {
  core.cancel('dat');
  core.xfer = null;
  core.datInhibit = false;
  core.fifoPos = 0;
  core.fifo.fill(0);
  core.regs.blockGapControl &= ~0x3;
  core.regs.normalIntStatus &= ~DATA_STATUS;
  updateIrq(core);
}

export function resetAll(core: SdhciCore): void {
  core.cancel('cmd');
  core.cancel('dat');
  core.cmd = null;
  core.xfer = null;
  core.cmdInhibit = false;
  core.datInhibit = false;
  core.fifoPos = 0;
  core.fifo.fill(0);
  core.regs = resetRegisters();
  supplyFollowsBusPower(core);
  updateIrq(core);
}
