// SPDX-License-Identifier: GPL-2.0
// The 256-byte register window (SD Host Controller Simplified Spec 3.00 §2.1 register map and
// §2.2 register descriptions): one read and one write dispatch over 32-bit register words with
// byte-lane masks, so 1-, 2- and 4-byte accesses at any offset touch exactly their bytes (QEMU
// hw/sd/sdhci.c: sdhci_read / sdhci_write with MASKED_WRITE). Each access is split into its
// dword pieces; the Buffer Data Port (0x20) takes its bytes in order through its lanes.
// Read-only registers ignore writes, reserved offsets read 0; both are logged as guest errors.
import * as R from '../../include/hw/sdhci.h.ts';
import { cardBusy, cardInserted, writePowerControl } from './sdhci_bus.ts';
import { issueCommand, refusal } from './sdhci_command.ts';
import type { SdhciCore } from './sdhci_core.ts';
import { intStatus, raise, slotInterruptStatus, writeIntStatus, writeSignalEnable, writeStatusEnable } from './sdhci_irq.ts';
import { readBuffer, writeBuffer } from './sdhci_pio.ts';
import { softwareReset } from './sdhci_reset.ts';
import { sdmaUsesAdmaAddress } from './sdhci_sdma.ts';
import { resumeSdma } from './sdhci_transfer.ts';

const hex = (v: number): string => `0x${v.toString(16).padStart(2, '0')}`;
const masked = (old: number, value: number, mask: number): number => ((old & ~mask) | (value & mask)) >>> 0;
const DAT_LINE_ACTIVE = 0x4;

/** Present State (0x24), from the engines' state. */
export function presentState(core: SdhciCore): number {
  let v = R.SDHCI_CARD_STATE_STABLE | R.SDHCI_WRITE_PROTECT | R.SDHCI_CMD_LVL;
  if (core.cmdInhibit) v |= R.SDHCI_CMD_INHIBIT;
  if (core.datInhibit) v |= R.SDHCI_DATA_INHIBIT;
  const x = core.xfer;
  if (x && x.state !== 'error') {
    if (x.direction === 'write') v |= R.SDHCI_DOING_WRITE;
    if (x.direction === 'read') v |= R.SDHCI_DOING_READ;
    if (x.state === 'write-buffer') v |= R.SDHCI_SPACE_AVAILABLE;
    if (x.state === 'read-buffer') v |= R.SDHCI_DATA_AVAILABLE;
    const readDone = x.direction === 'read' && x.remaining === 0 && (x.state === 'read-buffer' || x.state === 'acmd12');
    if (!readDone) v |= DAT_LINE_ACTIVE;
  }
  if (cardInserted(core)) v |= R.SDHCI_CARD_PRESENT | R.SDHCI_CD_LVL;
  v |= (cardBusy(core) ? 0xe : 0xf) << 20;
  if (core.v4) v |= 0xf << 4;
  return v >>> 0;
}

function clockControlRead(core: SdhciCore): number {
  const c = core.regs.clockControl;
  return c & R.SDHCI_CLOCK_INT_EN ? c | R.SDHCI_CLOCK_INT_STABLE : c;
}

