// The mmcpstore panic path on the sdhci driver, against the review's SDHCI cases (research
// mmcpstore.md §4): S1 idle, S4 a stopped CPU holding sdhci_host->lock, S7 CMD23 sent by hand,
// S8 a PIO-only host, S9 an SDMA buffer crossing the 512 KiB boundary, S10 the controller
// runtime-suspended; and S5, a 512 KiB write in flight. The series' code (v4, v5) runs as posted; what it does here comes out of
// that code on the controller model, not out of special cases. Our proposed ops recover each.
import { describe, expect, it } from 'vitest';
import type { MmioRegion } from '../../../../include/hw/mmio.h.ts';
import * as R from '../../../../include/hw/sdhci.h.ts';
import { DELAY } from '../../../../include/linux/delay.h.ts';
import { DMA } from '../../../../include/linux/dma-mapping.h.ts';
import { EAGAIN, EIO, ETIMEDOUT } from '../../../../include/linux/errno.h.ts';
import { MMC_SET_BLOCK_COUNT, MMC_WRITE_MULTIPLE_BLOCK } from '../../../../include/linux/mmc/mmc.h.ts';
import { BLOCK } from '../../../../include/linux/blkdev.h.ts';
import { PSTOREFS } from '../../../../include/linux/pstore.h.ts';
import { SPINLOCK } from '../../../../include/linux/spinlock.h.ts';
import type { Machine } from '../../../../init/machine.ts';
import { crash, mmcpstore_of, pstore_ready } from '../../mmcpstore.ts';
import { SDHCI_MODES, boot_sdhci_pstore_machine, sdhci_host_of, trace_commands, type sdhci_controller, type sdhci_host_data } from '../../sdhci.ts';

type variant = 'v4' | 'v5' | 'proposed';

const recovered = async (m: Machine): Promise<boolean> => {
  const m2 = await pstore_ready(await m.reboot());
  return m2.resolve(PSTOREFS).readdir().some((f) => f.name === 'dmesg-pstore_blk-0');
};

const boot = (variant: variant, controller: sdhci_controller = {}, host: sdhci_host_data = {}) =>
  boot_sdhci_pstore_machine({ variant, controller, host: { caps: ['MMC_CAP_NONREMOVABLE'], ...host } });

/** Boot, trace, crash (without the pmsg write when asked), and what the panic did. */
const run = async (m: Machine, tag: string, o: { pmsg?: boolean } = {}) => {
  const host = sdhci_host_of(m);
  const issued = trace_commands(host, () => m.now);
  await crash(m, tag, o);
  const log = mmcpstore_of(m).panic_log;
  const from = log[0]?.start ?? m.now;
  return { host, log, panic_cmds: issued.filter((c) => c.at >= from), lockups: m.reports.filter((r) => r.kind === 'spinlock_lockup' || r.kind === 'sleep_in_atomic') };
};

/** The controller's registers read straight from the model (no CPU needed: the machine is halted). */
const regs = (m: Machine): MmioRegion => sdhci_host_of(m).pdata.controller as unknown as MmioRegion;

describe('S1 idle: every variant writes the record', () => {
  for (const v of ['v4', 'v5', 'proposed'] as const) {
    it(`${v} recovers it${v === 'proposed' ? ' in a few ms' : ', the series taking at least 150 ms per request'}`, async () => {
      const m = await boot(v);
      const r = await run(m, 'S1');
      expect(r.lockups).toEqual([]);
      expect(r.log.length).toBeGreaterThan(0);
      for (const w of r.log) {
        expect(w.ret).toBe(w.size);
        if (v === 'proposed') expect(w.end - w.start).toBeLessThan(20e6);
        else expect(w.end - w.start).toBeGreaterThanOrEqual(150e6);
      }
      expect(r.panic_cmds.filter((c) => c.opcode === MMC_WRITE_MULTIPLE_BLOCK).length).toBe(r.log.length);
      expect(await recovered(m)).toBe(true);
    });
  }
});

