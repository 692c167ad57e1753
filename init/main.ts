// SPDX-License-Identifier: GPL-2.0
// start_kernel() and kernel_init() (init/main.c): the banner, the command line, secondary CPUs,
// then every builtin initcall in level order. Runs as pid 1 on CPU 0.
import type { DependencyContainer } from 'tsyringe';
import type { board } from './board.ts';
import { attach_board_devices } from './glue/index.ts';
import type { board_storage } from './storage.ts';
import { PRINTK, type printk_api } from '../include/linux/printk.h.ts';
import { SCHED, type sched_api } from '../include/linux/sched.h.ts';
import { Cmdline } from '../kernel/cmdline.ts';
import { Modules } from '../kernel/module/main.ts';

export const UTS_RELEASE = '6.1.0-mmcpstore-ts';
export const linux_banner = `Linux version ${UTS_RELEASE} (mmcpstore-ts) #1 SMP PREEMPT`;

export const start_kernel = async (c: DependencyContainer, b: board, storage: board_storage): Promise<void> => {
  const printk = c.resolve<printk_api>(PRINTK);
  const sched = c.resolve<sched_api>(SCHED);
  printk.pr_info('Booting Linux on physical CPU 0x0\n');
  printk.pr_notice(linux_banner + '\n');
  printk.pr_notice(`Kernel command line: ${c.resolve(Cmdline).line}\n`);
  printk.pr_info('smp: Bringing up secondary CPUs ...\n');
  for (let cpu = 1; cpu < sched.nr_cpu_ids; cpu++) printk.pr_info(`CPU${cpu}: Booted secondary processor 0x${cpu.toString(16)}\n`);
  printk.pr_info(`smp: Brought up 1 node, ${sched.nr_cpu_ids} CPU${sched.nr_cpu_ids > 1 ? 's' : ''}\n`);
  await attach_board_devices(c, b.devices, storage);
  await c.resolve(Modules).do_initcalls();
  printk.pr_info('Run /init as init process\n');
};
