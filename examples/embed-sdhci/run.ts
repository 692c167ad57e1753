// SPDX-License-Identifier: GPL-2.0
// The board: the tiny emulator with an SD Host Controller at 0x1000_0000 on interrupt line 5 and
// an eMMC in its slot whose user area is 64 MiB of sparse memory. The guest reads block 0 (which
// the board pre-loaded with a message), writes block 1, and the board checks the card's media.
// Then the board saves the controller and the card, builds them anew, loads the saved state and
// the guest goes on reading through the restored pair, as an emulator's savestate would.
// In your own project, import from 'mmcpstore-ts/hw' instead of '../../hw/index.ts'.
import { EmmcCard, SdhciController, SparseBackend } from '../../hw/index.ts';
import { Firmware } from './firmware.ts';
import { TinyEmulator } from './tiny_emulator.ts';

const RAM_BASE = 0x8000_0000;
const SDHCI_BASE = 0x1000_0000;
const SDHCI_IRQ = 5;

export interface example_result {
  /** The card's name as the guest read it from its CID. */
  readonly product: string;
  /** Block 0 as the guest's SDMA read left it in its RAM, up to the first NUL. */
  readonly block0: string;
  /** Block 1 as the card's media hold it after the guest wrote it. */
  readonly block1: string;
  /** Block 0 read again through the controller and card restored from their saved state. */
  readonly block0_after_restore: string;
  /** Interrupts the guest took from the controller. */
  readonly interrupts: number;
  /** Emulated time the whole run took, ns. */
  readonly elapsed_ns: number;
}

const text = (bytes: Uint8Array): string => {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
};

export const run_example = (): example_result => {
  const emu = new TinyEmulator(RAM_BASE, 64 * 1024);
  const user = new SparseBackend({ size: 64 * 1024 * 1024 });
  user.write(0, new TextEncoder().encode('hello from block 0 of the eMMC'));

  const card_options = { clock: emu.clock, user, productName: 'TINYEM', poweredOn: false };
  let card = new EmmcCard(card_options);
  const hc_options = () => ({ clock: emu.clock, card, irq: emu.irq_line(SDHCI_IRQ), dma: emu.dma() });
  let hc = new SdhciController(hc_options());
  // Mapped through a forwarder, so that the controller restored below takes over the window.
  emu.map(SDHCI_BASE, { size: hc.size, read: (off, size) => hc.read(off, size), write: (off, size, v) => hc.write(off, size, v) });

  const fw = new Firmware(emu, SDHCI_BASE);
  fw.init();
  const product = fw.bring_up();
  fw.read_block(0, RAM_BASE + 0x1000);
  const block0 = text(emu.ram.subarray(0x1000, 0x1200));

  emu.ram.set(new TextEncoder().encode(`written by the guest at ${emu.clock.now} ns`), 0x2000);
  fw.write_block(1, RAM_BASE + 0x2000);
  const block1 = new Uint8Array(512);
  user.read(512, block1);
  const interrupts = emu.irq_count[SDHCI_IRQ]!;

  const saved = JSON.stringify({ hc: hc.saveState(), card: card.saveState() });
  card = new EmmcCard(card_options);
  hc = new SdhciController(hc_options());
  const state = JSON.parse(saved);
  card.loadState(state.card);
  hc.loadState(state.hc);
  emu.ram.fill(0, 0x1000, 0x1200);
  fw.read_block(0, RAM_BASE + 0x1000);

  return {
    product,
    block0,
    block1: text(block1),
    block0_after_restore: text(emu.ram.subarray(0x1000, 0x1200)),
    interrupts,
    elapsed_ns: emu.clock.now,
  };
};
