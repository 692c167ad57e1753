// Claiming the host: a second claimer waits for the release, the same context nests, and the
// controller is runtime-resumed on the first claim and autosuspends 50 ms after the last release.
import { describe, expect, it } from 'vitest';
import { DELAY } from '../../../../include/linux/delay.h.ts';
import { PLATFORM } from '../../../../include/linux/platform_device.h.ts';
import { MmcCore } from '../../../../drivers/mmc/core/core.ts';
import type { mmc_mock_host } from '../../../../drivers/mmc/host/mmc_mock.ts';
import type { Machine } from '../../../../init/machine.ts';
import { boot_mmc_machine } from '../../mmc.ts';

const mock_of = (m: Machine): mmc_mock_host => m.resolve(PLATFORM).devices.find((d) => d.name === 'mmc_mock')!.drvdata as mmc_mock_host;
const MS = 1e6;

describe('mmc_claim_host', () => {
  it('makes a second task wait until the first releases', async () => {
    const m = await boot_mmc_machine();
    const core = m.resolve(MmcCore);
    const d = m.resolve(DELAY);
    const host = mock_of(m).host;
    const log: string[] = [];
    const t0 = m.now;
    m.spawn(0, 'first', async () => {
      await core.mmc_claim_host(host);
      log.push(`first claimed +${(m.now - t0) / MS}`);
      await d.msleep(20);
      log.push(`first releases +${(m.now - t0) / MS}`);
      await core.mmc_release_host(host);
    });
    m.spawn(1, 'second', async () => {
      await d.msleep(2);
      log.push(`second asks +${(m.now - t0) / MS}`);
      await core.mmc_claim_host(host);
      log.push(`second claimed +${(m.now - t0) / MS} cnt=${host.claim_cnt}`);
      await core.mmc_release_host(host);
    });
    await m.run(m.now + 100 * MS);
    expect(log.map((l) => l.replace(/\+[\d.]+/, ''))).toEqual(['first claimed ', 'second asks ', 'first releases ', 'second claimed  cnt=1']);
    const when = (p: string) => Number(/\+([\d.]+)/.exec(log.find((l) => l.startsWith(p))!)![1]);
    expect(when('second claimed')).toBeGreaterThanOrEqual(when('first releases'));
    expect(host.claimed).toBe(false);
  });

  it('nests for the same task without waiting', async () => {
    const m = await boot_mmc_machine();
    const core = m.resolve(MmcCore);
    const host = mock_of(m).host;
    const counts = await m.exec(0, 'nester', async () => {
      const c: number[] = [];
      await core.mmc_claim_host(host);
      c.push(host.claim_cnt);
      await core.mmc_claim_host(host);
      c.push(host.claim_cnt);
      await core.mmc_release_host(host);
      c.push(host.claim_cnt);
      await core.mmc_release_host(host);
      c.push(host.claim_cnt);
      return c;
    });
    expect(counts).toEqual([1, 2, 1, 0]);
    expect(host.claimed).toBe(false);
  });

  it('runtime-resumes the controller on claim and lets it autosuspend 50 ms after release', async () => {
    const m = await boot_mmc_machine();
    const core = m.resolve(MmcCore);
    const mock = mock_of(m);
    const dev = mock.pdev.dev;
    expect(dev.power.runtime_status).toBe('suspended');
    expect(mock.suspended).toBe(true);
    let released = 0;
    await m.exec(0, 'user', async () => {
      await core.mmc_claim_host(mock.host);
      expect(dev.power.runtime_status).toBe('active');
      expect(mock.suspended).toBe(false);
      released = m.now;
      await core.mmc_release_host(mock.host);
    });
    await m.run(released + 49 * MS);
    expect(dev.power.runtime_status).toBe('active');
    await m.run(released + 60 * MS);
    expect(dev.power.runtime_status).toBe('suspended');
    expect(mock.suspended).toBe(true);
  });
});
