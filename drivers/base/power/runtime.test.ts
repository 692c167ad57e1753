// Runtime PM: resume on get (parent first), usage and child counts, idle and autosuspend on
// the virtual clock, refusals while in use, and what a failing callback leaves behind.
import { describe, expect, it } from 'vitest';
import { DELAY } from '../../../include/linux/delay.h.ts';
import { DEVICE, type device } from '../../../include/linux/device.h.ts';
import { EACCES, EAGAIN, EBUSY, EINVAL, EIO } from '../../../include/linux/errno.h.ts';
import { PM_RUNTIME } from '../../../include/linux/pm_runtime.h.ts';
import { SCHED } from '../../../include/linux/sched.h.ts';
import { Machine } from '../../../init/machine.ts';
import { default_config } from '../../../scripts/kconfig/index.ts';

const MS = 1_000_000;

const boot = (): Promise<Machine> =>
  Machine.boot({ config: default_config(), board: { name: 't', cpus: 2, cmdline: '', devices: [] }, seed: 1 });

interface dev_opts {
  parent?: device | null;
  /** What runtime_suspend / runtime_resume return (default 0). */
  suspend_ret?: () => number;
  resume_ret?: () => number;
  /** Milliseconds the resume callback sleeps. */
  resume_sleep?: number;
  idle_ret?: () => number;
}

const setup = (m: Machine) => {
  const rpm = m.resolve(PM_RUNTIME);
  const devs = m.resolve(DEVICE);
  const delay = m.resolve(DELAY);
  const sched = m.resolve(SCHED);
  /** Every callback as "name:what@ns". */
  const log: string[] = [];
  /** The context each callback ran in. */
  const ctx: string[] = [];
  const mkdev = (name: string, o: dev_opts = {}): device => {
    const dev = devs.device_initialize(name, o.parent ?? null);
    dev.pm = {
      runtime_suspend: async (d) => {
        log.push(`${d.name}:suspend@${m.now}`);
        ctx.push(`${sched.current?.kind}`);
        return o.suspend_ret?.() ?? 0;
      },
      runtime_resume: async (d) => {
        log.push(`${d.name}:resume@${m.now}`);
        ctx.push(`${sched.current?.kind}`);
        if (o.resume_sleep) await delay.msleep(o.resume_sleep);
        return o.resume_ret?.() ?? 0;
      },
      ...(o.idle_ret ? { runtime_idle: async () => o.idle_ret!() } : {}),
    };
    return dev;
  };
  return { rpm, devs, delay, log, ctx, mkdev };
};

