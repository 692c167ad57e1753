// Workqueues: work runs on kworker tasks of the queueing CPU (process context, may sleep),
// pending work is not queued twice, delayed work waits its jiffies, cancel and flush, and a
// sleeping work item does not stall the next one on the same CPU.
import { describe, expect, it } from 'vitest';
import { BUG } from '../include/linux/bug.h.ts';
import { DELAY } from '../include/linux/delay.h.ts';
import { JIFFIES } from '../include/linux/jiffies.h.ts';
import { IRQFLAGS, SCHED } from '../include/linux/sched.h.ts';
import { WORKQUEUE } from '../include/linux/workqueue.h.ts';
import { Machine } from '../init/machine.ts';
import { default_config } from '../scripts/kconfig/index.ts';

const MS = 1_000_000;

const boot = (): Promise<Machine> =>
  Machine.boot({ config: default_config(), board: { name: 't', cpus: 2, cmdline: '', devices: [] }, seed: 1 });

const setup = (m: Machine) => ({
  wq: m.resolve(WORKQUEUE),
  sched: m.resolve(SCHED),
  irq: m.resolve(IRQFLAGS),
  delay: m.resolve(DELAY),
  jiffies: m.resolve(JIFFIES),
});

describe('work items', () => {
  it('run in process context on a kworker of the queueing CPU, and may sleep', async () => {
    const m = await boot();
    const { wq, sched, irq, delay } = setup(m);
    const seen: unknown[] = [];
    const w = wq.INIT_WORK(async () => {
      seen.push([sched.current?.kind, sched.current?.comm, sched.smp_processor_id(), irq.in_interrupt(), irq.in_atomic(), m.now]);
      await delay.msleep(10); // jiffy 0 + 3 + 1: wakes at 16 ms
      seen.push(['woke', m.now]);
    });
    const ret = await m.exec(1, 'queuer', async () => wq.queue_work(wq.system_wq, w));
    expect(ret).toBe(true);
    await m.run();
    expect(seen).toEqual([
      ['task', 'kworker/1:0', 1, false, false, 0],
      ['woke', 16 * MS],
    ]);
    expect(m.reports).toEqual([]);
  });

  it('queue_work returns false while the item is pending, and the item runs once', async () => {
    const m = await boot();
    const { wq } = setup(m);
    let runs = 0;
    const w = wq.INIT_WORK(() => void runs++);
    const rets = await m.exec(0, 'queuer', async () => [
      wq.queue_work(wq.system_wq, w),
      wq.work_pending(w),
      wq.queue_work(wq.system_wq, w),
      wq.schedule_work(w),
    ]);
    expect(rets).toEqual([true, true, false, false]);
    await m.run();
    expect(runs).toBe(1);
    expect(wq.work_pending(w)).toBe(false);
    // Once it ran it can be queued again.
    expect(await m.exec(0, 'again', async () => wq.schedule_work(w))).toBe(true);
    await m.run();
    expect(runs).toBe(2);
  });

  it('may be queued again while it runs, and then runs a second time', async () => {
    const m = await boot();
    const { wq, delay } = setup(m);
    const at: number[] = [];
    const w = wq.INIT_WORK(async () => {
      at.push(m.now);
      await delay.mdelay(1);
    });
    await m.exec(0, 'queuer', async () => {
      wq.schedule_work(w);
      await delay.usleep_range(400, 500); // sleep: the item is running now, no longer pending
      expect(wq.work_pending(w)).toBe(false);
      expect(wq.schedule_work(w)).toBe(true);
    });
    await m.run();
    expect(at).toEqual([0, 1 * MS]); // the second run starts when the first has finished
  });
  it('never runs concurrently with itself: queued again while it sleeps, it runs after, on the same kworker', async () => {
    const m = await boot();
    const { wq, sched, delay } = setup(m);
    const log: Array<[string, number, string | undefined]> = [];
    let n = 0;
    const w = wq.INIT_WORK(async () => {
      const i = n++;
      log.push([`start${i}`, m.now, sched.current?.comm]);
      await delay.msleep(10);
      log.push([`end${i}`, m.now, sched.current?.comm]);
    });
    const ret = await m.exec(1, 'queuer', async () => {
      wq.schedule_work(w);
      await delay.msleep(1); // 8 ms: the first run sleeps until 16 ms
      return wq.schedule_work(w);
    });
    expect(ret).toBe(true);
    await m.run();
    expect(log).toEqual([
      ['start0', 0, 'kworker/1:0'],
      ['end0', 16 * MS, 'kworker/1:0'],
      ['start1', 16 * MS, 'kworker/1:0'],
      ['end1', 32 * MS, 'kworker/1:0'],
    ]);
  });

  it('a deferred re-queue can still be cancelled', async () => {
    const m = await boot();
    const { wq, delay } = setup(m);
    let runs = 0;
    const w = wq.INIT_WORK(async () => {
      runs++;
      await delay.msleep(100); // until 104 ms
    });
    const ret = await m.exec(0, 'queuer', async () => {
      wq.schedule_work(w);
      await delay.msleep(1);
      wq.schedule_work(w);
      await delay.msleep(1); // a second kworker has found it running and handed it over
      const pending = wq.work_pending(w);
      const cancelled = await wq.cancel_work_sync(w); // and waits for the running instance
      return [pending, cancelled, wq.work_pending(w), m.now];
    });
    expect(ret).toEqual([true, true, false, 104 * MS]);
    await m.run();
    expect(runs).toBe(1);
  });
});

