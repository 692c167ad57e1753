// Delays and sleeps: busy waits take virtual time on their CPU; sleeping where Linux forbids it
// is reported as "BUG: sleeping function called from invalid context".
import { describe, expect, it } from 'vitest';
import { DELAY } from '../../include/linux/delay.h.ts';
import { KMSG_DUMP } from '../../include/linux/kmsg_dump.h.ts';
import { MUTEX } from '../../include/linux/mutex.h.ts';
import { PANIC } from '../../include/linux/panic.h.ts';
import { IRQFLAGS } from '../../include/linux/sched.h.ts';
import { SPINLOCK } from '../../include/linux/spinlock.h.ts';
import { boot_test_machine } from '../../tools/testing/boot.ts';

describe('delays', () => {
  it('udelay and mdelay take exactly their virtual time; msleep rounds up to ticks plus one', async () => {
    const m = await boot_test_machine(); // HZ=250: 4 ms ticks
    const d = m.resolve(DELAY);
    const t: number[] = [];
    await m.exec(0, 't', async () => {
      t.push(m.now);
      await d.udelay(7);
      t.push(m.now);
      await d.mdelay(2);
      t.push(m.now);
      await d.msleep(1);
      t.push(m.now);
      await d.usleep_range(100, 200);
      t.push(m.now);
    });
    expect(t[1]! - t[0]!).toBe(7_000);
    expect(t[2]! - t[1]!).toBe(2_000_000);
    // From 2.007 ms (tick 0): msecs_to_jiffies(1) + 1 = 2 ticks → wakes at tick 2 = 8 ms.
    expect(t[3]).toBe(8_000_000);
    expect(t[4]! - t[3]!).toBe(200_000);
    expect(m.reports).toHaveLength(0);
  });
});

describe('sleeping in invalid context', () => {
  it('is reported for msleep with interrupts disabled', async () => {
    const m = await boot_test_machine();
    const d = m.resolve(DELAY);
    const irq = m.resolve(IRQFLAGS);
    await m.exec(1, 'bad_sleeper', async () => {
      irq.local_irq_disable();
      await d.msleep(5);
      irq.local_irq_enable();
    });
    const r = m.reports.filter((x) => x.kind === 'sleep_in_atomic');
    expect(r).toHaveLength(1);
    expect(r[0]!.lines[0]).toMatch(/^BUG: sleeping function called from invalid context at <anonymous> \(kernel\/time\/delay\.test\.ts:\d+\)$/);
    expect(r[0]!.lines[1]).toMatch(/^in_atomic\(\): 0, irqs_disabled\(\): 1, non_block: 0, pid: \d+, name: bad_sleeper$/);
    expect(m.dmesg()).toContain('BUG: sleeping function called from invalid context');
  });

  it('is reported for a mutex taken under a spinlock', async () => {
    const m = await boot_test_machine();
    const sl = m.resolve(SPINLOCK);
    const mx = m.resolve(MUTEX);
    const lock = sl.spin_lock_init('outer');
    const mutex = mx.mutex_init('inner');
    await m.exec(0, 'nester', async () => {
      await sl.spin_lock(lock);
      await mx.mutex_lock(mutex);
      mx.mutex_unlock(mutex);
      sl.spin_unlock(lock);
    });
    const r = m.reports.find((x) => x.kind === 'sleep_in_atomic')!;
    expect(r.lines[1]).toMatch(/^in_atomic\(\): 1, irqs_disabled\(\): 0,/);
    expect(r.lines[2]).toBe('preempt_count: 1, expected: 0');
  });

  it('is reported for msleep inside panic, and udelay there is fine', async () => {
    const m = await boot_test_machine();
    const d = m.resolve(DELAY);
    const kmsg = m.resolve(KMSG_DUMP);
    const panic = m.resolve(PANIC);
    const seen: string[] = [];
    kmsg.kmsg_dump_register({
      max_reason: 0,
      dump: async () => {
        await d.udelay(100);
        seen.push('udelay ok');
        await d.msleep(10);
        seen.push('after msleep');
      },
    });
    await m.exec(1, 'crasher', () => panic.panic('sleep test'));
    expect(seen).toEqual(['udelay ok', 'after msleep']);
    const r = m.reports.filter((x) => x.kind === 'sleep_in_atomic');
    expect(r).toHaveLength(1);
    expect(r[0]!.lines[1]).toMatch(/irqs_disabled\(\): 1/);
    expect(m.halted).toBe('panic');
  });
});
