// The scheduler: reproducible interleavings, interrupt delivery at yield points, and the
// detectors that stop a run instead of hanging the process.
import { describe, expect, it } from 'vitest';
import { COMPLETION } from '../../include/linux/completion.h.ts';
import { DELAY } from '../../include/linux/delay.h.ts';
import { PRINTK } from '../../include/linux/printk.h.ts';
import { IRQFLAGS, SCHED } from '../../include/linux/sched.h.ts';
import { SPINLOCK } from '../../include/linux/spinlock.h.ts';
import { MUTEX } from '../../include/linux/mutex.h.ts';
import { boot_test_machine } from '../../tools/testing/boot.ts';
import type { sched_trace } from './core.ts';
import { Cpus } from './cpus.ts';

/** Three CPUs contending for a lock, logging, busy-waiting and sleeping; returns its trace. */
const workload = async (seed: number): Promise<string> => {
  const m = await boot_test_machine({ cpus: 3, seed });
  const trace: sched_trace[] = [];
  m.sched.tracer = (e) => trace.push(e);
  const sl = m.resolve(SPINLOCK);
  const pk = m.resolve(PRINTK);
  const d = m.resolve(DELAY);
  const lock = sl.spin_lock_init('shared');
  let counter = 0;
  for (const cpu of [0, 1, 2]) {
    m.spawn(cpu, `worker/${cpu}`, async () => {
      for (let i = 0; i < 6; i++) {
        await sl.spin_lock(lock);
        const seen = counter;
        await d.udelay(1 + cpu);
        counter = seen + 1;
        pk.pr_info(`cpu${cpu} step ${i} counter ${counter}\n`);
        sl.spin_unlock(lock);
        if (i % 2) await d.msleep(1);
      }
    });
  }
  await m.run();
  expect(counter).toBe(18); // the lock kept every read-modify-write whole
  return JSON.stringify(trace) + m.dmesg();
};

describe('scheduler determinism', () => {
  it('gives the same trace for the same seed', async () => {
    const a = await workload(42);
    const b = await workload(42);
    expect(a).toBe(b);
    expect(a).toContain('"what":"run"');
  });

  it('gives different interleavings for different seeds', async () => {
    const traces = new Set<string>();
    for (let seed = 1; seed <= 6; seed++) traces.add(await workload(seed));
    expect(traces.size).toBeGreaterThan(1);
  });
});

describe('interrupts', () => {
  it('are held while disabled and delivered at the next yield point after enabling', async () => {
    const m = await boot_test_machine();
    const irq = m.resolve(IRQFLAGS);
    const sched = m.resolve(SCHED);
    const cpus = m.resolve(Cpus);
    const log: string[] = [];
    await m.exec(1, 'victim', async () => {
      irq.local_irq_disable();
      m.sched.raise(cpus.cpus[1]!, () =>
        m.sched.push_frame(cpus.cpus[1]!, 'hardirq', 'irq/42', async () => {
          log.push(`handler cpu${sched.smp_processor_id()} in_interrupt=${irq.in_interrupt()} irqs_off=${irq.irqs_disabled()}`);
        }),
      );
      await sched.yield_point();
      log.push('still masked');
      irq.local_irq_enable();
      log.push('enabled');
      await sched.yield_point();
      log.push(`back irqs_off=${irq.irqs_disabled()}`);
    });
    expect(log).toEqual(['still masked', 'enabled', 'handler cpu1 in_interrupt=true irqs_off=true', 'back irqs_off=false']);
  });
});