describe('resume', () => {
  it('pm_runtime_get_sync() resumes a suspended device once and counts the usage', async () => {
    const m = await boot();
    const { rpm, log, ctx, mkdev } = setup(m);
    const dev = mkdev('dev0');
    expect(dev.power.runtime_status).toBe('suspended');
    const r = await m.exec(0, 'user', async () => {
      rpm.pm_runtime_enable(dev);
      const suspended_before = rpm.pm_runtime_suspended(dev);
      const first = await rpm.pm_runtime_get_sync(dev);
      const second = await rpm.pm_runtime_get_sync(dev);
      return [suspended_before, first, second];
    });
    expect(r).toEqual([true, 0, 1]); // 1: already active
    expect(log).toEqual(['dev0:resume@0']);
    expect(ctx).toEqual(['task']);
    expect(dev.power.runtime_status).toBe('active');
    expect(dev.power.usage_count).toBe(2);
    expect(rpm.pm_runtime_suspended(dev)).toBe(false);
    expect(rpm.pm_runtime_active(dev)).toBe(true);
    await m.run(10_000 * MS); // held: nothing suspends it
    expect(log).toEqual(['dev0:resume@0']);
  });

  it('resumes the parent before the child and counts the child on the parent', async () => {
    const m = await boot();
    const { rpm, log, mkdev } = setup(m);
    const parent = mkdev('host');
    const child = mkdev('card', { parent });
    const r = await m.exec(0, 'user', async () => {
      rpm.pm_runtime_enable(parent);
      rpm.pm_runtime_enable(child);
      return rpm.pm_runtime_get_sync(child);
    });
    expect(r).toBe(0);
    expect(log).toEqual(['host:resume@0', 'card:resume@0']);
    expect(parent.power.runtime_status).toBe('active');
    expect(parent.power.child_count).toBe(1);
    expect(parent.power.usage_count).toBe(0);
  });

  it('keeps the parent resumed while a slow child resume is in progress', async () => {
    const m = await boot();
    const { rpm, log, mkdev } = setup(m);
    const parent = mkdev('host');
    const child = mkdev('card', { parent, resume_sleep: 10 });
    await m.exec(0, 'user', async () => {
      rpm.pm_runtime_enable(parent);
      rpm.pm_runtime_enable(child);
      return rpm.pm_runtime_get_sync(child);
    });
    await m.run(1000 * MS);
    expect(log).toEqual(['host:resume@0', 'card:resume@0']);
    expect(parent.power.runtime_status).toBe('active');
    expect(parent.power.child_count).toBe(1);
    expect(parent.power.usage_count).toBe(0);
  });

  it('two CPUs resuming the same device at once run the callback once; both wait for it', async () => {
    const m = await boot();
    const { rpm, log, mkdev } = setup(m);
    const parent = mkdev('host');
    const child = mkdev('card', { parent, resume_sleep: 10 }); // resume takes until 16 ms
    await m.exec(0, 'setup', async () => {
      rpm.pm_runtime_enable(parent);
      rpm.pm_runtime_enable(child);
    });
    const done: Array<[number, number, number]> = [];
    for (const cpu of [0, 1]) {
      m.spawn(cpu, `user${cpu}`, async () => {
        const r = await rpm.pm_runtime_get_sync(child);
        done.push([cpu, r, m.now]);
      });
    }
    await m.run();
    expect(log).toEqual(['host:resume@0', 'card:resume@0']);
    expect(done.map(([, r, t]) => [r, t]).sort()).toEqual([
      [0, 16 * MS],
      [1, 16 * MS],
    ]);
    expect([child.power.usage_count, parent.power.child_count, parent.power.usage_count]).toEqual([2, 1, 0]);
  });

  it('a parent that ignores its children is neither resumed nor kept awake by them', async () => {
    const m = await boot();
    const { rpm, log, mkdev } = setup(m);
    const parent = mkdev('bus');
    parent.power.ignore_children = true;
    const child = mkdev('fn', { parent });
    await m.exec(0, 'user', async () => {
      rpm.pm_runtime_enable(parent);
      rpm.pm_runtime_enable(child);
      await rpm.pm_runtime_get_sync(child);
      await rpm.pm_runtime_put_sync(child);
    });
    expect(log).toEqual(['fn:resume@0', 'fn:suspend@0']);
    expect(parent.power.runtime_status).toBe('suspended');
    expect(parent.power.child_count).toBe(0);
  });

  it('on a disabled device returns 1 if active and -EACCES if suspended, still counting the usage', async () => {
    const m = await boot();
    const { rpm, log, mkdev } = setup(m);
    const off = mkdev('off');
    const on = mkdev('on');
    const r = await m.exec(0, 'user', async () => {
      expect(rpm.pm_runtime_set_active(on)).toBe(0);
      return [await rpm.pm_runtime_get_sync(off), await rpm.pm_runtime_get_sync(on), rpm.pm_runtime_active(off)];
    });
    expect(r).toEqual([-EACCES, 1, true]); // pm_runtime_active(): disabled counts as active
    expect([off.power.usage_count, on.power.usage_count]).toEqual([1, 1]);
    expect(log).toEqual([]);
    expect(rpm.pm_runtime_suspended(off)).toBe(false); // disabled: never "suspended"
  });
});

