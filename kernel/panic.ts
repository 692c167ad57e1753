// SPDX-License-Identifier: GPL-2.0
// panic() and the oops path (kernel/panic.c vpanic, arch/x86/kernel/dumpstack.c die).
// The order is Linux's: irqs off, report, smp_send_stop(), panic notifiers,
// kmsg_dump(KMSG_DUMP_PANIC), the end marker, irqs back on, then the panic loop, in which late
// interrupts and timers still run, for one second of virtual time before the machine halts.
import { inject, injectable } from 'tsyringe';
import { KCONFIG, type kconfig } from '../include/linux/kconfig.h.ts';
import { KMSG_DUMP_OOPS, KMSG_DUMP_PANIC } from '../include/linux/kmsg_dump.h.ts';
import type { notifier_block } from '../include/linux/notifier.h.ts';
import type { panic_api } from '../include/linux/panic.h.ts';
import { NSEC_PER_SEC } from '../include/linux/ktime.h.ts';
import { Bugs } from './bug.ts';
import { Cmdline } from './cmdline.ts';
import { NotifierChain } from './notifier.ts';
import { PanicState } from './panic_state.ts';
import { KmsgDump } from './printk/kmsg_dump.ts';
import { Printk } from './printk/printk.ts';
import { BUSY } from './sched/context.ts';
import { Scheduler, TaskExit } from './sched/core.ts';
import { Tracer } from './trace/trace.ts';
import { VirtualClock } from './time/clock.ts';

/** PANIC_TIMER_STEP: the panic loop's mdelay, in ms. */
const PANIC_TIMER_STEP = 100;
/** How long the halted machine keeps taking interrupts before the simulation stops. */
const PANIC_LINGER_NS = NSEC_PER_SEC;

@injectable()
export class Panic implements panic_api {
  private readonly notifiers = new NotifierChain('panic_notifier_list');
  private die_counter = 0;
  /** panic=N: reboot N seconds after a panic; negative reboots at once; 0 halts. */
  readonly panic_timeout: number;
  readonly panic_on_oops: boolean;

  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(PanicState) private readonly state: PanicState,
    @inject(Printk) private readonly printk: Printk,
    @inject(Bugs) private readonly bugs: Bugs,
    @inject(KmsgDump) private readonly kmsg: KmsgDump,
    @inject(VirtualClock) private readonly clock: VirtualClock,
    @inject(Cmdline) cmdline: Cmdline,
    @inject(Tracer) private readonly tracer: Tracer,
    @inject(KCONFIG) config: kconfig,
  ) {
    this.panic_timeout = Number(cmdline.get('panic') ?? config['PANIC_TIMEOUT'] ?? 0);
    this.panic_on_oops = ['1', 'y', 'Y'].includes(cmdline.get('panic_on_oops') ?? '0');
    this.kmsg.always_kmsg_dump = ['1', 'y', 'Y'].includes(cmdline.get('printk.always_kmsg_dump') ?? '0');
  }

  get oops_in_progress(): number {
    return this.state.oops_in_progress;
  }

  get panic_cpu(): number {
    return this.state.panic_cpu;
  }

  register_panic_notifier(nb: notifier_block): number {
    return this.notifiers.register(nb);
  }

  unregister_panic_notifier(nb: notifier_block): number {
    return this.notifiers.unregister(nb);
  }

  async panic(msg: string): Promise<never> {
    const me = this.sched.cur();
    this.sched.local_irq_disable();
    this.sched.preempt_disable();
    // Another CPU panics already (panic_smp_self_stop), or a nested panic: stay here.
    if (this.state.panic_cpu !== -1) return this.stay('panic_smp_self_stop');
    this.state.panic_cpu = me.cpu;
    this.tracer.panic(msg);
    this.state.oops_in_progress++;
    this.bugs.report('panic', [`Kernel panic - not syncing: ${msg}`, this.bugs.whoami()]);
    this.sched.stop_other_cpus();
    await this.notifiers.call_chain(0, msg);
    await this.kmsg.kmsg_dump(KMSG_DUMP_PANIC);
    if (this.panic_timeout !== 0) {
      if (this.panic_timeout > 0) {
        this.printk.pr_emerg(`Rebooting in ${this.panic_timeout} seconds..\n`);
        await this.linger(this.panic_timeout * NSEC_PER_SEC);
      }
      this.sched.halt('reboot');
      return this.stay('emergency_restart');
    }
    this.printk.pr_emerg(`---[ end Kernel panic - not syncing: ${msg} ]---\n`);
    this.printk.suppress = true;
    this.sched.local_irq_enable();
    await this.linger(PANIC_LINGER_NS);
    this.sched.halt('panic');
    return this.stay('panic');
  }

  async oops(msg: string): Promise<never> {
    const me = this.sched.cur();
    const flags = this.sched.local_irq_save();
    this.state.oops_in_progress++;
    this.bugs.report('oops', [`Oops: ${msg} [#${++this.die_counter}] SMP`, this.bugs.whoami()]);
    this.state.oops_in_progress--;
    this.sched.local_irq_restore(flags);
    await this.kmsg.kmsg_dump(KMSG_DUMP_OOPS);
    if (me.kind !== 'task') return this.panic('Fatal exception in interrupt');
    if (this.panic_on_oops) return this.panic('Fatal exception');
    // make_task_dead(): the task exits where it stands; whatever it held stays held.
    throw new TaskExit(`oops: ${msg}`);
  }

  /** The panic loop: mdelay(PANIC_TIMER_STEP) steps, interrupts taken between them. */
  private async linger(ns: number): Promise<void> {
    const end = this.clock.now + ns;
    while (this.clock.now < end) await this.sched.busy_wait(PANIC_TIMER_STEP * 1e6, 'panic');
  }

  private async stay(site: string): Promise<never> {
    for (;;) await this.sched.block(BUSY, site);
  }
}
