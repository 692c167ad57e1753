// panic() and oops in Linux's order, with the machine's state after each.
import { describe, expect, it } from 'vitest';
import { DELAY } from '../include/linux/delay.h.ts';
import { KMSG_DUMP, KMSG_DUMP_OOPS, KMSG_DUMP_PANIC } from '../include/linux/kmsg_dump.h.ts';
import { PANIC } from '../include/linux/panic.h.ts';
import { IRQFLAGS, SCHED } from '../include/linux/sched.h.ts';
import { SPINLOCK } from '../include/linux/spinlock.h.ts';
import { boot_test_machine } from '../tools/testing/boot.ts';
import { Cpus } from './sched/cpus.ts';

describe('panic', () => {
  it('runs with irqs off, stops the other CPUs, notifies, dumps, ends, then halts', async () => {
    const m = await boot_test_machine({ cpus: 3 });
    const panic = m.resolve(PANIC);
    const irq = m.resolve(IRQFLAGS);
    const sched = m.resolve(SCHED);
    const d = m.resolve(DELAY);
    const steps: string[] = [];
    let other_cpu_ticks = 0;
    m.spawn(2, 'busy', async () => {
      for (;;) {
        other_cpu_ticks++;
        await d.udelay(10);
      }
    });
    panic.register_panic_notifier({
      notifier_call: () => {
        steps.push(`notifier irqs_off=${irq.irqs_disabled()} cpu2_online=${sched.cpu_online(2)}`);
        return 0;
      },
    });
    m.resolve(KMSG_DUMP).kmsg_dump_register({
      max_reason: 0,
      dump: (_d, reason) => {
        steps.push(`dump reason=${reason} oops_in_progress=${panic.oops_in_progress} panic_cpu=${panic.panic_cpu}`);
      },
    });
    await m.exec(1, 'crasher', async () => {
      await d.udelay(100);
      await panic.panic('Attempted to kill init!');
    });
    const ticks_at_end = other_cpu_ticks;
    expect(steps).toEqual(['notifier irqs_off=true cpu2_online=false', `dump reason=${KMSG_DUMP_PANIC} oops_in_progress=1 panic_cpu=1`]);
    expect(m.halted).toBe('panic');
    expect(m.resolve(Cpus).cpus.map((c) => c.stopped)).toEqual([true, false, true]);
    const log = m.dmesg();
    expect(log).toMatch(/Kernel panic - not syncing: Attempted to kill init!\n/);
    expect(log).toMatch(/---\[ end Kernel panic - not syncing: Attempted to kill init! \]---\n$/);
    await m.run();
    expect(other_cpu_ticks).toBe(ticks_at_end);
  });

  it('with panic=-1 asks for a reboot instead of halting', async () => {
    const m = await boot_test_machine({ cmdline: 'panic=-1' });
    await m.exec(0, 'crasher', () => m.resolve(PANIC).panic('x'));
    expect(m.halted).toBe('reboot');
  });

  it('takes late interrupts after the end marker (panic loop with irqs on)', async () => {
    const m = await boot_test_machine();
    const cpus = m.resolve(Cpus);
    let late = 0;
    await m.exec(0, 'crasher', async () => {
      m.clock.after(50e6, () =>
        m.sched.raise(cpus.cpus[0]!, () => m.sched.push_frame(cpus.cpus[0]!, 'hardirq', 'late', async () => void late++)),
      );
      await m.resolve(PANIC).panic('x');
    });
    expect(late).toBe(1);
    expect(m.halted).toBe('panic');
  });
});

describe('oops', () => {
  it('dumps with KMSG_DUMP_OOPS, kills the task holding its locks, and lets the others run', async () => {
    const m = await boot_test_machine();
    const panic = m.resolve(PANIC);
    const sl = m.resolve(SPINLOCK);
    const d = m.resolve(DELAY);
    const reasons: number[] = [];
    m.resolve(KMSG_DUMP).kmsg_dump_register({ max_reason: 0, dump: (_d, r) => void reasons.push(r) });
    const lock = sl.spin_lock_init('kept');
    let after = false;
    let other = 0;
    m.spawn(1, 'other', async () => {
      for (let i = 0; i < 5; i++) {
        other++;
        await d.msleep(1);
      }
    });
    await m.exec(0, 'victim', async () => {
      await sl.spin_lock(lock);
      await panic.oops('NULL pointer dereference');
      after = true;
    });
    await m.run();
    expect(reasons).toEqual([KMSG_DUMP_OOPS]);
    expect(after).toBe(false);
    expect(lock.owner?.comm).toBe('victim');
    expect(other).toBe(5);
    expect(m.halted).toBeNull();
    expect(m.dmesg()).toMatch(/Oops: NULL pointer dereference \[#1\] SMP\n.*CPU: 0 PID: \d+ Comm: victim\n/);
  });

  it('becomes a panic with panic_on_oops=1', async () => {
    const m = await boot_test_machine({ cmdline: 'panic_on_oops=1' });
    const reasons: number[] = [];
    m.resolve(KMSG_DUMP).kmsg_dump_register({ max_reason: 0, dump: (_d, r) => void reasons.push(r) });
    await m.exec(0, 'victim', () => m.resolve(PANIC).oops('BUG'));
    expect(reasons).toEqual([KMSG_DUMP_OOPS, KMSG_DUMP_PANIC]);
    expect(m.dmesg()).toContain('Kernel panic - not syncing: Fatal exception');
  });
});
