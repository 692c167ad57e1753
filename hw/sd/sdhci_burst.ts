// SPDX-License-Identifier: GPL-2.0
// Bursts: the data phase moves, in one step, every block due before anything else can act
// (Clock.quietUntil: no other event due, no CPU able to run), straight between the card and
// guest memory (DmaMemory.view), as many as the DMA engine has contiguous (the rest of the
// current ADMA2 descriptor and the descriptors after it that continue it, sdhci_adma.ts
// chainedBytes; SDMA up to the block that crosses the buffer boundary) and the card takes
// (SdCard.dataRoom). Each block keeps its bus time: the clock moves to the last block's
// time first, so what follows (the next block, the card's busy, Auto CMD12, an interrupt)
// happens when it would have, block by block. Nothing can look in between, so a run is the same
// either way. The block-by-block path (sdhci_transfer.ts) takes what a burst does not: PIO,
// tuning, a read's first block of a descriptor, a card or memory without the optional calls.
import { chainedBytes, dmaReachable, fetchDescriptor, segmentDone } from './sdhci_adma.ts';
import { cardDataRoom, readFromCard, writeToCard } from './sdhci_bus.ts';
import type { DataTransfer, SdhciCore } from './sdhci_core.ts';
import { sdmaAddress, setSdmaAddress } from './sdhci_sdma.ts';
import { blockNs } from './sdhci_timing.ts';

/** The card's block: a burst moves whole ones. */
const BLOCK = 512;

/** Guest memory the engine moves next without stopping: @blocks whole blocks from @addr. */
interface Contiguous {
  addr: number;
  blocks: number;
  /** SDMA: the last of them crosses the buffer boundary (the engine pauses after it). */
  crosses: boolean;
}

/** The run the engine has from here, of up to @cap blocks where descriptors chain. */
function contiguous(core: SdhciCore, x: DataTransfer, cap: number): Contiguous | null {
  if (x.dma === 'sdma') {
    const addr = sdmaAddress(core);
    const boundary = (Math.floor(addr / x.boundary) + 1) * x.boundary;
    return { addr, blocks: Math.ceil((boundary - addr) / BLOCK), crosses: true };
  }
  const a = x.adma;
  // A read's first block of a descriptor fetches it (and may fault) after the card sent it: alone.
  if (a.segmentLeft < BLOCK) return null;
  const own = Math.floor(a.segmentLeft / BLOCK);
  const chained = own < cap ? chainedBytes(core, x, (cap - own) * BLOCK) / BLOCK : 0;
  return { addr: a.segmentAddr, blocks: own + chained, crosses: false };
}

/** Blocks due from now (this one first) before something else could act. */
function dueBlocks(core: SdhciCore, ns: number): number {
  const until = core.cfg.clock.quietUntil?.() ?? core.now;
  return until > core.now ? Math.ceil((until - core.now) / ns) : 1;
}

/** The blocks a burst moves now, and where: null when this block goes block by block. */
function plan(core: SdhciCore, x: DataTransfer): { run: Contiguous; blocks: number; data: Uint8Array } | null {
  if (x.dma === 'pio' || x.tuning || x.blockSize !== BLOCK || !core.cfg.dma.view) return null;
  const cap = Math.min(dueBlocks(core, blockNs(core, BLOCK)), x.remaining ?? Infinity, Math.floor(cardDataRoom(core, x.direction === 'read' ? 'read' : 'write') / BLOCK));
  const run = contiguous(core, x, cap);
  if (!run) return null;
  const blocks = Math.min(cap, run.blocks);
  const data = blocks >= 1 && dmaReachable(run.addr, blocks * BLOCK) ? core.cfg.dma.view(run.addr, blocks * BLOCK) : null;
  return data ? { run, blocks, data } : null;
}

/** The clock to the burst's last block: what follows it happens at its time. */
function toLastBlock(core: SdhciCore, blocks: number): void {
  if (blocks > 1) core.cfg.clock.advanceTo!(core.now + (blocks - 1) * blockNs(core, BLOCK));
}

/** The engine's address past the burst (the ADMA2 descriptor done if it is used up); true if SDMA crossed its boundary. */
function advanceEngine(core: SdhciCore, x: DataTransfer, p: NonNullable<ReturnType<typeof plan>>): boolean {
  const bytes = p.blocks * BLOCK;
  if (x.dma === 'sdma') {
    setSdmaAddress(core, p.run.addr + bytes);
    return p.run.crosses && p.blocks === p.run.blocks;
  }
  const a = x.adma;
  for (let left = bytes; left > 0; ) {
    // A chained descriptor, fetched as the engine reaches it (chainedBytes read it: no fault).
    if (a.segmentLeft === 0 && fetchDescriptor(core, x)) throw new Error('sdhci: a chained ADMA2 descriptor faulted on its fetch');
    const n = Math.min(left, a.segmentLeft);
    a.segmentAddr += n;
    a.segmentLeft -= n;
    left -= n;
    if (a.segmentLeft === 0) segmentDone(core, x);
  }
  return false;
}

/** @n blocks done: the transfer's count and, if it counts, the Block Count register. */
export function countBlocks(core: SdhciCore, x: DataTransfer, n: number): void {
  if (x.remaining !== null) x.remaining -= n;
  if (x.countsBlocks) core.regs.blockCount = (core.regs.blockCount - n) & 0xffff;
}

const moved = (n: number, what: string, offered: number): never => {
  throw new Error(`sdhci: the card ${what} ${n} bytes of the ${offered} its dataRoom() offered`);
};

/**
 * Step block-out as a burst, in the order a block goes: the engine fetches it, the card takes
 * it, the count drops. Returns whether SDMA crossed its boundary, or null to go block by block.
 */
export function burstOut(core: SdhciCore, x: DataTransfer): boolean | null {
  const p = plan(core, x);
  if (!p) return null;
  toLastBlock(core, p.blocks);
  const crossed = advanceEngine(core, x, p);
  const n = writeToCard(core, p.data);
  if (n !== p.data.length) moved(n, 'took', p.data.length);
  countBlocks(core, x, p.blocks);
  core.fifo.set(p.data.subarray(p.data.length - BLOCK));
  return crossed;
}

/** Step block-in as a burst: the card sends, the count drops, the engine stores. As burstOut. */
export function burstIn(core: SdhciCore, x: DataTransfer): boolean | null {
  const p = plan(core, x);
  if (!p) return null;
  toLastBlock(core, p.blocks);
  const n = readFromCard(core, p.data);
  if (n !== p.data.length) moved(n, 'sent', p.data.length);
  countBlocks(core, x, p.blocks);
  core.fifo.set(p.data.subarray(p.data.length - BLOCK));
  return advanceEngine(core, x, p);
}

/** The next step is due at @time: take it now if nothing else can act before (Clock.quietUntil). */
export function runAhead(core: SdhciCore, time: number): boolean {
  const clock = core.cfg.clock;
  if (!clock.quietUntil || !(time < clock.quietUntil())) return false;
  clock.advanceTo!(time);
  return true;
}