describe('idle and suspend', () => {
  it('pm_runtime_put() suspends from the pm workqueue once the count drops to 0; the parent follows', async () => {
    const m = await boot();
    const { rpm, log, ctx, mkdev } = setup(m);
    const parent = mkdev('host');
    const child = mkdev('card', { parent });
    await m.exec(0, 'user', async () => {
      rpm.pm_runtime_enable(parent);
      rpm.pm_runtime_enable(child);
      await rpm.pm_runtime_get_sync(child);
      await rpm.pm_runtime_get_sync(child);
      expect(rpm.pm_runtime_put(child)).toBe(0);
    });
    await m.run();
    expect(child.power.usage_count).toBe(1);
    expect(log).toEqual(['host:resume@0', 'card:resume@0']); // still in use
    await m.exec(0, 'user', async () => void rpm.pm_runtime_put(child));
    await m.run();
    expect(log).toEqual(['host:resume@0', 'card:resume@0', 'card:suspend@0', 'host:suspend@0']);
    expect(ctx).toEqual(['task', 'task', 'task', 'task']);
    expect([child.power.runtime_status, parent.power.runtime_status]).toEqual(['suspended', 'suspended']);
    expect(parent.power.child_count).toBe(0);
    expect(rpm.pm_runtime_suspended(child)).toBe(true);
  });

  it('pm_runtime_suspend() is refused with -EAGAIN while the usage count is raised', async () => {
    const m = await boot();
    const { rpm, log, mkdev } = setup(m);
    const dev = mkdev('dev0');
    const r = await m.exec(0, 'user', async () => {
      rpm.pm_runtime_enable(dev);
      await rpm.pm_runtime_get_sync(dev);
      rpm.pm_runtime_get_noresume(dev);
      const refused = [await rpm.pm_runtime_suspend(dev), dev.power.runtime_status];
      rpm.pm_runtime_put_noidle(dev);
      const still = await rpm.pm_runtime_suspend(dev);
      rpm.pm_runtime_put_noidle(dev);
      return [...refused, still, dev.power.usage_count, await rpm.pm_runtime_suspend(dev), await rpm.pm_runtime_suspend(dev)];
    });
    expect(r).toEqual([-EAGAIN, 'active', -EAGAIN, 0, 0, 1]);
    expect(log).toEqual(['dev0:resume@0', 'dev0:suspend@0']);
  });

  it('a suspended parent refuses to be suspended again; an active one with children gets -EBUSY', async () => {
    const m = await boot();
    const { rpm, mkdev } = setup(m);
    const parent = mkdev('host');
    const child = mkdev('card', { parent });
    const r = await m.exec(0, 'user', async () => {
      rpm.pm_runtime_enable(parent);
      rpm.pm_runtime_enable(child);
      await rpm.pm_runtime_get_sync(child);
      return rpm.pm_runtime_suspend(parent);
    });
    expect(r).toBe(-EBUSY);
    expect(parent.power.runtime_status).toBe('active');
  });

  it('a runtime_idle callback can veto the suspend', async () => {
    const m = await boot();
    const { rpm, log, mkdev } = setup(m);
    const dev = mkdev('dev0', { idle_ret: () => -EBUSY });
    const r = await m.exec(0, 'user', async () => {
      rpm.pm_runtime_enable(dev);
      await rpm.pm_runtime_get_sync(dev);
      return rpm.pm_runtime_put_sync(dev);
    });
    expect(r).toBe(-EBUSY);
    await m.run();
    expect(log).toEqual(['dev0:resume@0']);
    expect(dev.power.runtime_status).toBe('active');
  });

  it('an unbalanced put warns, returns -EINVAL and leaves the count at 0', async () => {
    const m = await boot();
    const { rpm, mkdev } = setup(m);
    const dev = mkdev('dev0');
    const r = await m.exec(0, 'user', async () => {
      rpm.pm_runtime_enable(dev);
      return [rpm.pm_runtime_put(dev), await rpm.pm_runtime_put_sync(dev), rpm.pm_runtime_put_autosuspend(dev)];
    });
    expect(r).toEqual([-EINVAL, -EINVAL, -EINVAL]);
    expect(dev.power.usage_count).toBe(0);
    expect(m.dmesg().match(/dev0: Runtime PM usage count underflow!/g)?.length).toBe(3);
  });
});

