// Level-triggered interrupt lines driven by a device, with plain and threaded handlers.
import { describe, expect, it } from 'vitest';
import { DELAY } from '../../include/linux/delay.h.ts';
import { EBUSY } from '../../include/linux/errno.h.ts';
import { IRQ, IRQ_HANDLED, IRQ_NONE, IRQ_WAKE_THREAD, IRQF_ONESHOT, type irqreturn_t } from '../../include/linux/interrupt.h.ts';
import { IRQFLAGS, SCHED } from '../../include/linux/sched.h.ts';
import { boot_test_machine } from '../../tools/testing/boot.ts';

describe('interrupt lines', () => {
  it('run the handler on the line CPU in hardirq context until the device drops the line', async () => {
    const m = await boot_test_machine();
    const irq = m.resolve(IRQ);
    const flags = m.resolve(IRQFLAGS);
    const sched = m.resolve(SCHED);
    let pending = 3; // the device keeps the line high for three events
    const seen: string[] = [];
    await m.exec(0, 'probe', async () => {
      expect(irq.irq_set_affinity(9, 1)).toBe(0);
      expect(
        irq.request_irq(9, () => {
          seen.push(`t=${m.now} cpu${sched.smp_processor_id()} hardirq=${sched.current?.kind === 'hardirq'} irqs_off=${flags.irqs_disabled()}`);
          if (--pending === 0) irq.irq_set_level(9, false);
          return IRQ_HANDLED;
        }, 0, 'dev', 'dev'),
      ).toBe(0);
      expect(irq.request_irq(9, () => IRQ_HANDLED, 0, 'other', 'other')).toBe(-EBUSY);
    });
    m.clock.at(5_000, () => irq.irq_set_level(9, true));
    await m.run();
    expect(seen).toEqual(Array(3).fill('t=5000 cpu1 hardirq=true irqs_off=true'));
  });

  it('wait while the CPU has interrupts off or the line is disabled', async () => {
    const m = await boot_test_machine();
    const irq = m.resolve(IRQ);
    const flags = m.resolve(IRQFLAGS);
    const d = m.resolve(DELAY);
    const order: string[] = [];
    await m.exec(0, 'driver', async () => {
      irq.request_irq(
        4,
        () => {
          order.push('handler');
          irq.irq_set_level(4, false);
          return IRQ_HANDLED;
        },
        0,
        'dev',
        null,
      );
      flags.local_irq_disable();
      irq.irq_set_level(4, true);
      await d.udelay(10);
      order.push('irqs back on');
      flags.local_irq_enable();
      await d.udelay(1);
      irq.disable_irq_nosync(4);
      irq.irq_set_level(4, true);
      await d.udelay(10);
      order.push('line enabled');
      irq.enable_irq(4);
      await d.udelay(1);
    });
    expect(order).toEqual(['irqs back on', 'handler', 'line enabled', 'handler']);
  });

  it('run a threaded handler in a task, with a ONESHOT line masked until it is done', async () => {
    const m = await boot_test_machine();
    const irq = m.resolve(IRQ);
    const d = m.resolve(DELAY);
    const sched = m.resolve(SCHED);
    const seen: string[] = [];
    await m.exec(0, 'probe', async () => {
      irq.request_threaded_irq(
        7,
        () => {
          seen.push('primary');
          return IRQ_WAKE_THREAD;
        },
        async (): Promise<irqreturn_t> => {
          seen.push(`thread kind=${sched.current?.kind}`);
          await d.msleep(1);
          irq.irq_set_level(7, false);
          return IRQ_HANDLED;
        },
        IRQF_ONESHOT,
        'sdhci',
        null,
      );
    });
    irq.irq_set_level(7, true);
    await m.run();
    expect(seen).toEqual(['primary', 'thread kind=task']);
    expect(m.reports).toEqual([]);
  });

  it('disable a stuck line nobody handles instead of storming forever', async () => {
    const m = await boot_test_machine();
    const irq = m.resolve(IRQ);
    let calls = 0;
    await m.exec(0, 'probe', async () => {
      irq.request_irq(
        11,
        () => {
          calls++;
          return IRQ_NONE;
        },
        0,
        'deaf',
        null,
      );
    });
    irq.irq_set_level(11, true);
    await m.run();
    expect(calls).toBe(100_000);
    expect(m.reports.at(-1)!.lines).toEqual(['irq 11: nobody cared (try booting with the "irqpoll" option)', 'Disabling IRQ #11']);
    expect(m.halted).toBeNull();
  });
});
