// Kernel timers on the virtual clock: expiry on the armed jiffy, on the arming CPU, in softirq
// context; re-arming, cancelling, interrupts held off, and del_timer_sync() against a running
// callback.
import { describe, expect, it } from 'vitest';
import { BUG } from '../../include/linux/bug.h.ts';
import { DELAY } from '../../include/linux/delay.h.ts';
import { JIFFIES } from '../../include/linux/jiffies.h.ts';
import type { kconfig } from '../../include/linux/kconfig.h.ts';
import { IRQFLAGS, SCHED } from '../../include/linux/sched.h.ts';
import { TIMER, type timer_list } from '../../include/linux/timer.h.ts';
import { Machine } from '../../init/machine.ts';
import { default_config } from '../../scripts/kconfig/index.ts';

const MS = 1_000_000;

const boot = (config: Partial<kconfig> = {}): Promise<Machine> =>
  Machine.boot({
    config: { ...default_config(), ...config } as kconfig,
    board: { name: 't', cpus: 2, cmdline: '', devices: [] },
    seed: 1,
  });

interface firing {
  readonly at: number;
  readonly cpu: number;
  readonly in_interrupt: boolean;
  readonly kind: string | undefined;
  readonly comm: string | undefined;
}

/** Services of @m plus a timer whose callback records when, where and how it ran. */
const setup = (m: Machine) => {
  const timers = m.resolve(TIMER);
  const jiffies = m.resolve(JIFFIES);
  const sched = m.resolve(SCHED);
  const irq = m.resolve(IRQFLAGS);
  const delay = m.resolve(DELAY);
  const fired: firing[] = [];
  const t = timers.timer_setup(() => {
    fired.push({
      at: m.now,
      cpu: sched.smp_processor_id(),
      in_interrupt: irq.in_interrupt(),
      kind: sched.current?.kind,
      comm: sched.current?.comm,
    });
  }, 'test_timer');
  return { timers, jiffies, sched, irq, delay, fired, t };
};

describe('timer expiry', () => {
  it('runs the callback at the armed jiffy (HZ=250: 4 ms ticks), on the arming CPU, in softirq context', async () => {
    const m = await boot();
    const { timers, jiffies, fired, t } = setup(m);
    expect(jiffies.HZ).toBe(250);
    const ret = await m.exec(1, 'armer', async () => timers.mod_timer(t, jiffies.jiffies + 3));
    expect(ret).toBe(0);
    await m.run();
    expect(fired).toEqual([{ at: 12 * MS, cpu: 1, in_interrupt: true, kind: 'softirq', comm: 'ksoftirqd/1' }]);
    expect(t.expires).toBe(3);
  });

  it('follows CONFIG_HZ (HZ=100: 10 ms ticks)', async () => {
    const m = await boot({ HZ: 100 });
    const { timers, jiffies, fired, t } = setup(m);
    expect(jiffies.HZ).toBe(100);
    await m.exec(0, 'armer', async () => void timers.mod_timer(t, jiffies.jiffies + 3));
    await m.run();
    expect(fired.map((f) => [f.at, f.cpu])).toEqual([[30 * MS, 0]]);
  });

  it('counts from the tick boundary when armed mid-tick, and fires a past expiry on the next tick', async () => {
    const m = await boot();
    const { timers, jiffies, delay, fired, t } = setup(m);
    const late = timers.timer_setup(() => void fired.push({ at: m.now, cpu: -1, in_interrupt: true, kind: 'late', comm: '' }), 'late');
    await m.exec(0, 'armer', async () => {
      await delay.mdelay(5); // 5 ms: inside jiffy 1
      expect(jiffies.jiffies).toBe(1);
      timers.mod_timer(t, jiffies.jiffies + 2); // jiffy 3 = 12 ms, not 5 + 8 ms
      timers.mod_timer(late, jiffies.jiffies - 1); // already past: next tick, 8 ms
    });
    await m.run();
    expect(fired.map((f) => [f.kind, f.at])).toEqual([
      ['late', 8 * MS],
      ['softirq', 12 * MS],
    ]);
  });

  it('can re-arm itself from its callback (a periodic timer)', async () => {
    const m = await boot();
    const timers = m.resolve(TIMER);
    const jiffies = m.resolve(JIFFIES);
    const at: number[] = [];
    const t: timer_list = timers.timer_setup((self) => {
      at.push(m.now);
      if (at.length < 3) timers.mod_timer(self, self.expires + 2);
    }, 'periodic');
    await m.exec(1, 'armer', async () => void timers.mod_timer(t, jiffies.jiffies + 1));
    await m.run();
    expect(at).toEqual([4 * MS, 12 * MS, 20 * MS]);
    expect(timers.timer_pending(t)).toBe(false);
  });
});