describe('autosuspend', () => {
  /** An enabled device with a 50 ms autosuspend delay. */
  const auto_dev = (m: Machine) => {
    const s = setup(m);
    const dev = s.mkdev('mmc0');
    return { ...s, dev };
  };

  it('suspends on the first tick at or after last_busy + autosuspend_delay', async () => {
    const m = await boot();
    const { rpm, delay, log, dev } = auto_dev(m);
    const r = await m.exec(0, 'user', async () => {
      rpm.pm_runtime_set_autosuspend_delay(dev, 50);
      rpm.pm_runtime_use_autosuspend(dev);
      rpm.pm_runtime_enable(dev);
      await rpm.pm_runtime_get_sync(dev);
      await delay.udelay(1000);
      rpm.pm_runtime_mark_last_busy(dev); // 1 ms
      return rpm.pm_runtime_put_autosuspend(dev);
    });
    expect(r).toBe(0);
    expect(dev.power.last_busy).toBe(1 * MS);
    // last_busy + delay = 51 ms falls inside jiffy 12; the timer is due at jiffy 13 = 52 ms.
    await m.run(52 * MS - 1);
    expect(dev.power.runtime_status).toBe('active');
    expect(log).toEqual(['mmc0:resume@0']);
    await m.run();
    expect(log).toEqual(['mmc0:resume@0', `mmc0:suspend@${52 * MS}`]);
    expect(dev.power.runtime_status).toBe('suspended');
  });

  it('suspends exactly at last_busy + delay when that is a tick boundary', async () => {
    const m = await boot();
    const { rpm, delay, log, dev } = auto_dev(m);
    await m.exec(0, 'user', async () => {
      rpm.pm_runtime_set_autosuspend_delay(dev, 100);
      rpm.pm_runtime_use_autosuspend(dev);
      rpm.pm_runtime_enable(dev);
      await rpm.pm_runtime_get_sync(dev);
      await delay.msleep(1); // 8 ms
      rpm.pm_runtime_mark_last_busy(dev);
      rpm.pm_runtime_put_autosuspend(dev);
    });
    await m.run();
    expect(log).toEqual(['mmc0:resume@0', `mmc0:suspend@${108 * MS}`]);
  });

  it('counts from the resume when the driver never marked the device busy', async () => {
    const m = await boot();
    const { rpm, delay, log, dev } = auto_dev(m);
    await m.exec(0, 'user', async () => {
      rpm.pm_runtime_set_autosuspend_delay(dev, 50);
      rpm.pm_runtime_use_autosuspend(dev);
      rpm.pm_runtime_enable(dev);
      await delay.mdelay(20);
      await rpm.pm_runtime_get_sync(dev); // resumed at 20 ms: last_busy = 20 ms
      rpm.pm_runtime_put_autosuspend(dev);
    });
    await m.run();
    expect(log).toEqual([`mmc0:resume@${20 * MS}`, `mmc0:suspend@${72 * MS}`]); // 70 ms → jiffy 18
  });

  it('a get before the expiry cancels the pending suspend', async () => {
    const m = await boot();
    const { rpm, delay, log, dev } = auto_dev(m);
    const r = await m.exec(0, 'user', async () => {
      rpm.pm_runtime_set_autosuspend_delay(dev, 50);
      rpm.pm_runtime_use_autosuspend(dev);
      rpm.pm_runtime_enable(dev);
      await rpm.pm_runtime_get_sync(dev);
      rpm.pm_runtime_mark_last_busy(dev);
      rpm.pm_runtime_put_autosuspend(dev);
      await delay.mdelay(30);
      return rpm.pm_runtime_get_sync(dev);
    });
    expect(r).toBe(1);
    await m.run(10_000 * MS);
    expect(log).toEqual(['mmc0:resume@0']);
    expect(dev.power.runtime_status).toBe('active');
    // Dropping it again starts a new delay from the new last_busy.
    await m.exec(0, 'user', async () => {
      rpm.pm_runtime_mark_last_busy(dev); // 10 s
      rpm.pm_runtime_put_autosuspend(dev);
    });
    await m.run();
    expect(log).toEqual(['mmc0:resume@0', `mmc0:suspend@${10_052 * MS}`]);
  });

  it('marking the device busy while the timer is pending pushes the suspend back', async () => {
    const m = await boot();
    const { rpm, delay, log, dev } = auto_dev(m);
    m.spawn(1, 'busy', async () => {
      await delay.mdelay(40);
      rpm.pm_runtime_mark_last_busy(dev); // 40 ms: now due at 90 ms → jiffy 23 = 92 ms
    });
    await m.exec(0, 'user', async () => {
      rpm.pm_runtime_set_autosuspend_delay(dev, 50);
      rpm.pm_runtime_use_autosuspend(dev);
      rpm.pm_runtime_enable(dev);
      await rpm.pm_runtime_get_sync(dev);
      await delay.udelay(1000);
      rpm.pm_runtime_mark_last_busy(dev);
      rpm.pm_runtime_put_autosuspend(dev);
    });
    await m.run();
    expect(log).toEqual(['mmc0:resume@0', `mmc0:suspend@${92 * MS}`]);
  });

  it('a negative autosuspend delay forbids the suspend', async () => {
    const m = await boot();
    const { rpm, log, dev } = auto_dev(m);
    await m.exec(0, 'user', async () => {
      rpm.pm_runtime_set_autosuspend_delay(dev, -1);
      rpm.pm_runtime_use_autosuspend(dev);
      rpm.pm_runtime_enable(dev);
      await rpm.pm_runtime_get_sync(dev);
      rpm.pm_runtime_put_autosuspend(dev);
    });
    await m.run(10_000 * MS);
    expect(log).toEqual(['mmc0:resume@0']);
  });
});

