// saveState()/loadState() of the SDHCI model: named, versioned, JSON-safe; a controller restored
// onto a new clock, card and memory carries on exactly as the original.
import { describe, expect, it } from 'vitest';
import * as R from '../../include/hw/sdhci.h.ts';
import { VirtualClock } from '../../kernel/time/clock.ts';
import type { SdhciControllerState } from './sdhci.ts';
import { FLAGS, makeBench, RAM_BASE, readyBench } from './sdhci_testing.ts';

const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 11 + seed) & 0xff);
const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** A second machine with the first one's clock time, store, RAM, card and controller state. */
function restore(a: ReturnType<typeof readyBench>) {
  const clock = new VirtualClock();
  clock.advance_to(a.clock.now);
  const b = makeBench(clock);
  // The tests only use the first MiB of the card.
  const buf = new Uint8Array(1024 * 1024);
  a.store.read(0, buf);
  b.store.write(0, buf);
  b.ram.bytes.set(a.ram.bytes);
  b.card.loadState(json(a.card.saveState()));
  b.hc.loadState(json(a.hc.saveState()));
  return b;
}

describe('SDHCI saveState/loadState', () => {
  it('round-trips mid-idle: same registers, and the next transfer behaves identically', () => {
    const a = readyBench(new VirtualClock());
    a.store.write(7 * 512, pattern(1024, 4));
    a.guest.writel(R.SDHCI_SIGNAL_ENABLE, R.SDHCI_INT_DATA_END);
    const state = a.hc.saveState();
    expect(state.version).toBe(1);
    expect(state.registers.hostControl1).toBe(R.SDHCI_CTRL_HISPD | R.SDHCI_CTRL_4BITBUS);
    expect(Object.values(state).some(Array.isArray)).toBe(false);
    const b = restore(a);
    expect(json(b.hc.saveState())).toEqual(json(state));
    for (let off = 0; off < 0x100; off += 4) if (off !== R.SDHCI_BUFFER) expect(b.guest.readl(off), `0x${off.toString(16)}`).toBe(a.guest.readl(off));

    const run = (m: ReturnType<typeof readyBench> | ReturnType<typeof makeBench>) => {
      const t0 = m.clock.now;
      m.guest.cmd(23, 2, FLAGS.r1);
      m.guest.dataCmd(18, 7 * 512, 2, R.SDHCI_TRNS_READ | R.SDHCI_TRNS_BLK_CNT_EN | R.SDHCI_TRNS_MULTI);
      const data: Uint8Array[] = [];
      for (let i = 0; i < 2; i++) {
        m.guest.waitInt(R.SDHCI_INT_DATA_AVAIL);
        m.guest.ack(R.SDHCI_INT_DATA_AVAIL);
        data.push(m.guest.readBlock(512));
      }
      m.guest.waitInt(R.SDHCI_INT_DATA_END);
      return { took: m.clock.now - t0, data: Buffer.concat(data), irq: [...m.irq] };
    };
    const ra = run(a);
    const rb = run(b);
    expect(rb.data).toEqual(Buffer.from(pattern(1024, 4)));
    expect(rb).toEqual({ ...ra, irq: rb.irq });
    expect(rb.irq.at(-1)).toBe(true);
  });

  it('round-trips mid-transfer: an SDMA transfer paused at a boundary resumes after restore', () => {
    const a = readyBench(new VirtualClock());
    a.store.write(0, pattern(16 * 512, 8));
    a.guest.writel(R.SDHCI_DMA_ADDRESS, RAM_BASE);
    a.guest.cmd(23, 16, FLAGS.r1);
    a.guest.dataCmd(18, 0, 16, R.SDHCI_TRNS_DMA | R.SDHCI_TRNS_READ | R.SDHCI_TRNS_BLK_CNT_EN | R.SDHCI_TRNS_MULTI, 0);
    a.guest.waitInt(R.SDHCI_INT_DMA_END);
    const b = restore(a);
    b.guest.ack();
    b.guest.writel(R.SDHCI_DMA_ADDRESS, RAM_BASE + 4096);
    expect(b.guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR) & ~R.SDHCI_INT_DMA_END).toBe(R.SDHCI_INT_DATA_END);
    expect(b.ram.bytes.subarray(0, 16 * 512)).toEqual(pattern(16 * 512, 8));
  });

  it('rejects a malformed or foreign snapshot, naming the field', () => {
    const { hc } = readyBench(new VirtualClock());
    const good = json(hc.saveState());
    expect(() => hc.loadState({ ...good, version: 2 } as unknown as SdhciControllerState)).toThrow(/version/);
    expect(() => hc.loadState({ ...good, registers: { ...good.registers, argument: -1 } })).toThrow(/registers.argument/);
    expect(() => hc.loadState({ ...good, buffer: 'zz' })).toThrow(/buffer/);
    expect(() => hc.loadState({ ...good, datLine: { step: 'warp' as 'busy', due: 0, stalled: false } })).toThrow(/datLine.step/);
    // Nothing was half-applied.
    expect(json(hc.saveState())).toEqual(good);
  });
});