describe('S4: a stopped CPU holds sdhci_host->lock', () => {
  const hold_lock = async (m: Machine): Promise<void> => {
    const host = sdhci_host_of(m);
    m.spawn(0, 'locker', async () => {
      await m.resolve(SPINLOCK).spin_lock(host.lock);
      for (;;) await m.resolve(DELAY).udelay(100);
    });
    await m.run(m.now + 1e6);
    expect(host.lock.owner?.comm).toBe('locker');
  };

  for (const v of ['v4', 'v5'] as const) {
    it(`${v}: spinlock lockup in sdhci_panic_prepare, nothing written`, async () => {
      // Kept runtime-active: with the host suspended a frozen lock holder is a different story.
      const m = await boot(v, {}, { autosuspend_ms: -1 });
      await hold_lock(m);
      const r = await run(m, 'S4', { pmsg: false });
      const lockup = r.lockups.find((x) => x.kind === 'spinlock_lockup')!;
      expect(lockup.lines[0]).toMatch(/^BUG: spinlock lockup suspected on CPU#1, crasher\/\d+$/);
      expect(lockup.lines[1]).toMatch(/lock: mmc0:sdhci->lock, .*\.owner: locker\/\d+, \.owner_cpu: 0 \(stopped\)/);
      expect(lockup.lines[3]).toMatch(/waiter spins at: sdhci_panic_prepare \(drivers\/mmc\/host\/sdhci_panic_series\.ts:\d+\)/);
      expect(r.log).toEqual([]);
      expect(m.halted).not.toBe('panic');
      expect(await recovered(m)).toBe(false);
    });
  }

  it('proposed: takes no lock and writes the record', async () => {
    const m = await boot('proposed', {}, { autosuspend_ms: -1 });
    await hold_lock(m);
    const r = await run(m, 'S4', { pmsg: false });
    expect(r.lockups).toEqual([]);
    expect(r.log[0]?.ret).toBe(r.log[0]?.size);
    expect(await recovered(m)).toBe(true);
  });
});

describe('S7: CMD23 sent by hand (no Auto-CMD23)', () => {
  for (const v of ['v4', 'v5'] as const) {
    it(`${v}: only CMD23 goes out, the write is reported successful, nothing was written`, async () => {
      const m = await boot(v, {}, { quirks: ['NO_AUTO_CMD23'] });
      const r = await run(m, 'S7');
      expect(r.log.length).toBeGreaterThan(0);
      for (const w of r.log) expect(w.ret).toBe(w.size);
      expect(r.panic_cmds.map((c) => c.opcode).filter((o) => o === MMC_SET_BLOCK_COUNT || o === MMC_WRITE_MULTIPLE_BLOCK)).toEqual(r.log.map(() => MMC_SET_BLOCK_COUNT));
      expect(m.dmesg()).not.toContain('panic CMD25 failed');
      expect(await recovered(m)).toBe(false);
    });
  }

  it('proposed: CMD23, then CMD25 from the poller, recovered', async () => {
    const m = await boot('proposed', {}, { quirks: ['NO_AUTO_CMD23'] });
    const r = await run(m, 'S7');
    for (const w of r.log) expect(w.ret).toBe(w.size);
    const seq = r.panic_cmds.map((c) => c.opcode).filter((o) => o === MMC_SET_BLOCK_COUNT || o === MMC_WRITE_MULTIPLE_BLOCK);
    expect(seq).toEqual(r.log.flatMap(() => [MMC_SET_BLOCK_COUNT, MMC_WRITE_MULTIPLE_BLOCK]));
    expect(await recovered(m)).toBe(true);
  });
});

describe('S8: a PIO-only host', () => {
  it('v5: no block is moved, -ETIMEDOUT after 1 s', async () => {
    const m = await boot('v5', SDHCI_MODES.PIO!.controller, SDHCI_MODES.PIO!.host);
    const r = await run(m, 'S8');
    expect(r.log[0]!.ret).toBe(-ETIMEDOUT);
    expect(r.log[0]!.end - r.log[0]!.start).toBeGreaterThanOrEqual(1e9);
    expect(m.dmesg()).toContain(`mmcpstore: panic CMD25 failed: -${ETIMEDOUT}`);
    // The controller still waits for the first block: buffer write ready, never serviced.
    expect(regs(m).read(R.SDHCI_INT_STATUS, 4) & R.SDHCI_INT_SPACE_AVAIL).toBe(R.SDHCI_INT_SPACE_AVAIL);
    expect(regs(m).read(R.SDHCI_PRESENT_STATE, 4) & R.SDHCI_DATA_INHIBIT).toBe(R.SDHCI_DATA_INHIBIT);
    expect(await recovered(m)).toBe(false);
  });

  it('proposed: the poller pushes the blocks, recovered', async () => {
    const m = await boot('proposed', SDHCI_MODES.PIO!.controller, SDHCI_MODES.PIO!.host);
    const r = await run(m, 'S8');
    for (const w of r.log) expect(w.ret).toBe(w.size);
    expect(await recovered(m)).toBe(true);
  });
});

describe('S9: an SDMA buffer crossing a 512 KiB boundary', () => {
  /** Occupy the DMA zone up to 32 KiB below its first 512 KiB boundary: the next mapping straddles it. */
  const straddle = (m: Machine): void => {
    m.resolve(DMA).dma_alloc_coherent(512 * 1024 - 32 * 1024, 8);
  };

  it('v5 on an SDMA host (which sends CMD23 by hand, as Linux decides): the data never starts, success reported, nothing written', async () => {
    const m = await boot('v5', SDHCI_MODES.SDMA!.controller);
    straddle(m);
    const r = await run(m, 'S9');
    for (const w of r.log) expect(w.ret).toBe(w.size);
    expect(r.panic_cmds.some((c) => c.opcode === MMC_WRITE_MULTIPLE_BLOCK)).toBe(false);
    expect(await recovered(m)).toBe(false);
  });

  it('v5 with CMD25 going out (no CMD23 on the host): the transfer stalls at the boundary, -ETIMEDOUT', async () => {
    const m = await boot('v5', SDHCI_MODES.SDMA!.controller, { caps_clear: ['MMC_CAP_CMD23'] });
    straddle(m);
    const r = await run(m, 'S9', { pmsg: false });
    expect(r.log[0]!.ret).toBe(-ETIMEDOUT);
    const cmd25 = r.panic_cmds.find((c) => c.opcode === MMC_WRITE_MULTIPLE_BLOCK)!;
    expect(cmd25.sdma_writes).toBe(0);
    expect(regs(m).read(R.SDHCI_INT_STATUS, 4) & R.SDHCI_INT_DMA_END).toBe(R.SDHCI_INT_DMA_END);
    expect(regs(m).read(R.SDHCI_PRESENT_STATE, 4) & R.SDHCI_DATA_INHIBIT).toBe(R.SDHCI_DATA_INHIBIT);
  });

  it('proposed: CMD23, CMD25, the SDMA address rewritten at the boundary, recovered', async () => {
    const m = await boot('proposed', SDHCI_MODES.SDMA!.controller);
    straddle(m);
    const r = await run(m, 'S9');
    for (const w of r.log) expect(w.ret).toBe(w.size);
    const cmd25 = r.panic_cmds.filter((c) => c.opcode === MMC_WRITE_MULTIPLE_BLOCK);
    expect(cmd25.length).toBe(r.log.length);
    expect(cmd25[0]!.sdma_writes).toBe(1);
    expect(await recovered(m)).toBe(true);
  });
});

describe('S10: the controller runtime-suspended (clocks gated)', () => {
  const idle = async (m: Machine): Promise<void> => {
    await m.run(m.now + 200e6);
    expect(sdhci_host_of(m).runtime_suspended).toBe(true);
  };

  it('v5: drains and resets against registers reading all ones, then fails the request with -EIO', async () => {
    const m = await boot('v5');
    await idle(m);
    const r = await run(m, 'S10', { pmsg: false });
    expect(m.dmesg()).toContain(`mmc0: panic_prepare failed: -${ETIMEDOUT}`);
    expect(r.log[0]!.ret).toBe(-EIO);
    // The retry loop waited with mdelay and said nothing (v4's change under oops_in_progress).
    expect(r.panic_cmds).toEqual([]);
    expect(m.dmesg()).not.toContain('Controller never released inhibit bit(s)');
    expect(await recovered(m)).toBe(false);
  });

  it('proposed: refuses cleanly, touching nothing', async () => {
    const m = await boot('proposed');
    await idle(m);
    const r = await run(m, 'S10', { pmsg: false });
    expect(r.log[0]!.ret).toBe(-EAGAIN);
    expect(m.dmesg()).toContain('mmcpstore: panic write refused: mmc0 is runtime-suspended (clocks gated)');
    expect(await recovered(m)).toBe(false);
  });
});

describe('S5: a 512 KiB CMD25 in flight on the frozen CPU', () => {
  const writing = async (m: Machine): Promise<void> => {
    const block = m.resolve(BLOCK);
    const bdev = block.lookup_bdev('mmcblk0p2')!;
    m.spawn(0, 'writer', async () => {
      await block.bdev_write(bdev, 0, new Uint8Array(1024 * 512).fill(0xa5));
    });
    await m.run(m.now + 500e3);
    expect(sdhci_host_of(m).data_cmd?.opcode).toBe(MMC_WRITE_MULTIPLE_BLOCK);
  };

  it('v5 with ADMA2: the controller finishes the transfer by itself, the drain sees it, recovered', async () => {
    const m = await boot('v5');
    await writing(m);
    const r = await run(m, 'S5', { pmsg: false });
    for (const w of r.log) expect(w.ret).toBe(w.size);
    expect(await recovered(m)).toBe(true);
  });

  it('v5 with PIO: nobody feeds the buffer, the 500 ms drain runs out, the card is left receiving: -EIO', async () => {
    const m = await boot('v5', SDHCI_MODES.PIO!.controller, SDHCI_MODES.PIO!.host);
    await writing(m);
    const r = await run(m, 'S5', { pmsg: false });
    expect(r.log[0]!.ret).toBe(-EIO);
    expect(r.log[0]!.end - r.log[0]!.start).toBeGreaterThanOrEqual(500e6);
    expect(await recovered(m)).toBe(false);
  });

  for (const mode of ['ADMA2-64', 'PIO'] as const) {
    it(`proposed with ${mode}: aborts the transfer, the card is stopped, recovered`, async () => {
      const m = await boot('proposed', SDHCI_MODES[mode]!.controller, SDHCI_MODES[mode]!.host);
      await writing(m);
      const r = await run(m, 'S5', { pmsg: false });
      expect(m.dmesg()).toMatch(/mmc0: panic: aborting CMD25 in flight \(present state 0x[0-9a-f]{8}\)/);
      for (const w of r.log) expect(w.ret).toBe(w.size);
      expect(await recovered(m)).toBe(true);
    });
  }
});
