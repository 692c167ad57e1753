// SPDX-License-Identifier: GPL-2.0
// Bug reports: printed through printk like Linux's, and recorded for scenarios (lib/bug.c,
// kernel/panic.c __warn). Every detector in kernel/ reports through here.
import { inject, injectable } from 'tsyringe';
import type { bug_api, bug_kind, bug_report } from '../include/linux/bug.h.ts';
import { KERN_EMERG, KERN_ERR, KERN_WARNING } from '../include/linux/printk.h.ts';
import type { task_struct } from '../include/linux/sched.h.ts';
import { Cpus } from './sched/cpus.ts';
import { Printk } from './printk/printk.ts';
import { VirtualClock } from './time/clock.ts';
import { caller_site } from './sched/site.ts';

/** A BUG() unwinding kernel code: the context that hit it dies (do_exit in make_task_dead). */
export class KernelBug extends Error {}

@injectable()
export class Bugs implements bug_api {
  readonly reports: bug_report[] = [];

  constructor(
    @inject(Printk) private readonly printk: Printk,
    @inject(Cpus) private readonly cpus: Cpus,
    @inject(VirtualClock) private readonly clock: VirtualClock,
  ) {}

  /** Print @lines at the level Linux uses for @kind and record them, on behalf of @who. */
  report(kind: bug_kind, lines: readonly string[], who: task_struct | null = this.cpus.current): bug_report {
    const level = kind === 'warn' ? KERN_WARNING : kind === 'panic' || kind === 'oops' ? KERN_EMERG : KERN_ERR;
    for (const l of lines) this.printk.printk(level + l + '\n');
    const r: bug_report = {
      kind,
      time: this.clock.now,
      cpu: who?.cpu ?? 0,
      pid: who?.pid ?? 0,
      comm: who?.comm ?? 'swapper',
      lines,
    };
    this.reports.push(r);
    return r;
  }

  /** "CPU: 1 PID: 7 Comm: kworker/1:0", the line that follows every report in Linux. */
  whoami(): string {
    const c = this.cpus.current;
    return c ? `CPU: ${c.cpu} PID: ${c.pid} Comm: ${c.comm}` : 'CPU: 0 PID: 0 Comm: swapper';
  }

  WARN_ON(cond: boolean, what = ''): boolean {
    if (!cond) return false;
    const c = this.cpus.current;
    this.report('warn', [
      `WARNING: CPU: ${c?.cpu ?? 0} PID: ${c?.pid ?? 0} at ${caller_site(1)}${what ? ': ' + what : ''}`,
    ]);
    return true;
  }

  BUG_ON(cond: boolean, what = ''): void {
    if (!cond) return;
    const site = caller_site(1);
    this.report('bug', [`kernel BUG at ${site}!${what ? ' ' + what : ''}`, this.whoami()]);
    throw new KernelBug(`kernel BUG at ${site}${what ? ': ' + what : ''}`);
  }
}
