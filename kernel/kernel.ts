// SPDX-License-Identifier: GPL-2.0
// The simulated kernel's services, registered once per machine container. Each service is a
// singleton of that registration, so a device's child container shares its machine's kernel.
// Interface tokens from include/ resolve to the same instances as the classes.
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { register_service } from '../include/linux/di.h.ts';
import { BUG } from '../include/linux/bug.h.ts';
import { COMPLETION } from '../include/linux/completion.h.ts';
import { DELAY } from '../include/linux/delay.h.ts';
import { IRQ } from '../include/linux/interrupt.h.ts';
import { JIFFIES } from '../include/linux/jiffies.h.ts';
import { KMSG_DUMP } from '../include/linux/kmsg_dump.h.ts';
import { CLOCK } from '../include/linux/ktime.h.ts';
import { MODULES } from '../include/linux/module.h.ts';
import { MUTEX } from '../include/linux/mutex.h.ts';
import { PANIC } from '../include/linux/panic.h.ts';
import { PRINTK } from '../include/linux/printk.h.ts';
import { REBOOT } from '../include/linux/reboot.h.ts';
import { IRQFLAGS, SCHED } from '../include/linux/sched.h.ts';
import { SPINLOCK } from '../include/linux/spinlock.h.ts';
import { TRACE } from '../include/linux/trace.h.ts';
import { SUSPEND } from '../include/linux/suspend.h.ts';
import { TIMER } from '../include/linux/timer.h.ts';
import { TIMEKEEPING } from '../include/linux/timekeeping.h.ts';
import { WAIT } from '../include/linux/wait.h.ts';
import { WORKQUEUE } from '../include/linux/workqueue.h.ts';
import { Bugs } from './bug.ts';
import { Cmdline } from './cmdline.ts';
import { Irqs } from './irq/manage.ts';
import { Mutexes } from './locking/mutex.ts';
import { Spinlocks } from './locking/spinlock.ts';
import { Modules } from './module/main.ts';
import { Panic } from './panic.ts';
import { PanicState } from './panic_state.ts';
import { Suspend } from './power/suspend.ts';
import { KmsgDump } from './printk/kmsg_dump.ts';
import { Printk } from './printk/printk.ts';
import { Reboot } from './reboot.ts';
import { Completions } from './sched/completion.ts';
import { Scheduler } from './sched/core.ts';
import { Cpus } from './sched/cpus.ts';
import { WaitQueues } from './sched/wait.ts';
import { VirtualClock } from './time/clock.ts';
import { Delays } from './time/delay.ts';
import { Jiffies } from './time/jiffies.ts';
import { Timers } from './time/timer.ts';
import { Timekeeping } from './time/timekeeping.ts';
import { Tracer } from './trace/trace.ts';
import { Workqueues } from './workqueue.ts';

/** Each service class and the include/ tokens it answers for. */
const SERVICES: Array<[Parameters<typeof register_service>[1], InjectionToken<unknown>[]]> = [
  [VirtualClock, [CLOCK]],
  [Cpus, []],
  [PanicState, []],
  [Cmdline, []],
  [Printk, [PRINTK]],
  [Bugs, [BUG]],
  [Scheduler, [SCHED, IRQFLAGS]],
  [Jiffies, [JIFFIES]],
  [Timekeeping, [TIMEKEEPING]],
  [Tracer, [TRACE]],
  [Spinlocks, [SPINLOCK]],
  [Mutexes, [MUTEX]],
  [WaitQueues, [WAIT]],
  [Completions, [COMPLETION]],
  [Delays, [DELAY]],
  [Timers, [TIMER]],
  [Irqs, [IRQ]],
  [Workqueues, [WORKQUEUE]],
  [KmsgDump, [KMSG_DUMP]],
  [Panic, [PANIC]],
  [Reboot, [REBOOT]],
  [Suspend, [SUSPEND]],
  [Modules, [MODULES]],
];

export const register_kernel = (c: DependencyContainer): void => {
  for (const [cls, tokens] of SERVICES) register_service(c, cls, tokens);
};

/** Every token the kernel provides, for the wiring test. */
export const KERNEL_TOKENS: InjectionToken<unknown>[] = SERVICES.flatMap(([cls, tokens]) => [cls, ...tokens]);
