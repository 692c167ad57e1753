// System suspend: PM_SUSPEND_PREPARE, device suspend (children first), the in_suspend window,
// device resume and PM_POST_SUSPEND; a refusing notifier or device aborts with its error
// and everything already told or suspended is put back, once.
import { describe, expect, it } from 'vitest';
import { DEVICE, type device } from '../../include/linux/device.h.ts';
import { EBUSY, EIO } from '../../include/linux/errno.h.ts';
import { NOTIFY_DONE, NOTIFY_OK, type notifier_block } from '../../include/linux/notifier.h.ts';
import { PM_POST_SUSPEND, PM_SUSPEND_PREPARE, SUSPEND } from '../../include/linux/suspend.h.ts';
import { Machine } from '../../init/machine.ts';
import { default_config } from '../../scripts/kconfig/index.ts';
import { notifier_from_errno } from '../notifier.ts';

const boot = (): Promise<Machine> =>
  Machine.boot({ config: default_config(), board: { name: 't', cpus: 2, cmdline: '', devices: [] }, seed: 1 });

const NAMES: Record<number, string> = { [PM_SUSPEND_PREPARE]: 'PREPARE', [PM_POST_SUSPEND]: 'POST' };

const setup = (m: Machine) => {
  const pm = m.resolve(SUSPEND);
  const devs = m.resolve(DEVICE);
  const log: string[] = [];
  const nb = (name: string, priority: number, ret: () => number = () => NOTIFY_OK): notifier_block => {
    const b: notifier_block = {
      priority,
      notifier_call: (_nb, action) => {
        log.push(`${name}:${NAMES[action] ?? action}:in_suspend=${pm.in_suspend}`);
        return action === PM_SUSPEND_PREPARE ? ret() : NOTIFY_DONE;
      },
    };
    pm.register_pm_notifier(b);
    return b;
  };
  const dev = (name: string, parent: device | null = null, suspend_ret = 0): device => {
    const d = devs.device_initialize(name, parent);
    d.pm = {
      suspend: async () => (log.push(`${name}:suspend`), suspend_ret),
      resume: async () => (log.push(`${name}:resume`), 0),
    };
    devs.device_add(d);
    return d;
  };
  return { pm, log, nb, dev };
};

describe('pm_suspend_begin / pm_suspend_end', () => {
  it('PM_SUSPEND_PREPARE, devices children first, the in_suspend window, then resume and PM_POST_SUSPEND', async () => {
    const m = await boot();
    const { pm, log, nb, dev } = setup(m);
    nb('low', 0);
    nb('high', 5);
    const host = dev('host');
    dev('card', host);
    const r = await m.exec(0, 'suspend', async () => {
      const ret = await pm.pm_suspend_begin();
      const inside = pm.in_suspend;
      log.push('--- asleep ---');
      await pm.pm_suspend_end();
      return [ret, inside, pm.in_suspend];
    });
    expect(r).toEqual([0, true, false]);
    expect(log).toEqual([
      'high:PREPARE:in_suspend=true',
      'low:PREPARE:in_suspend=true',
      'card:suspend',
      'host:suspend',
      '--- asleep ---',
      'host:resume',
      'card:resume',
      'high:POST:in_suspend=true',
      'low:POST:in_suspend=true',
    ]);
    const dmesg = m.dmesg();
    expect(dmesg).toContain('PM: suspend entry (deep)\n');
    expect(dmesg.indexOf('PM: suspend exit')).toBeGreaterThan(dmesg.indexOf('PM: suspend entry'));
  });

  it('refuses a second begin while in suspend (-EBUSY); end outside the window does nothing', async () => {
    const m = await boot();
    const { pm, log, nb } = setup(m);
    nb('n', 0);
    const r = await m.exec(0, 'suspend', async () => {
      await pm.pm_suspend_end();
      const first = await pm.pm_suspend_begin();
      const second = await pm.pm_suspend_begin();
      await pm.pm_suspend_end();
      await pm.pm_suspend_end();
      return [first, second];
    });
    expect(r).toEqual([0, -EBUSY]);
    expect(log).toEqual(['n:PREPARE:in_suspend=true', 'n:POST:in_suspend=true']);
  });

  it('pm_suspend() runs the whole cycle and returns 0', async () => {
    const m = await boot();
    const { pm, log, nb, dev } = setup(m);
    nb('n', 0);
    dev('d');
    expect(await m.exec(0, 'suspend', () => pm.pm_suspend())).toBe(0);
    expect(log).toEqual(['n:PREPARE:in_suspend=true', 'd:suspend', 'd:resume', 'n:POST:in_suspend=true']);
    expect(pm.in_suspend).toBe(false);
  });
});

describe('aborted suspend', () => {
  it('a notifier answering notifier_from_errno(-EBUSY) aborts with -EBUSY; only the ones before it get PM_POST_SUSPEND', async () => {
    const m = await boot();
    const { pm, log, nb, dev } = setup(m);
    nb('first', 10);
    nb('refuses', 5, () => notifier_from_errno(-EBUSY));
    nb('after', 0);
    dev('d');
    const r = await m.exec(0, 'suspend', async () => [await pm.pm_suspend_begin(), pm.in_suspend]);
    expect(r).toEqual([-EBUSY, false]);
    expect(log).toEqual(['first:PREPARE:in_suspend=true', 'refuses:PREPARE:in_suspend=true', 'first:POST:in_suspend=true']);
    expect(m.dmesg()).toContain('PM: suspend exit');
    // The window is closed: end does nothing, and a new attempt is allowed.
    await m.exec(0, 'end', () => pm.pm_suspend_end());
    expect(log.length).toBe(3);
    expect(await m.exec(0, 'again', () => pm.pm_suspend())).toBe(-EBUSY);
  });

  it('pm_suspend() returns the notifier error too', async () => {
    const m = await boot();
    const { pm, nb } = setup(m);
    nb('refuses', 0, () => notifier_from_errno(-EBUSY));
    expect(await m.exec(0, 'suspend', () => pm.pm_suspend())).toBe(-EBUSY);
  });

  it('a failing device aborts with its error; the devices already suspended are resumed once', async () => {
    const m = await boot();
    const { pm, log, nb, dev } = setup(m);
    nb('n', 0);
    const host = dev('host');
    dev('bad', host, -EIO);
    dev('card', host);
    const r = await m.exec(0, 'suspend', async () => [await pm.pm_suspend_begin(), pm.in_suspend]);
    expect(r).toEqual([-EIO, false]);
    expect(log).toEqual(['n:PREPARE:in_suspend=true', 'card:suspend', 'bad:suspend', 'card:resume', 'n:POST:in_suspend=true']);
    expect(m.dmesg()).toContain('PM: Some devices failed to suspend, or early wake event detected\n');
  });
});
