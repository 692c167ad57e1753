import { describe, expect, it } from 'vitest';
import type { AccessSize, MmioRegion } from '../../include/hw/mmio.h.ts';
import type { sched_api } from '../../include/linux/sched.h.ts';
import { make_iomem } from './iomem.ts';

/** A region and a scheduler that log, in order, every access and every yield. */
const fixture = () => {
  const trace: string[] = [];
  let next = 0x100;
  const region: MmioRegion = {
    size: 0x100,
    read: (off: number, size: AccessSize) => (trace.push(`r${size * 8}@${off}`), next++),
    write: (off: number, size: AccessSize, v: number) => void trace.push(`w${size * 8}@${off}=${v}`),
  };
  const sched = { yield_point: async () => void trace.push('yield') } as unknown as sched_api;
  return { trace, io: make_iomem(region, sched) };
};

describe('make_iomem', () => {
  it('yields before each single access, then makes it with its width', async () => {
    const { trace, io } = fixture();
    expect(await io.readl(0x24)).toBe(0x100);
    expect(await io.readw(0x2c)).toBe(0x101);
    expect(await io.readb(0x2f)).toBe(0x102);
    await io.writel(7, 0x08);
    await io.writew(0x113a, 0x0e);
    await io.writeb(1, 0x2f);
    expect(trace).toEqual(['yield', 'r32@36', 'yield', 'r16@44', 'yield', 'r8@47', 'yield', 'w32@8=7', 'yield', 'w16@14=4410', 'yield', 'w8@47=1']);
  });

  it('moves a run of words through one register after a single yield', async () => {
    const { trace, io } = fixture();
    const dst = new Uint32Array(3);
    await io.ioread32_rep(0x20, dst);
    expect(Array.from(dst)).toEqual([0x100, 0x101, 0x102]);
    await io.iowrite32_rep(0x20, Uint32Array.of(1, 2));
    expect(trace).toEqual(['yield', 'r32@32', 'r32@32', 'r32@32', 'yield', 'w32@32=1', 'w32@32=2']);
  });
});
