// Wait queues: wait_event() sleeps until its condition holds after a wake_up();
// wait_event_timeout() ends on the tick its schedule_timeout() timer is due, and reports the
// jiffies left (at least 1) when the condition came true.
import { describe, expect, it } from 'vitest';
import { DELAY } from '../../include/linux/delay.h.ts';
import { IRQFLAGS } from '../../include/linux/sched.h.ts';
import { WAIT } from '../../include/linux/wait.h.ts';
import { Machine } from '../../init/machine.ts';
import { default_config } from '../../scripts/kconfig/index.ts';

const MS = 1_000_000;

const boot = (): Promise<Machine> =>
  Machine.boot({ config: default_config(), board: { name: 't', cpus: 2, cmdline: '', devices: [] }, seed: 1 });

const setup = (m: Machine) => {
  const wait = m.resolve(WAIT);
  return { wait, delay: m.resolve(DELAY), irq: m.resolve(IRQFLAGS), wq: wait.init_waitqueue_head('test_wq') };
};

describe('wait_event', () => {
  it('sleeps until another CPU makes the condition true and wakes the queue', async () => {
    const m = await boot();
    const { wait, delay, wq } = setup(m);
    let flag = false;
    m.spawn(1, 'waker', async () => {
      await delay.mdelay(7);
      flag = true;
      wait.wake_up(wq);
    });
    const at = await m.exec(0, 'waiter', async () => {
      await wait.wait_event(wq, () => flag);
      return m.now;
    });
    expect(at).toBe(7 * MS);
  });

  it('goes back to sleep after a wake_up() with the condition still false', async () => {
    const m = await boot();
    const { wait, delay, wq } = setup(m);
    let n = 0;
    let checks = 0;
    m.spawn(1, 'waker', async () => {
      for (let i = 0; i < 3; i++) {
        await delay.mdelay(2);
        n++;
        wait.wake_up(wq);
      }
    });
    const at = await m.exec(0, 'waiter', async () => {
      await wait.wait_event(wq, () => (checks++, n >= 3));
      return m.now;
    });
    expect(at).toBe(6 * MS);
    expect(checks).toBe(4); // once before sleeping, once per wake_up()
  });

  it('wake_up() wakes every waiter; waitqueue_active() sees them while they sleep', async () => {
    const m = await boot();
    const { wait, wq } = setup(m);
    let flag = false;
    const woke: Array<[number, number]> = [];
    for (const cpu of [0, 1, 1]) {
      m.spawn(cpu, `waiter${cpu}`, async () => {
        await wait.wait_event(wq, () => flag);
        woke.push([cpu, m.now]);
      });
    }
    await m.run(10 * MS);
    const active = await m.exec(0, 'waker', async () => {
      const a = wait.waitqueue_active(wq);
      flag = true;
      wait.wake_up(wq);
      return a;
    });
    await m.run();
    expect(active).toBe(true);
    expect(woke.sort()).toEqual([
      [0, 10 * MS],
      [1, 10 * MS],
      [1, 10 * MS],
    ]);
    expect(wait.waitqueue_active(wq)).toBe(false);
  });

  it('with interrupts disabled is reported as sleeping in atomic context', async () => {
    const m = await boot();
    const { wait, irq, delay, wq } = setup(m);
    let flag = false;
    m.spawn(1, 'waker', async () => {
      await delay.mdelay(1);
      flag = true;
      wait.wake_up(wq);
    });
    await m.exec(0, 'bad', async () => {
      irq.local_irq_disable();
      await wait.wait_event(wq, () => flag);
      irq.local_irq_enable();
    });
    expect(m.reports.map((r) => r.kind)).toEqual(['sleep_in_atomic']);
    expect(m.reports[0]!.lines[0]).toMatch(/^BUG: sleeping function called from invalid context at /);
  });
});

describe('wait_event_timeout', () => {
  it('returns the timeout itself, without sleeping, when the condition already holds', async () => {
    const m = await boot();
    const { wait, wq } = setup(m);
    const r = await m.exec(0, 'w', async () => [await wait.wait_event_timeout(wq, () => true, 10), await wait.wait_event_timeout(wq, () => true, 0), m.now]);
    expect(r).toEqual([10, 1, 0]); // a true condition with no time left still counts as 1
  });

  it('with a timeout of 0 and a false condition returns 0 at once', async () => {
    const m = await boot();
    const { wait, wq } = setup(m);
    expect(await m.exec(0, 'w', async () => [await wait.wait_event_timeout(wq, () => false, 0), m.now])).toEqual([0, 0]);
    expect(m.reports).toEqual([]);
  });

  it('returns 0 on the tick the timeout is due (10 jiffies from jiffy 0: 40 ms)', async () => {
    const m = await boot();
    const { wait, wq } = setup(m);
    const r = await m.exec(0, 'w', async () => [await wait.wait_event_timeout(wq, () => false, 10), m.now]);
    expect(r).toEqual([0, 40 * MS]);
  });

  it('counts the timeout from the current jiffy, as schedule_timeout() does', async () => {
    const m = await boot();
    const { wait, delay, wq } = setup(m);
    const r = await m.exec(0, 'w', async () => {
      await delay.mdelay(5); // inside jiffy 1
      return [await wait.wait_event_timeout(wq, () => false, 2), m.now];
    });
    expect(r).toEqual([0, 12 * MS]); // jiffy 3, not 5 + 8 ms
  });

  it('returns the jiffies left when the condition comes true', async () => {
    const m = await boot();
    const { wait, delay, wq } = setup(m);
    let flag = false;
    m.spawn(1, 'waker', async () => {
      await delay.mdelay(13); // jiffy 3
      flag = true;
      wait.wake_up(wq);
    });
    const r = await m.exec(0, 'w', async () => [await wait.wait_event_timeout(wq, () => flag, 10), m.now]);
    expect(r).toEqual([7, 13 * MS]);
  });

  it('returns at least 1 when the condition comes true in the last jiffy', async () => {
    const m = await boot();
    const { wait, delay, wq } = setup(m);
    let flag = false;
    m.spawn(1, 'waker', async () => {
      await delay.udelay(39_990); // 10 µs before the 40 ms deadline
      flag = true;
      wait.wake_up(wq);
    });
    const r = await m.exec(0, 'w', async () => [await wait.wait_event_timeout(wq, () => flag, 10), m.now]);
    expect(r).toEqual([1, 39.99 * MS]);
  });

  it('returns 1, not 0, when the timeout fires with the condition true but nobody woke the queue', async () => {
    const m = await boot();
    const { wait, delay, wq } = setup(m);
    let flag = false;
    m.spawn(1, 'silent', async () => {
      await delay.mdelay(3);
      flag = true; // no wake_up()
    });
    const r = await m.exec(0, 'w', async () => [await wait.wait_event_timeout(wq, () => flag, 5), m.now]);
    expect(r).toEqual([1, 20 * MS]);
  });
});
