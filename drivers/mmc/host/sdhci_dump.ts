// SPDX-License-Identifier: GPL-2.0
// sdhci_dumpregs() (drivers/mmc/host/sdhci.c): the register dump Linux prints on errors.
import * as R from '../../../include/hw/sdhci.h.ts';
import { SDHCI_USE_64_BIT_DMA, SDHCI_USE_ADMA, mmc_hostname, type sdhci_host } from './sdhci_host.ts';

const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

/** Context: any (reads registers, prints at KERN_ERR). */
export const sdhci_dumpregs = async (host: sdhci_host): Promise<void> => {
  const io = host.ioaddr;
  const p = `${mmc_hostname(host)}: sdhci: `;
  const lines: string[] = ['============ SDHCI REGISTER DUMP ==========='];
  const pair = async (a: string, ra: () => Promise<number>, b: string, rb: () => Promise<number>): Promise<void> => {
    lines.push(`${a.padEnd(10)} ${hex(await ra())} | ${b.padEnd(9)} ${hex(await rb())}`);
  };
  await pair('Sys addr:', () => io.readl(R.SDHCI_DMA_ADDRESS), 'Version:', () => io.readw(R.SDHCI_HOST_VERSION));
  await pair('Blk size:', () => io.readw(R.SDHCI_BLOCK_SIZE), 'Blk cnt:', () => io.readw(R.SDHCI_BLOCK_COUNT));
  await pair('Argument:', () => io.readl(R.SDHCI_ARGUMENT), 'Trn mode:', () => io.readw(R.SDHCI_TRANSFER_MODE));
  await pair('Present:', () => io.readl(R.SDHCI_PRESENT_STATE), 'Host ctl:', () => io.readb(R.SDHCI_HOST_CONTROL));
  await pair('Power:', () => io.readb(R.SDHCI_POWER_CONTROL), 'Blk gap:', () => io.readb(R.SDHCI_BLOCK_GAP_CONTROL));
  await pair('Wake-up:', () => io.readb(R.SDHCI_WAKE_UP_CONTROL), 'Clock:', () => io.readw(R.SDHCI_CLOCK_CONTROL));
  await pair('Timeout:', () => io.readb(R.SDHCI_TIMEOUT_CONTROL), 'Int stat:', () => io.readl(R.SDHCI_INT_STATUS));
  await pair('Int enab:', () => io.readl(R.SDHCI_INT_ENABLE), 'Sig enab:', () => io.readl(R.SDHCI_SIGNAL_ENABLE));
  await pair('ACmd stat:', () => io.readw(R.SDHCI_AUTO_CMD_STATUS), 'Slot int:', () => io.readw(R.SDHCI_SLOT_INT_STATUS));
  await pair('Caps:', () => io.readl(R.SDHCI_CAPABILITIES), 'Caps_1:', () => io.readl(R.SDHCI_CAPABILITIES_1));
  await pair('Cmd:', () => io.readw(R.SDHCI_COMMAND), 'Max curr:', () => io.readl(R.SDHCI_MAX_CURRENT));
  await pair('Resp[0]:', () => io.readl(R.SDHCI_RESPONSE), 'Resp[1]:', () => io.readl(R.SDHCI_RESPONSE + 4));
  await pair('Resp[2]:', () => io.readl(R.SDHCI_RESPONSE + 8), 'Resp[3]:', () => io.readl(R.SDHCI_RESPONSE + 12));
  lines.push(`${'Host ctl2:'.padEnd(10)} ${hex(await io.readw(R.SDHCI_HOST_CONTROL2))}`);
  if (host.flags & SDHCI_USE_ADMA) {
    if (host.flags & SDHCI_USE_64_BIT_DMA)
      lines.push(`ADMA Err:  ${hex(await io.readl(R.SDHCI_ADMA_ERROR))} | ADMA Ptr: ${hex(await io.readl(R.SDHCI_ADMA_ADDRESS_HI))}${(await io.readl(R.SDHCI_ADMA_ADDRESS)).toString(16).padStart(8, '0')}`);
    else lines.push(`ADMA Err:  ${hex(await io.readl(R.SDHCI_ADMA_ERROR))} | ADMA Ptr: ${hex(await io.readl(R.SDHCI_ADMA_ADDRESS))}`);
  }
  lines.push('============================================');
  for (const l of lines) host.k.printk.pr_err(`${p}${l}\n`);
};
