// SPDX-License-Identifier: GPL-2.0
// The guest: bare-metal code on the tiny emulator's CPU that finds an eMMC behind an SD Host
// Controller and moves blocks by SDMA, interrupt-driven, by raw loads and stores at physical
// addresses. It is what a boot ROM or a hobby kernel would do, in Linux's order (sdhci.c's
// reset, power, clock; mmc_attach_mmc's CMD0, CMD1, CMD2, CMD3, CMD7).
import { SDHCI as R } from '../../hw/index.ts';
import type { TinyEmulator } from './tiny_emulator.ts';

const R1 = R.SDHCI_CMD_RESP_SHORT | R.SDHCI_CMD_CRC | R.SDHCI_CMD_INDEX;
const R2 = R.SDHCI_CMD_RESP_LONG | R.SDHCI_CMD_CRC;
const R3 = R.SDHCI_CMD_RESP_SHORT;
/** CMD1's argument: sector addressing, 2.7-3.6 V and 1.7-1.95 V. */
const OCR_ARG = 0x40ff_8080;
const RCA = 1;

export class Firmware {
  /** Whether the card takes block numbers (OCR bit 30: over 2 GiB) or byte addresses. */
  private sector_addressing = false;

  constructor(
    private readonly cpu: TinyEmulator,
    private readonly base: number,
  ) {}

  /** Reset the controller, turn bus power on and the SD clock to 400 kHz; interrupts for commands, transfers and errors. */
  init(): void {
    this.cpu.store(this.base + R.SDHCI_SOFTWARE_RESET, 1, R.SDHCI_RESET_ALL);
    while (this.cpu.load(this.base + R.SDHCI_SOFTWARE_RESET, 1) !== 0);
    this.cpu.store(this.base + R.SDHCI_INT_ENABLE, 4, R.SDHCI_INT_ALL_MASK);
    this.cpu.store(this.base + R.SDHCI_SIGNAL_ENABLE, 4, R.SDHCI_INT_RESPONSE | R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR_MASK);
    this.cpu.store(this.base + R.SDHCI_INT_STATUS, 4, R.SDHCI_INT_ALL_MASK);
    this.cpu.store(this.base + R.SDHCI_POWER_CONTROL, 1, R.SDHCI_POWER_330 | R.SDHCI_POWER_ON);
    this.cpu.store(this.base + R.SDHCI_TIMEOUT_CONTROL, 1, 0xe);
    this.set_clock(400_000);
  }

  /** Bring the card to the transfer state, then 25 MHz; the card's product name (CID PNM). */
  bring_up(): string {
    this.cmd(0, 0, 0);
    let ocr: number;
    while (!((ocr = this.cmd(1, OCR_ARG, R3)) & 0x8000_0000)) this.cpu.delay(1_000_000);
    this.sector_addressing = (ocr & 0x4000_0000) !== 0;
    this.cmd(2, 0, R2);
    const product = this.cid_product_name();
    this.cmd(3, RCA << 16, R1);
    this.cmd(7, RCA << 16, R1);
    this.set_clock(25_000_000);
    return product;
  }

  /** Read 512-byte block @lba into RAM at @addr by SDMA. */
  read_block(lba: number, addr: number): void {
    this.transfer(17, lba, addr, R.SDHCI_TRNS_READ);
  }

  /** Write 512 bytes at RAM address @addr to block @lba by SDMA. */
  write_block(lba: number, addr: number): void {
    this.transfer(24, lba, addr, 0);
  }

  private transfer(opcode: number, lba: number, addr: number, direction: number): void {
    this.cpu.store(this.base + R.SDHCI_DMA_ADDRESS, 4, addr);
    this.cpu.store(this.base + R.SDHCI_BLOCK_SIZE, 2, R.SDHCI_MAKE_BLKSZ(7, 512));
    this.cpu.store(this.base + R.SDHCI_BLOCK_COUNT, 2, 1);
    this.cmd(opcode, this.sector_addressing ? lba : lba * 512, R1 | R.SDHCI_CMD_DATA, R.SDHCI_TRNS_DMA | R.SDHCI_TRNS_BLK_CNT_EN | direction);
    this.wait(R.SDHCI_INT_DATA_END);
  }

  /** Issue a command and wait for its response interrupt; the first response word. */
  private cmd(index: number, arg: number, flags: number, mode = 0): number {
    while (this.cpu.load(this.base + R.SDHCI_PRESENT_STATE, 4) & R.SDHCI_CMD_INHIBIT);
    this.cpu.store(this.base + R.SDHCI_ARGUMENT, 4, arg);
    this.cpu.store(this.base + R.SDHCI_TRANSFER_MODE, 2, mode);
    this.cpu.store(this.base + R.SDHCI_COMMAND, 2, R.SDHCI_MAKE_CMD(index, flags));
    this.wait(R.SDHCI_INT_RESPONSE);
    return this.cpu.load(this.base + R.SDHCI_RESPONSE, 4);
  }

  /** Sleep until one of @bits is raised, then acknowledge it. Throws on an error interrupt. */
  private wait(bits: number): void {
    for (;;) {
      const status = this.cpu.load(this.base + R.SDHCI_INT_STATUS, 4);
      if (status & R.SDHCI_INT_ERROR) throw new Error(`SDHCI error interrupt, INT_STATUS 0x${status.toString(16)}`);
      if (status & bits) return this.cpu.store(this.base + R.SDHCI_INT_STATUS, 4, status & bits);
      if (!this.cpu.wait_for_interrupt()) throw new Error('waiting for an interrupt that nothing will raise');
    }
  }

  /** sdhci_set_clock: SD clock off, divider for @hz from the base clock in Capabilities, wait stable, on. */
  private set_clock(hz: number): void {
    const base_hz = ((this.cpu.load(this.base + R.SDHCI_CAPABILITIES, 4) & R.SDHCI_CLOCK_V3_BASE_MASK) >> R.SDHCI_CLOCK_BASE_SHIFT) * 1e6;
    const div = Math.ceil(base_hz / hz / 2);
    const ctrl = ((div & R.SDHCI_DIV_MASK) << R.SDHCI_DIVIDER_SHIFT) | (((div & R.SDHCI_DIV_HI_MASK) >> 8) << R.SDHCI_DIVIDER_HI_SHIFT) | R.SDHCI_CLOCK_INT_EN;
    this.cpu.store(this.base + R.SDHCI_CLOCK_CONTROL, 2, 0);
    this.cpu.store(this.base + R.SDHCI_CLOCK_CONTROL, 2, ctrl);
    while (!(this.cpu.load(this.base + R.SDHCI_CLOCK_CONTROL, 2) & R.SDHCI_CLOCK_INT_STABLE));
    this.cpu.store(this.base + R.SDHCI_CLOCK_CONTROL, 2, ctrl | R.SDHCI_CLOCK_CARD_EN);
  }

  /** CID bits 103:56 from the R2 response registers, which hold CID bits 127:8 (the CRC dropped). */
  private cid_product_name(): string {
    const bytes = [0, 4, 8, 12].flatMap((off) => {
      const w = this.cpu.load(this.base + R.SDHCI_RESPONSE + off, 4);
      return [w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, w >>> 24];
    });
    return String.fromCharCode(...bytes.slice(6, 12).reverse()).trimEnd();
  }
}