/** The 32-bit register word at @dw (a multiple of 4). Reads have no side effects here. */
export function readRegister(core: SdhciCore, dw: number): number {
  const r = core.regs;
  const cfg = core.cfg;
  switch (dw) {
    case 0x00:
      return r.sdmaSysAddr;
    case 0x04:
      return (r.blockSize | (r.blockCount << 16)) >>> 0;
    case 0x08:
      return r.argument;
    case 0x0c:
      return (r.transferMode | (r.command << 16)) >>> 0;
    case 0x10:
      return r.response0;
    case 0x14:
      return r.response1;
    case 0x18:
      return r.response2;
    case 0x1c:
      return r.response3;
    case 0x24:
      return presentState(core);
    case 0x28:
      return (r.hostControl1 | (r.powerControl << 8) | (r.blockGapControl << 16) | (r.wakeupControl << 24)) >>> 0;
    case 0x2c:
      return (clockControlRead(core) | (r.timeoutControl << 16)) >>> 0;
    case 0x30:
      return intStatus(core);
    case 0x34:
      return (r.normalIntStatusEnable | (r.errorIntStatusEnable << 16)) >>> 0;
    case 0x38:
      return (r.normalIntSignalEnable | (r.errorIntSignalEnable << 16)) >>> 0;
    case 0x3c:
      return (r.autoCmdErrorStatus | (core.v3 ? r.hostControl2 << 16 : 0)) >>> 0;
    case 0x40:
      return cfg.capabilities;
    case 0x44:
      return cfg.capabilities1;
    case 0x48:
      return cfg.maxCurrent;
    case 0x4c:
    case 0x50:
      return 0;
    case 0x54:
      return r.admaErrorStatus;
    case 0x58:
      return r.admaSysAddrLo;
    case 0x5c:
      return r.admaSysAddrHi;
    case 0xfc:
      return (slotInterruptStatus(core) | (cfg.hostVersion << 16)) >>> 0;
    default:
      // Preset Values (0x60-0x6F, spec 3.00) exist but are not programmed: they read 0.
      if (core.v3 && dw >= 0x60 && dw <= 0x6c) return 0;
      core.log('guest_error', `read of reserved offset ${hex(dw)}`);
      return 0;
  }
}

/** Write @value under byte mask @mask (0xff per written lane) to the register word at @dw. */
export function writeRegister(core: SdhciCore, dw: number, value: number, mask: number): void {
  const r = core.regs;
  switch (dw) {
    case 0x00:
      r.sdmaSysAddr = masked(r.sdmaSysAddr, value, mask);
      if (mask & 0xff000000 && !sdmaUsesAdmaAddress(core)) resumeSdma(core);
      return;
    case 0x04:
      if (transferring(core)) return core.log('guest_error', 'Block Size/Count written during a data transfer: ignored');
      if (lanes(mask, 0, 1)) r.blockSize = masked(r.blockSize, value, mask) & 0x7fff;
      if (lanes(mask, 2, 3)) r.blockCount = masked(r.blockCount, value >>> 16, mask >>> 16) & 0xffff;
      return;
    case 0x08:
      r.argument = masked(r.argument, value, mask);
      return;
    case 0x0c:
      if (lanes(mask, 0, 1)) writeTransferMode(core, value, mask);
      if (lanes(mask, 2, 3)) writeCommand(core, value >>> 16, mask >>> 16);
      return;
    case 0x28:
      if (lanes(mask, 0, 0)) writeHostControl1(core, value & 0xff);
      if (lanes(mask, 1, 1)) writePowerControl(core, (value >>> 8) & 0xff);
      if (lanes(mask, 2, 2)) {
        r.blockGapControl = (value >>> 16) & 0x0f;
        if (r.blockGapControl & 0x1) core.log('unimp', 'Stop At Block Gap Request is not implemented');
      }
      if (lanes(mask, 3, 3)) r.wakeupControl = (value >>> 24) & 0x07;
      return;
    case 0x2c:
      if (lanes(mask, 0, 1)) writeClockControl(core, masked(r.clockControl, value, mask) & 0xffff);
      if (lanes(mask, 2, 2)) {
        r.timeoutControl = (value >>> 16) & 0x0f;
        if (r.timeoutControl === 0xf) core.log('guest_error', 'Timeout Control 0xF is reserved: taken as 0xE');
      }
      if (lanes(mask, 3, 3)) softwareReset(core, (value >>> 24) & 0x07);
      return;
    case 0x30:
      return writeIntStatus(core, value, mask);
    case 0x34:
      return writeStatusEnable(core, value, mask);
    case 0x38:
      return writeSignalEnable(core, value, mask);
    case 0x3c:
      if (lanes(mask, 0, 1)) core.log('guest_error', 'write to read-only Auto CMD Error Status (0x3c)');
      if (lanes(mask, 2, 3)) {
        if (core.v3) writeHostControl2(core, masked(r.hostControl2, value >>> 16, mask >>> 16) & 0xffff);
        else core.log('guest_error', 'write to Host Control 2 (0x3e), reserved before spec 3.00');
      }
      return;
    case 0x50:
      if (lanes(mask, 0, 1) && value & mask & 0x9f) {
        r.autoCmdErrorStatus |= value & mask & 0x9f;
        raise(core, R.SDHCI_INT_AUTO_CMD_ERR);
      }
      if (lanes(mask, 2, 3)) raise(core, (value & mask & 0xffff0000) >>> 0);
      return;
    case 0x58:
      r.admaSysAddrLo = masked(r.admaSysAddrLo, value, mask);
      if (mask & 0xff000000 && sdmaUsesAdmaAddress(core) && !(r.hostControl2 & R.SDHCI_CTRL_64BIT_ADDR)) resumeSdma(core);
      return;
    case 0x5c:
      if (!core.cfg.caps.adma64) return core.log('guest_error', 'write to ADMA System Address high (0x5c) without 64-bit support: ignored');
      r.admaSysAddrHi = masked(r.admaSysAddrHi, value, mask);
      if (mask & 0xff000000 && sdmaUsesAdmaAddress(core) && r.hostControl2 & R.SDHCI_CTRL_64BIT_ADDR) resumeSdma(core);
      return;
    default:
      core.log('guest_error', `write of ${hex(value & mask)} to ${readOnly(core, dw) ? 'read-only' : 'reserved'} offset ${hex(dw)} (lanes ${hex(mask)}): ignored`);
  }
}

