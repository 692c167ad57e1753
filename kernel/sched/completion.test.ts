// Completions: a waiter blocks until complete() from another CPU, each complete() releases
// one waiter, complete_all() releases everyone, and timeouts end on the jiffy they are due.
import { describe, expect, it } from 'vitest';
import { COMPLETION } from '../../include/linux/completion.h.ts';
import { DELAY } from '../../include/linux/delay.h.ts';
import { Machine } from '../../init/machine.ts';
import { default_config } from '../../scripts/kconfig/index.ts';

const MS = 1_000_000;

const boot = (): Promise<Machine> =>
  Machine.boot({ config: default_config(), board: { name: 't', cpus: 2, cmdline: '', devices: [] }, seed: 1 });

const setup = (m: Machine) => {
  const comp = m.resolve(COMPLETION);
  return { comp, delay: m.resolve(DELAY), x: comp.init_completion() };
};

describe('wait_for_completion', () => {
  it('blocks until complete() from another CPU, and consumes it', async () => {
    const m = await boot();
    const { comp, delay, x } = setup(m);
    m.spawn(1, 'completer', async () => {
      await delay.mdelay(7);
      comp.complete(x);
    });
    const r = await m.exec(0, 'waiter', async () => {
      const before = comp.completion_done(x);
      await comp.wait_for_completion(x);
      return [before, m.now, comp.completion_done(x), x.done];
    });
    expect(r).toEqual([false, 7 * MS, false, 0]);
  });

  it('does not block when complete() came first; each complete() counts once', async () => {
    const m = await boot();
    const { comp, x } = setup(m);
    const r = await m.exec(0, 'w', async () => {
      comp.complete(x);
      comp.complete(x);
      const done = x.done;
      await comp.wait_for_completion(x);
      await comp.wait_for_completion(x);
      return [done, m.now, comp.try_wait_for_completion(x)];
    });
    expect(r).toEqual([2, 0, false]);
    // A third wait blocks until the next complete().
    const waiter = m.spawn(0, 'third', async () => void (await comp.wait_for_completion(x)));
    await m.run(50 * MS);
    expect(m.sched.blocked_tasks()).toContain(waiter);
  });

  it('one complete() releases exactly one of two waiters', async () => {
    const m = await boot();
    const { comp, delay, x } = setup(m);
    const woke: Array<[string, number]> = [];
    for (const cpu of [0, 1]) {
      m.spawn(cpu, `waiter${cpu}`, async () => {
        await comp.wait_for_completion(x);
        woke.push([`waiter${cpu}`, m.now]);
      });
    }
    await m.exec(1, 'completer', async () => {
      await delay.mdelay(3);
      comp.complete(x);
      await delay.mdelay(3);
      expect(woke.length).toBe(1);
      comp.complete(x);
    });
    await m.run();
    expect(woke.map(([, t]) => t)).toEqual([3 * MS, 6 * MS]);
    expect(woke.map(([w]) => w).sort()).toEqual(['waiter0', 'waiter1']);
    expect(x.done).toBe(0);
  });
});

describe('complete_all', () => {
  it('wakes every waiter, and later waits return at once until reinit_completion()', async () => {
    const m = await boot();
    const { comp, delay, x } = setup(m);
    const woke: Array<[number, number]> = [];
    for (const cpu of [0, 0, 1]) {
      m.spawn(cpu, `waiter${cpu}`, async () => {
        await comp.wait_for_completion(x);
        woke.push([cpu, m.now]);
      });
    }
    await m.exec(1, 'completer', async () => {
      await delay.mdelay(5);
      comp.complete_all(x);
    });
    await m.run();
    expect(woke.sort()).toEqual([
      [0, 5 * MS],
      [0, 5 * MS],
      [1, 5 * MS],
    ]);
    const r = await m.exec(0, 'late', async () => {
      await comp.wait_for_completion(x);
      const left = await comp.wait_for_completion_timeout(x, 3);
      return [m.now, left, comp.completion_done(x), comp.try_wait_for_completion(x)];
    });
    expect(r).toEqual([5 * MS, 3, true, true]);
    // reinit: waiting blocks (and times out) again.
    const r2 = await m.exec(0, 'again', async () => {
      comp.reinit_completion(x);
      return [comp.completion_done(x), await comp.wait_for_completion_timeout(x, 2), m.now];
    });
    expect(r2).toEqual([false, 0, 12 * MS]); // from jiffy 1 (5 ms) to jiffy 3
  });
});

describe('wait_for_completion_timeout', () => {
  it('returns 0 on the tick the timeout is due (5 jiffies: 20 ms)', async () => {
    const m = await boot();
    const { comp, x } = setup(m);
    expect(await m.exec(0, 'w', async () => [await comp.wait_for_completion_timeout(x, 5), m.now])).toEqual([0, 20 * MS]);
  });

  it('counts from the current jiffy when started mid-tick', async () => {
    const m = await boot();
    const { comp, delay, x } = setup(m);
    const r = await m.exec(0, 'w', async () => {
      await delay.udelay(3999); // the last µs of jiffy 0
      return [await comp.wait_for_completion_timeout(x, 1), m.now];
    });
    expect(r).toEqual([0, 4 * MS]); // a one-jiffy timeout may be 1 µs of waiting, as in Linux
  });

  it('returns the jiffies left (at least 1) when completed in time', async () => {
    const m = await boot();
    const { comp, delay, x } = setup(m);
    m.spawn(1, 'completer', async () => {
      await delay.mdelay(13);
      comp.complete(x);
    });
    const r = await m.exec(0, 'w', async () => [await comp.wait_for_completion_timeout(x, 10), m.now, x.done]);
    expect(r).toEqual([7, 13 * MS, 0]);
  });

  it('does not consume a completion that arrives after the timeout', async () => {
    const m = await boot();
    const { comp, delay, x } = setup(m);
    m.spawn(1, 'late', async () => {
      await delay.mdelay(30);
      comp.complete(x);
    });
    const r = await m.exec(0, 'w', async () => [await comp.wait_for_completion_timeout(x, 2), m.now]);
    expect(r).toEqual([0, 8 * MS]);
    await m.run();
    expect(x.done).toBe(1);
    expect(await m.exec(0, 'w2', async () => comp.try_wait_for_completion(x))).toBe(true);
    expect(x.done).toBe(0);
  });
});