describe('delayed work', () => {
  it('runs after the delay in jiffies (5 jiffies = 20 ms at HZ=250), in process context', async () => {
    const m = await boot();
    const { wq, sched } = setup(m);
    const seen: unknown[] = [];
    const dw = wq.INIT_DELAYED_WORK(() => void seen.push([m.now, sched.current?.kind, sched.smp_processor_id()]));
    const ret = await m.exec(1, 'queuer', async () => [wq.queue_delayed_work(wq.system_wq, dw, 5), wq.delayed_work_pending(dw)]);
    expect(ret).toEqual([true, true]);
    await m.run();
    expect(seen).toEqual([[20 * MS, 'task', 1]]);
    expect(wq.delayed_work_pending(dw)).toBe(false);
  });

  it('counts the delay from the current jiffy, and refuses a second queueing while pending', async () => {
    const m = await boot();
    const { wq, delay, jiffies } = setup(m);
    const at: number[] = [];
    const dw = wq.INIT_DELAYED_WORK(() => void at.push(m.now));
    const rets = await m.exec(0, 'queuer', async () => {
      await delay.mdelay(6); // jiffy 1
      const a = wq.schedule_delayed_work(dw, 2); // jiffy 3 = 12 ms
      const b = wq.queue_delayed_work(wq.system_wq, dw, 1);
      return [jiffies.jiffies, a, b];
    });
    expect(rets).toEqual([1, true, false]);
    await m.run();
    expect(at).toEqual([12 * MS]);
  });

  it('with a delay of 0 is queued at once', async () => {
    const m = await boot();
    const { wq } = setup(m);
    const at: number[] = [];
    const dw = wq.INIT_DELAYED_WORK(() => void at.push(m.now));
    await m.exec(0, 'queuer', async () => void wq.schedule_delayed_work(dw, 0));
    await m.run();
    expect(at).toEqual([0]);
  });

  it('cancel_delayed_work prevents it and returns true; false when nothing was pending', async () => {
    const m = await boot();
    const { wq, delay } = setup(m);
    let runs = 0;
    const dw = wq.INIT_DELAYED_WORK(() => void runs++);
    const rets = await m.exec(0, 'queuer', async () => {
      wq.schedule_delayed_work(dw, 5);
      await delay.mdelay(10); // halfway
      return [wq.cancel_delayed_work(dw), wq.delayed_work_pending(dw), wq.cancel_delayed_work(dw)];
    });
    expect(rets).toEqual([true, false, false]);
    await m.run(1000 * MS);
    expect(runs).toBe(0);
  });

  it('mod_delayed_work moves the timer of a pending item', async () => {
    const m = await boot();
    const { wq } = setup(m);
    const at: number[] = [];
    const dw = wq.INIT_DELAYED_WORK(() => void at.push(m.now));
    const rets = await m.exec(0, 'queuer', async () => [
      wq.mod_delayed_work(wq.system_wq, dw, 10),
      wq.mod_delayed_work(wq.system_wq, dw, 2),
    ]);
    expect(rets).toEqual([false, true]);
    await m.run();
    expect(at).toEqual([8 * MS]);
  });
});