describe('interrupts re-disabled before the next yield point', () => {
  it('stay pending: no handler runs under a context that has interrupts off', async () => {
    const m = await boot_test_machine();
    const irq = m.resolve(IRQFLAGS);
    const sched = m.resolve(SCHED);
    const cpus = m.resolve(Cpus);
    const log: string[] = [];
    await m.exec(0, 'flip', async () => {
      irq.local_irq_disable();
      m.sched.raise(cpus.cpus[0]!, () =>
        m.sched.push_frame(cpus.cpus[0]!, 'hardirq', 'irq/1', async () => void log.push('handler')),
      );
      irq.local_irq_enable();
      irq.local_irq_disable(); // before any yield point
      await sched.yield_point();
      log.push(`masked irqs_off=${irq.irqs_disabled()}`);
      irq.local_irq_enable();
      await sched.yield_point();
      log.push(`after irqs_off=${irq.irqs_disabled()}`);
    });
    expect(log).toEqual(['masked irqs_off=true', 'handler', 'after irqs_off=false']);
  });
});

describe('detectors', () => {
  it('reports a livelock and halts when code yields without time passing', async () => {
    const m = await boot_test_machine();
    const sched = m.resolve(SCHED);
    await m.exec(0, 'spinner', async () => {
      for (;;) await sched.yield_point();
    });
    expect(m.halted).toBe('livelock');
    expect(m.reports.at(-1)!.kind).toBe('livelock');
  });

  it('reports a hard lockup for a polled loop with interrupts off and halts within watchdog time', async () => {
    const m = await boot_test_machine();
    const irq = m.resolve(IRQFLAGS);
    const d = m.resolve(DELAY);
    const start = m.now;
    await m.exec(1, 'poller', async () => {
      irq.local_irq_disable();
      for (;;) await d.udelay(500);
    });
    expect(m.halted).toBe('hard LOCKUP');
    const r = m.reports.find((x) => x.kind === 'hard_lockup')!;
    expect(r.lines[0]).toBe('Watchdog detected hard LOCKUP on cpu 1');
    expect(m.now - start).toBeGreaterThanOrEqual(10e9);
    expect(m.now - start).toBeLessThanOrEqual(14e9);
  });

  it('reports a task blocked for good as hung after 120 s', async () => {
    const m = await boot_test_machine();
    const mx = m.resolve(MUTEX);
    const d = m.resolve(DELAY);
    const lock = mx.mutex_init('lost');
    m.spawn(0, 'holder', async () => {
      await mx.mutex_lock(lock); // and exits without unlocking
    });
    m.spawn(1, 'waiter', async () => {
      await d.msleep(10);
      await mx.mutex_lock(lock);
    });
    m.spawn(0, 'ticker', async () => {
      for (let i = 0; i < 40; i++) await d.msleep(5000);
    });
    await m.run();
    const hung = m.reports.filter((x) => x.kind === 'hung_task');
    expect(hung).toHaveLength(1);
    expect(hung[0]!.lines[0]).toMatch(/^INFO: task waiter:\d+ blocked for more than 120 seconds\.$/);
    expect(hung[0]!.lines[1]).toContain('mutex_lock(lost)');
    expect(m.sched.blocked_tasks().map((t) => t.comm)).toEqual(['waiter']);
  });
});

describe('run-ahead of device events (VirtualClock.quietUntil)', () => {
  it('reaches the next event while no CPU can run, and stops at now once an event wakes one', async () => {
    const m = await boot_test_machine();
    const comp = m.resolve(COMPLETION);
    const done = comp.init_completion();
    const seen: Array<[number, number]> = [];
    const t0 = m.clock.now;
    m.spawn(0, 'waiter', () => comp.wait_for_completion(done));
    m.clock.at(t0 + 1_000, () => seen.push([m.clock.now, m.clock.quietUntil()]));
    m.clock.at(t0 + 2_000, () => {
      comp.complete(done); // the waiter can run now
      seen.push([m.clock.now, m.clock.quietUntil()]);
    });
    m.clock.at(t0 + 3_000, () => {});
    await m.run();
    expect(seen).toEqual([
      [t0 + 1_000, t0 + 2_000],
      [t0 + 2_000, t0 + 2_000],
    ]);
  });
});
