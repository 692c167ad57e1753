// The patch variants on the mock host against the review's cases (research §4): S1 idle, S2 the
// host claimed by a frozen task, S3 a frozen CPU holding mmc_host->lock, S12 the system-suspend
// window; and a user's own variant, registered from a module, as the negative control of S3.
import { injectable } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { DELAY } from '../../../../include/linux/delay.h.ts';
import { ENODEV } from '../../../../include/linux/errno.h.ts';
import { MMC_PANIC_VARIANT, type mmc_panic_variant, type mmcpstore_panic_target } from '../../../../include/linux/mmc/panic.h.ts';
import type { module } from '../../../../include/linux/module.h.ts';
import { PSTOREFS } from '../../../../include/linux/pstore.h.ts';
import { SPINLOCK } from '../../../../include/linux/spinlock.h.ts';
import { SUSPEND } from '../../../../include/linux/suspend.h.ts';
import { MmcCore } from '../../../../drivers/mmc/core/core.ts';
import type { Machine } from '../../../../init/machine.ts';
import { boot_pstore_machine, crash, mmcpstore_of, pstore_ready } from '../../mmcpstore.ts';

type variant = 'v4' | 'v5' | 'proposed';
const VARIANTS: variant[] = ['v4', 'v5', 'proposed'];

/** Reboot and say whether the panic record came back. */
const recovered = async (m: Machine): Promise<boolean> => {
  const m2 = await pstore_ready(await m.reboot());
  return m2.resolve(PSTOREFS).readdir().some((f) => f.name === 'dmesg-pstore_blk-0');
};

const host_of = (m: Machine) => mmcpstore_of(m).target!.card.host;

/** S2: a task claims the host and sleeps with it; S3: a CPU spins holding mmc_host->lock. */
const SETUPS = {
  S1: async () => {},
  S2: async (m: Machine) => {
    const core = m.resolve(MmcCore);
    m.spawn(0, 'claimer', async () => {
      await core.mmc_claim_host(host_of(m));
      await m.resolve(DELAY).msleep(60_000);
    });
    await m.run(m.now + 5e6);
    expect(host_of(m).claimed).toBe(true);
  },
  S3: async (m: Machine) => {
    const sl = m.resolve(SPINLOCK);
    m.spawn(0, 'locker', async () => {
      await sl.spin_lock(host_of(m).lock);
      for (;;) await m.resolve(DELAY).udelay(100);
    });
    await m.run(m.now + 1e6);
    expect(host_of(m).lock.owner?.comm).toBe('locker');
  },
};

describe('variants on the mock host', () => {
  for (const v of VARIANTS) {
    for (const [s, setup] of Object.entries(SETUPS)) {
      it(`${v}: ${s} is recovered`, async () => {
        const m = await boot_pstore_machine({ variant: v });
        await setup(m);
        // With CPU0 spinning on mmc_host->lock, a pmsg write (which claims the host) would spin too.
        await crash(m, s, { pmsg: s !== 'S3' });
        expect(m.reports.filter((r) => r.kind === 'spinlock_lockup' || r.kind === 'sleep_in_atomic')).toEqual([]);
        expect(mmcpstore_of(m).panic_log[0]?.ret).toBeGreaterThan(0);
        expect(await recovered(m)).toBe(true);
        if (s === 'S2' && v === 'v5') expect(m.dmesg()).toContain('mmc0: panic claim: claimed=1 runtime_suspended=0 ongoing_mrq=0');
        if (s === 'S2' && v === 'proposed') expect(m.dmesg()).toMatch(/mmcpstore: taking mmc0 from claimer/);
      });
    }

    it(`${v}: S12 (system-suspend window) drops the record${v === 'proposed' ? ' with a logged reason' : ''}`, async () => {
      const m = await boot_pstore_machine({ variant: v });
      expect(await m.exec(0, 'suspend', () => m.resolve(SUSPEND).pm_suspend_begin())).toBe(0);
      expect(mmcpstore_of(m).state).toBe('SUSPENDED');
      await crash(m, 'S12');
      expect(mmcpstore_of(m).panic_log[0]?.ret).toBe(-ENODEV);
      if (v === 'proposed') expect(m.dmesg()).toContain('mmcpstore: panic write refused: system suspend in progress');
      else expect(m.dmesg()).not.toContain('panic write refused');
      expect(await recovered(m)).toBe(false);
    });
  }
});

/**
 * A user's variant: the Marvell-era idea of simply calling mmc_claim_host() in panic. It takes
 * mmc_host->lock, so with a frozen CPU holding that lock it spins: the negative control of S3.
 */
@injectable()
class ClaimVariant implements mmc_panic_variant {
  readonly name = 'claim';
  static core: MmcCore;
  async panic_write(t: mmcpstore_panic_target): Promise<number> {
    await ClaimVariant.core.mmc_claim_host(t.card.host);
    return 0;
  }
}

const claim_variant_module: module = {
  name: 'claim_variant',
  async module_init(c) {
    ClaimVariant.core = c.resolve(MmcCore);
    c.register(MMC_PANIC_VARIANT, { useClass: ClaimVariant });
    return 0;
  },
};

describe('a variant of the user', () => {
  it('is registered from a module and used by the panic path; this one deadlocks on S3', async () => {
    const m = await boot_pstore_machine({ variant: 'v5' });
    expect(await m.insmod(claim_variant_module)).toBe(0);
    await SETUPS.S3(m);
    await crash(m, 'S3', { pmsg: false });
    const lockup = m.reports.find((r) => r.kind === 'spinlock_lockup')!;
    expect(lockup.lines[0]).toMatch(/^BUG: spinlock lockup suspected on CPU#1, crasher\/\d+$/);
    expect(lockup.lines[1]).toMatch(/lock: mmc0->lock, .*\.owner: locker\/\d+, \.owner_cpu: 0 \(stopped\)/);
    expect(mmcpstore_of(m).panic_log).toEqual([]);
    expect(m.halted).not.toBe('panic');
  });
});
