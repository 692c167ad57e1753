// Spinlocks under panic: a CPU frozen by smp_send_stop() keeps the lock it held, and the
// panicking CPU spinning on it is reported as a lockup instead of hanging the test.
import { describe, expect, it } from 'vitest';
import { DELAY, type delay_api } from '../../include/linux/delay.h.ts';
import { PANIC } from '../../include/linux/panic.h.ts';
import { SPINLOCK, type spinlock_api, type spinlock_t } from '../../include/linux/spinlock.h.ts';
import { KMSG_DUMP } from '../../include/linux/kmsg_dump.h.ts';
import { boot_test_machine } from '../../tools/testing/boot.ts';
import { Cpus } from '../sched/cpus.ts';

/** A driver path that takes the lock and works under it. */
async function holder_irq_handler(sl: spinlock_api, lock: spinlock_t, d: delay_api): Promise<void> {
  await sl.spin_lock(lock);
  for (;;) await d.udelay(100);
}

describe('spinlock held by a CPU that panic stops', () => {
  it('freezes the owner holding it and reports the panicking CPU as a lockup with both sites', async () => {
    const m = await boot_test_machine({ cpus: 2, config: { DEBUG_SPINLOCK: 'y' } });
    const sl = m.resolve(SPINLOCK);
    const d = m.resolve(DELAY);
    const panic = m.resolve(PANIC);
    const kmsg = m.resolve(KMSG_DUMP);
    const lock = sl.spin_lock_init('host->lock');
    // The dumper stands in for a panic-path driver that takes the host lock.
    kmsg.kmsg_dump_register({
      max_reason: 0,
      dump: async () => {
        await sl.spin_lock(lock);
        sl.spin_unlock(lock);
      },
    });
    m.spawn(1, 'kworker/1:1', () => holder_irq_handler(sl, lock, d));
    const start = m.now;
    await m.exec(0, 'crasher', async () => {
      await d.udelay(50); // CPU1 takes the lock meanwhile
      await panic.panic('test');
    });
    const cpus = m.resolve(Cpus);
    expect(cpus.cpus[1]!.stopped).toBe(true);
    expect(lock.owner?.comm).toBe('kworker/1:1');
    expect(lock.owner?.cpu).toBe(1);
    const r = m.reports.find((x) => x.kind === 'spinlock_lockup')!;
    expect(r).toBeDefined();
    expect(r.cpu).toBe(0);
    expect(r.lines[0]).toMatch(/^BUG: spinlock lockup suspected on CPU#0, crasher\/\d+$/);
    expect(r.lines[1]).toMatch(/lock: host->lock, .*\.owner: kworker\/1:1\/\d+, \.owner_cpu: 1 \(stopped\)/);
    expect(r.lines[2]).toMatch(/owner took it at: holder_irq_handler \(kernel\/locking\/spinlock\.test\.ts:\d+\)/);
    expect(r.lines[3]).toMatch(/waiter spins at: dump \(kernel\/locking\/spinlock\.test\.ts:\d+\)/);
    // Reported within bounded virtual time, and the machine went idle instead of hanging.
    expect(r.time - start).toBeLessThanOrEqual(1.1e9);
    expect(m.sched.blocked_tasks().some((t) => t.comm === 'crasher')).toBe(true);
  });

  it('names the owner without CONFIG_DEBUG_SPINLOCK, but not where it took the lock', async () => {
    const m = await boot_test_machine({ cpus: 2 });
    const sl = m.resolve(SPINLOCK);
    const d = m.resolve(DELAY);
    const lock = sl.spin_lock_init('host->lock');
    m.spawn(1, 'kworker/1:1', () => holder_irq_handler(sl, lock, d));
    await m.exec(0, 'waiter', async () => {
      await d.udelay(50);
      await sl.spin_lock(lock);
    }, m.now + 2e9);
    const r = m.reports.find((x) => x.kind === 'spinlock_lockup')!;
    expect(r.lines[1]).toMatch(/\.owner: kworker\/1:1\/\d+, \.owner_cpu: 1$/);
    expect(r.lines[2]).toBe(' owner took it at: (unknown: CONFIG_DEBUG_SPINLOCK is off)');
    expect(r.lines[3]).toMatch(/waiter spins at: <anonymous> \(kernel\/locking\/spinlock\.test\.ts:\d+\)/);
  });

  it('reports a recursive lock by the same context', async () => {
    const m = await boot_test_machine();
    const sl = m.resolve(SPINLOCK);
    const lock = sl.spin_lock_init('twice');
    await m.exec(0, 'twice', async () => {
      await sl.spin_lock(lock);
      await sl.spin_lock(lock);
    });
    const r = m.reports.find((x) => x.kind === 'spinlock_recursion')!;
    expect(r.lines[0]).toMatch(/^BUG: spinlock recursion on CPU#0, twice\/\d+$/);
  });

  it('lets the waiter through once the owner unlocks', async () => {
    const m = await boot_test_machine();
    const sl = m.resolve(SPINLOCK);
    const d = m.resolve(DELAY);
    const lock = sl.spin_lock_init('brief');
    const order: string[] = [];
    m.spawn(1, 'owner', async () => {
      await sl.spin_lock(lock);
      order.push('owner in');
      await d.udelay(200);
      order.push('owner out');
      sl.spin_unlock(lock);
    });
    await m.exec(0, 'waiter', async () => {
      await d.udelay(10);
      await sl.spin_lock(lock);
      order.push('waiter in');
      sl.spin_unlock(lock);
    });
    expect(order).toEqual(['owner in', 'owner out', 'waiter in']);
    expect(m.reports).toHaveLength(0);
  });
});