/** Whether @mask writes any byte lane of @lo..@hi. */
const lanes = (mask: number, lo: number, hi: number): boolean => (mask & laneMask(lo, hi)) !== 0;

const laneMask = (lo: number, hi: number): number => {
  let m = 0;
  for (let l = lo; l <= hi; l++) m |= 0xff << (8 * l);
  return m >>> 0;
};

const READ_ONLY = new Set([0x10, 0x14, 0x18, 0x1c, 0x24, 0x40, 0x44, 0x48, 0x54, 0xfc]);
const readOnly = (core: SdhciCore, dw: number): boolean => READ_ONLY.has(dw) || (core.v3 && dw >= 0x60 && dw <= 0x6c);

/** A data transfer is moving (Read/Write Transfer Active): Block Size and Count are locked. */
function transferring(core: SdhciCore): boolean {
  const x = core.xfer;
  return !!x && x.direction !== 'none' && x.state !== 'error';
}

function writeTransferMode(core: SdhciCore, value: number, mask: number): void {
  // Spec §2.2.5: writes are ignored while Command Inhibit (DAT) is set.
  if (core.datInhibit) return core.log('guest_error', 'Transfer Mode written while Command Inhibit (DAT) is set: ignored');
  core.regs.transferMode = masked(core.regs.transferMode, value, mask) & (core.v4 ? 0x01ff : 0x003f);
}

function writeCommand(core: SdhciCore, value: number, mask: number): void {
  const r = core.regs;
  const next = masked(r.command, value, mask) & (core.v4 ? 0x3fff : 0x3ffb);
  if (!(mask & 0xff00)) {
    r.command = next;
    return;
  }
  const why = refusal(core, next);
  if (why) return core.log('guest_error', `CMD${(next >> 8) & 0x3f} not issued: ${why}`);
  r.command = next;
  issueCommand(core);
}

function writeHostControl1(core: SdhciCore, value: number): void {
  let v = value;
  if (v & R.SDHCI_CTRL_8BITBUS && !core.cfg.caps.bus8bit) {
    core.log('guest_error', '8-bit bus selected without 8-bit support: ignored');
    v &= ~R.SDHCI_CTRL_8BITBUS;
  }
  if (v & R.SDHCI_CTRL_HISPD && !core.cfg.caps.highSpeed) {
    core.log('guest_error', 'High Speed Enable without high-speed support: ignored');
    v &= ~R.SDHCI_CTRL_HISPD;
  }
  core.regs.hostControl1 = v;
}