describe('mod_timer and del_timer', () => {
  it('mod_timer moves a pending timer and returns 1; the callback runs once, at the new expiry', async () => {
    const m = await boot();
    const { timers, jiffies, fired, t } = setup(m);
    const rets = await m.exec(0, 'armer', async () => {
      const first = timers.mod_timer(t, jiffies.jiffies + 2);
      const pending = timers.timer_pending(t);
      const second = timers.mod_timer(t, jiffies.jiffies + 5);
      return [first, pending, second];
    });
    expect(rets).toEqual([0, true, 1]);
    await m.run();
    expect(fired.map((f) => f.at)).toEqual([20 * MS]);
    // After it ran it is no longer pending: arming again reports 0.
    expect(await m.exec(0, 'rearm', async () => timers.mod_timer(t, jiffies.jiffies + 1))).toBe(0);
    await m.run();
    expect(fired.map((f) => f.at)).toEqual([20 * MS, 24 * MS]);
  });

  it('mod_timer can also move a timer earlier', async () => {
    const m = await boot();
    const { timers, jiffies, fired, t } = setup(m);
    await m.exec(0, 'armer', async () => {
      timers.mod_timer(t, jiffies.jiffies + 10);
      timers.mod_timer(t, jiffies.jiffies + 1);
    });
    await m.run();
    expect(fired.map((f) => f.at)).toEqual([4 * MS]);
  });

  it('del_timer cancels a pending timer and returns 1, then 0', async () => {
    const m = await boot();
    const { timers, jiffies, delay, fired, t } = setup(m);
    const rets = await m.exec(0, 'armer', async () => {
      timers.mod_timer(t, jiffies.jiffies + 2);
      await delay.mdelay(4); // one tick later, still pending
      const pending = timers.timer_pending(t);
      return [pending, timers.del_timer(t), timers.del_timer(t), timers.timer_pending(t)];
    });
    expect(rets).toEqual([true, 1, 0, false]);
    await m.run(100 * MS);
    expect(fired).toEqual([]);
    expect(m.now).toBe(100 * MS);
  });

  it('del_timer after the callback ran returns 0', async () => {
    const m = await boot();
    const { timers, jiffies, delay, fired, t } = setup(m);
    const ret = await m.exec(0, 'armer', async () => {
      timers.mod_timer(t, jiffies.jiffies + 1);
      await delay.msleep(10);
      return timers.del_timer(t);
    });
    expect(fired.length).toBe(1);
    expect(ret).toBe(0);
  });
});