describe('flush_work', () => {
  it('waits until a sleeping item has finished, and returns true', async () => {
    const m = await boot();
    const { wq, delay } = setup(m);
    const log: Array<[string, number]> = [];
    const w = wq.INIT_WORK(async () => {
      log.push(['work-start', m.now]);
      await delay.msleep(10);
      log.push(['work-end', m.now]);
    });
    const ret = await m.exec(1, 'flusher', async () => {
      wq.schedule_work(w);
      const busy = await wq.flush_work(w);
      log.push(['flushed', m.now]);
      return busy;
    });
    expect(ret).toBe(true);
    expect(log).toEqual([
      ['work-start', 0],
      ['work-end', 16 * MS],
      ['flushed', 16 * MS],
    ]);
  });

  it('returns false at once for an idle item', async () => {
    const m = await boot();
    const { wq } = setup(m);
    const w = wq.INIT_WORK(() => {});
    expect(await m.exec(0, 'flusher', async () => [await wq.flush_work(w), m.now])).toEqual([false, 0]);
  });

  it('cancel_work_sync removes a queued item before it runs', async () => {
    const m = await boot();
    const { wq } = setup(m);
    let runs = 0;
    const w = wq.INIT_WORK(() => void runs++);
    const ret = await m.exec(0, 'canceller', async () => {
      wq.schedule_work(w);
      return wq.cancel_work_sync(w);
    });
    expect(ret).toBe(true);
    await m.run();
    expect(runs).toBe(0);
  });
});

describe('concurrency', () => {
  it('a sleeping item does not stall a second item queued right after it on the same CPU', async () => {
    const m = await boot();
    const { wq, sched, delay } = setup(m);
    const log: Array<[string, number, string | undefined]> = [];
    const a = wq.INIT_WORK(async () => {
      log.push(['a-start', m.now, sched.current?.comm]);
      await delay.msleep(100);
      log.push(['a-end', m.now, sched.current?.comm]);
    });
    const b = wq.INIT_WORK(() => void log.push(['b', m.now, sched.current?.comm]));
    await m.exec(0, 'queuer', async () => {
      wq.schedule_work(a);
      wq.schedule_work(b); // no yield in between: both are queued before any worker runs
    });
    await m.run();
    expect(log).toEqual([
      ['a-start', 0, 'kworker/0:0'],
      ['b', 0, 'kworker/0:1'],
      ['a-end', 104 * MS, 'kworker/0:0'],
    ]);
  });

  it('a second item queued while the first sleeps gets a second kworker', async () => {
    const m = await boot();
    const { wq, sched, delay } = setup(m);
    const log: Array<[string, number, string | undefined]> = [];
    const a = wq.INIT_WORK(async () => {
      log.push(['a-start', m.now, sched.current?.comm]);
      await delay.msleep(100);
      log.push(['a-end', m.now, sched.current?.comm]);
    });
    const b = wq.INIT_WORK(() => void log.push(['b', m.now, sched.current?.comm]));
    await m.exec(0, 'queuer', async () => {
      wq.schedule_work(a);
      await delay.msleep(20); // a is asleep by now
      wq.schedule_work(b);
    });
    await m.run();
    expect(log).toEqual([
      ['a-start', 0, 'kworker/0:0'],
      ['b', 24 * MS, 'kworker/0:1'],
      ['a-end', 104 * MS, 'kworker/0:0'],
    ]);
  });

  it('reuses an idle kworker instead of starting a new one', async () => {
    const m = await boot();
    const { wq, sched, delay } = setup(m);
    const comms: Array<string | undefined> = [];
    const w = wq.INIT_WORK(() => void comms.push(sched.current?.comm));
    await m.exec(0, 'queuer', async () => {
      for (let i = 0; i < 3; i++) {
        wq.schedule_work(w);
        await delay.msleep(1);
      }
    });
    await m.run();
    expect(comms).toEqual(['kworker/0:0', 'kworker/0:0', 'kworker/0:0']);
  });

  it('a kworker killed by a BUG() in its item is replaced: later items still run', async () => {
    const m = await boot();
    const { wq, sched, delay } = setup(m);
    const bug = m.resolve(BUG);
    const ran: Array<string | undefined> = [];
    const bad = wq.INIT_WORK(() => bug.BUG_ON(true, 'test'));
    const good = wq.INIT_WORK(() => void ran.push(sched.current?.comm));
    await m.exec(0, 'queuer', async () => {
      wq.schedule_work(bad);
      await delay.msleep(1);
      wq.schedule_work(good);
    });
    await m.run();
    expect(m.reports.map((r) => [r.kind, r.comm])).toEqual([['bug', 'kworker/0:0']]);
    expect(ran).toEqual(['kworker/0:1']);
    expect(await m.exec(0, 'flusher', () => wq.flush_work(bad))).toBe(false);
  });
});