function writeClockControl(core: SdhciCore, value: number): void {
  const mask = core.v4 ? 0xffed : core.v3 ? 0xffe5 : 0xff05;
  const v = value & mask;
  if (v & R.SDHCI_PROG_CLOCK_MODE) core.log('unimp', 'Clock Generator Select (programmable clock) without a clock multiplier: divided clock used');
  const n = (v >> R.SDHCI_DIVIDER_SHIFT) & R.SDHCI_DIV_MASK;
  if (!core.v3 && n & (n - 1)) core.log('guest_error', `SDCLK divider ${n} is not a power of two (spec 2.00)`);
  core.regs.clockControl = v;
  core.reevaluate();
}

function writeHostControl2(core: SdhciCore, value: number): void {
  const caps = core.cfg.caps;
  let v = value & (core.v4 ? 0xb8ff : 0x80ff);
  if (value & 0x4000) core.log('unimp', 'Asynchronous Interrupt Enable is not supported: ignored');
  if (v & R.SDHCI_CTRL_VDD_180 && !caps.v18) {
    core.log('guest_error', '1.8V Signaling Enable without 1.8 V support: ignored');
    v &= ~R.SDHCI_CTRL_VDD_180;
  }
  const uhs = v & R.SDHCI_CTRL_UHS_MASK;
  if (uhs !== (core.regs.hostControl2 & R.SDHCI_CTRL_UHS_MASK)) {
    if (uhs === R.SDHCI_CTRL_UHS_SDR104 && !caps.sdr104) core.log('guest_error', 'UHS mode SDR104 selected without SDR104 support');
    if (uhs === R.SDHCI_CTRL_UHS_DDR50 && !caps.ddr50) core.log('guest_error', 'UHS mode DDR50 selected without DDR50 support');
    if (uhs === R.SDHCI_CTRL_HS400) core.log('unimp', 'UHS mode 5 (HS400) is vendor-defined: timed as DDR');
    if (uhs > R.SDHCI_CTRL_HS400) core.log('unimp', `UHS mode ${uhs} is not implemented`);
  }
  if (v & R.SDHCI_CTRL_PRESET_VAL_ENABLE && !(core.regs.hostControl2 & R.SDHCI_CTRL_PRESET_VAL_ENABLE))
    core.log('unimp', 'Preset Value Enable: preset values are not implemented; the programmed clock is kept');
  core.regs.hostControl2 = v;
}

/** A register read of @size bytes at @offset (inside the window), lane by lane. */
export function mmioRead(core: SdhciCore, offset: number, size: number): number {
  let result = 0;
  for (let pos = offset; pos < offset + size; ) {
    const dw = pos & ~3;
    const lane = pos & 3;
    const n = Math.min(4 - lane, offset + size - pos);
    const bits = dw === R.SDHCI_BUFFER ? readBuffer(core, lane, n) : (readRegister(core, dw) >>> (8 * lane)) & (2 ** (8 * n) - 1);
    result += bits * 2 ** (8 * (pos - offset));
    pos += n;
  }
  return result >>> 0;
}

/** A register write of @size bytes at @offset (inside the window), lane by lane. */
export function mmioWrite(core: SdhciCore, offset: number, size: number, value: number): void {
  for (let pos = offset; pos < offset + size; ) {
    const dw = pos & ~3;
    const lane = pos & 3;
    const n = Math.min(4 - lane, offset + size - pos);
    const bits = Math.floor(value / 2 ** (8 * (pos - offset))) % 2 ** (8 * n);
    if (dw === R.SDHCI_BUFFER) writeBuffer(core, lane, n, bits);
    else writeRegister(core, dw, (bits * 2 ** (8 * lane)) >>> 0, laneMask(lane, lane + n - 1));
    pos += n;
  }
}
