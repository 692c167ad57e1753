// SPDX-License-Identifier: GPL-2.0
// The controller's side of the SD bus: card detect (Present State b16-b18 with the Host Control 1
// card-detect test bits), SD Bus Power (Power Control, SD Host Controller Simplified Spec 3.00
// §2.2.11) feeding the card's supply, and the calls that reach the card (QEMU's sdbus_* calls in
// hw/sd/sdhci.c). A card without bus power, or a slot without a card, answers nothing.
//
// Supply: when bus power goes off the card keeps its supply for cfg.powerHoldUpNs (decoupling
// hold-up), so a short power-off (Linux's RESET_ALL then set_ios on runtime resume) does not
// reset the card; a longer one does (card.setPower(false)). QEMU cuts nothing; real boards vary.
import type { SdResponse } from '../../include/hw/sd.h.ts';
import * as R from '../../include/hw/sdhci.h.ts';
import type { SdhciCore } from './sdhci_core.ts';

const NO_RESPONSE: SdResponse = { kind: 'none' };
const VDD_330 = 0x7;
const VDD_300 = 0x6;
const VDD_180 = 0x5;

/** A card is in the slot, as card detect reports it (the test level when CD test is selected). */
export function cardInserted(core: SdhciCore): boolean {
  const h = core.regs.hostControl1;
  if (h & 0x80) return (h & 0x40) !== 0;
  return core.cfg.card !== null;
}

export function busPowered(core: SdhciCore): boolean {
  return (core.regs.powerControl & R.SDHCI_POWER_ON) !== 0;
}

/** The card can see the bus: inserted, with bus power. */
function reachable(core: SdhciCore): boolean {
  return core.cfg.card !== null && cardInserted(core) && busPowered(core);
}

export function sendToCard(core: SdhciCore, index: number, argument: number): SdResponse {
  const card = core.cfg.card;
  if (!card || !reachable(core)) return NO_RESPONSE;
  return card.command(index, argument >>> 0);
}

export function readFromCard(core: SdhciCore, dst: Uint8Array): number {
  const card = core.cfg.card;
  return card && reachable(core) ? card.readData(dst) : 0;
}

export function writeToCard(core: SdhciCore, src: Uint8Array): number {
  const card = core.cfg.card;
  return card && reachable(core) ? card.writeData(src) : 0;
}

/** Bytes the card would move now in one readFromCard or writeToCard (0 if it cannot say). */
export function cardDataRoom(core: SdhciCore, direction: 'read' | 'write'): number {
  const card = core.cfg.card;
  return card?.dataRoom && reachable(core) ? card.dataRoom(direction) : 0;
}

/** DAT0 held low by the card. */
export function cardBusy(core: SdhciCore): boolean {
  const card = core.cfg.card;
  return !!card && reachable(core) && card.busy;
}

/** When DAT0 goes high (now when it is). */
export function cardBusyUntil(core: SdhciCore): number {
  return cardBusy(core) ? core.cfg.card!.busyUntil : core.now;
}

/** Time before the first block of a read (the card's access time). */
export function cardReadLatencyNs(core: SdhciCore): number {
  const card = core.cfg.card;
  return card && reachable(core) ? card.readLatencyNs : 0;
}

/**
 * A write to Power Control (0x29). SD Bus Power stays off (the bit reads back 0) without a card
 * or with a voltage the capabilities do not offer, as QEMU's sdhci_write does.
 */
export function writePowerControl(core: SdhciCore, value: number): void {
  let v = value & 0x0f;
  const vdd = (v >> 1) & 0x7;
  if (v & R.SDHCI_POWER_ON) {
    const ok = vdd === VDD_330 || (vdd === VDD_180 && core.cfg.caps.v18);
    if (!ok) {
      core.log('guest_error', `SD Bus Power on with voltage select ${vdd === VDD_300 ? '3.0 V' : vdd}, which the capabilities do not offer: power stays off`);
      v &= ~R.SDHCI_POWER_ON;
    } else if (!cardInserted(core)) {
      v &= ~R.SDHCI_POWER_ON;
    }
  }
  core.regs.powerControl = v;
  supplyFollowsBusPower(core);
}

/** Start or stop the card's supply after a bus power change. */
export function supplyFollowsBusPower(core: SdhciCore): void {
  const card = core.cfg.card;
  if (!card) return;
  if (busPowered(core)) {
    // Back within the hold-up time (or never off): the card saw no power loss.
    cancelPowerCut(core);
    core.cardSupplied = true;
    card.setPower(true);
    return;
  }
  if (!core.cardSupplied || core.powerCutAt !== null) return;
  if (core.cfg.powerHoldUpNs === 0) cutSupply(core);
  else schedulePowerCut(core, core.now + core.cfg.powerHoldUpNs);
}

/** The hold-up ran out: the card loses its supply (and its volatile state). */
function cutSupply(core: SdhciCore): void {
  core.powerCutAt = null;
  core.powerEvent = null;
  core.cardSupplied = false;
  core.cfg.card?.setPower(false);
}

export function schedulePowerCut(core: SdhciCore, time: number): void {
  cancelPowerCut(core);
  core.powerCutAt = time;
  core.powerEvent = core.cfg.clock.at(time, () => cutSupply(core));
}

function cancelPowerCut(core: SdhciCore): void {
  core.cfg.clock.cancel(core.powerEvent);
  core.powerEvent = null;
  core.powerCutAt = null;
}