describe('callback errors', () => {
  it('a failing runtime_suspend sets runtime_error; later calls return -EINVAL until set_suspended/set_active', async () => {
    const m = await boot();
    const { rpm, log, mkdev } = setup(m);
    let fail = true;
    const dev = mkdev('dev0', { suspend_ret: () => (fail ? -EIO : 0) });
    const r = await m.exec(0, 'user', async () => {
      rpm.pm_runtime_enable(dev);
      await rpm.pm_runtime_get_sync(dev);
      rpm.pm_runtime_put_noidle(dev);
      const failed = await rpm.pm_runtime_suspend(dev);
      const state = [dev.power.runtime_status, dev.power.runtime_error];
      const later = [
        await rpm.pm_runtime_get_sync(dev),
        dev.power.usage_count, // get_sync keeps the count even on error
        await rpm.pm_runtime_put_sync(dev),
        await rpm.pm_runtime_suspend(dev),
        await rpm.pm_runtime_resume_and_get(dev),
        dev.power.usage_count, // resume_and_get drops it again
      ];
      fail = false;
      // The documented way out: set the status, which clears the error, even while enabled.
      const cleared = [rpm.pm_runtime_set_active(dev), dev.power.runtime_error, rpm.pm_runtime_enabled(dev)];
      const again = await rpm.pm_runtime_suspend(dev);
      return [failed, ...state, ...later, ...cleared, again];
    });
    expect(r).toEqual([-EIO, 'active', -EIO, -EINVAL, 1, -EINVAL, -EINVAL, -EINVAL, 0, 0, 0, true, 0]);
    expect(log).toEqual(['dev0:resume@0', 'dev0:suspend@0', 'dev0:suspend@0']);
    expect(dev.power.runtime_status).toBe('suspended');
  });

  it('a failing runtime_resume leaves the device suspended with runtime_error set', async () => {
    const m = await boot();
    const { rpm, log, mkdev } = setup(m);
    const dev = mkdev('dev0', { resume_ret: () => -EIO });
    const r = await m.exec(0, 'user', async () => {
      rpm.pm_runtime_enable(dev);
      return [await rpm.pm_runtime_get_sync(dev), dev.power.runtime_status, dev.power.runtime_error, await rpm.pm_runtime_get_sync(dev)];
    });
    expect(r).toEqual([-EIO, 'suspended', -EIO, -EINVAL]);
    expect(log).toEqual(['dev0:resume@0']); // no second attempt
  });

  it('-EAGAIN and -EBUSY from a callback are transient: no runtime_error, the next call retries', async () => {
    const m = await boot();
    const { rpm, log, mkdev } = setup(m);
    let resume_ret = -EAGAIN;
    let suspend_ret = -EBUSY;
    const dev = mkdev('dev0', { resume_ret: () => resume_ret, suspend_ret: () => suspend_ret });
    const r = await m.exec(0, 'user', async () => {
      rpm.pm_runtime_enable(dev);
      const a = [await rpm.pm_runtime_get_sync(dev), dev.power.runtime_status, dev.power.runtime_error];
      resume_ret = 0;
      const b = [await rpm.pm_runtime_resume(dev), dev.power.runtime_status];
      rpm.pm_runtime_put_noidle(dev);
      const c = [await rpm.pm_runtime_suspend(dev), dev.power.runtime_status, dev.power.runtime_error];
      suspend_ret = 0;
      return [...a, ...b, ...c, await rpm.pm_runtime_suspend(dev), dev.power.runtime_status];
    });
    expect(r).toEqual([-EAGAIN, 'suspended', 0, 0, 'active', -EBUSY, 'active', 0, 0, 'suspended']);
    expect(log.length).toBe(4);
  });
});