describe('timers and interrupt flags', () => {
  it('a timer armed with interrupts disabled runs only after local_irq_enable()', async () => {
    const m = await boot();
    const { timers, jiffies, irq, sched, delay, fired, t } = setup(m);
    const log: string[] = [];
    await m.exec(0, 'irqoff', async () => {
      irq.local_irq_disable();
      timers.mod_timer(t, jiffies.jiffies + 1); // due at 4 ms
      await delay.mdelay(10); // interrupts stay off across the expiry
      log.push(`enable@${m.now} fired=${fired.length}`);
      irq.local_irq_enable();
      await sched.yield_point();
      log.push(`after-yield@${m.now} fired=${fired.length}`);
    });
    expect(log).toEqual([`enable@${10 * MS} fired=0`, `after-yield@${10 * MS} fired=1`]);
    expect(fired).toEqual([{ at: 10 * MS, cpu: 0, in_interrupt: true, kind: 'softirq', comm: 'ksoftirqd/0' }]);
  });

  it('interrupts disabled on one CPU do not hold back a timer armed on another', async () => {
    const m = await boot();
    const { timers, jiffies, irq, delay, fired, t } = setup(m);
    m.spawn(1, 'irqoff', async () => {
      irq.local_irq_disable();
      await delay.mdelay(10);
      irq.local_irq_enable();
    });
    await m.exec(0, 'armer', async () => void timers.mod_timer(t, jiffies.jiffies + 1));
    await m.run();
    expect(fired.map((f) => [f.at, f.cpu])).toEqual([[4 * MS, 0]]);
  });
});

describe('del_timer_sync', () => {
  it('waits for a callback running on another CPU to finish', async () => {
    const m = await boot();
    const timers = m.resolve(TIMER);
    const jiffies = m.resolve(JIFFIES);
    const delay = m.resolve(DELAY);
    const log: Array<[string, number]> = [];
    const t = timers.timer_setup(async () => {
      log.push(['cb-start', m.now]);
      await delay.udelay(200); // busy in softirq context until 4.2 ms
      log.push(['cb-end', m.now]);
    }, 'slow');
    await m.exec(0, 'armer', async () => void timers.mod_timer(t, jiffies.jiffies + 1)); // 4 ms on CPU0
    const ret = await m.exec(1, 'killer', async () => {
      await delay.udelay(4100); // 4.1 ms: the callback is running
      log.push(['sync-begin', m.now]);
      const r = await timers.del_timer_sync(t);
      log.push(['sync-end', m.now]);
      return r;
    });
    expect(ret).toBe(0); // running, no longer pending
    expect(log.map(([w]) => w)).toEqual(['cb-start', 'sync-begin', 'cb-end', 'sync-end']);
    expect(log[0]![1]).toBe(4 * MS);
    expect(log[2]![1]).toBe(4.2 * MS);
    // It returns as soon as the callback is done: within one cpu_relax() (10 ns).
    expect(log[3]![1]).toBeGreaterThanOrEqual(4.2 * MS);
    expect(log[3]![1]).toBeLessThanOrEqual(4.2 * MS + 10);
  });

  it('cancels a pending timer at once and returns 1', async () => {
    const m = await boot();
    const { timers, jiffies, fired, t } = setup(m);
    const r = await m.exec(0, 'killer', async () => {
      timers.mod_timer(t, jiffies.jiffies + 1);
      const was = await timers.del_timer_sync(t);
      return [was, m.now];
    });
    expect(r).toEqual([1, 0]);
    await m.run(50 * MS);
    expect(fired).toEqual([]);
  });
});

describe('a callback that dies', () => {
  it('a BUG() in one callback does not stop later timers on that CPU', async () => {
    const m = await boot();
    const timers = m.resolve(TIMER);
    const jiffies = m.resolve(JIFFIES);
    const bug = m.resolve(BUG);
    const at: number[] = [];
    const bad = timers.timer_setup(() => bug.BUG_ON(true, 'test'), 'bad');
    const good = timers.timer_setup(() => void at.push(m.now), 'good');
    await m.exec(0, 'armer', async () => {
      timers.mod_timer(bad, jiffies.jiffies + 1);
      timers.mod_timer(good, jiffies.jiffies + 2);
    });
    await m.run();
    expect(m.reports.map((r) => [r.kind, r.comm])).toEqual([['bug', 'ksoftirqd/0']]);
    expect(at).toEqual([8 * MS]);
  });
});
