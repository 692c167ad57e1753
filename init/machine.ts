// SPDX-License-Identifier: GPL-2.0
// A simulated machine: a board booted with a resolved config and a seed, in a container of its
// own. This is the only place that builds containers; modules register into this one in
// their module_init. A reboot is a new Machine on the same board with a derived seed.
import { container as root, type DependencyContainer, type InjectionToken } from 'tsyringe';
import type { bug_report } from '../include/linux/bug.h.ts';
import { BOOT_PARAMS, type boot_params } from '../include/linux/init.h.ts';
import { register_service } from '../include/linux/di.h.ts';
import { KCONFIG, type kconfig } from '../include/linux/kconfig.h.ts';
import { KBUILD, MACHINE_CONTAINER, MODULES, type kbuild_entry, type module, type module_api } from '../include/linux/module.h.ts';
import { SERIAL_LINKS, type serial_links } from '../include/linux/platform_data/mmc_serial.h.ts';
import type { task_struct } from '../include/linux/sched.h.ts';
import { DeviceCore } from '../drivers/base/core.ts';
import { driver_init } from '../drivers/base/base.ts';
import { blk_init } from '../block/block.ts';
import { Bugs } from '../kernel/bug.ts';
import { register_kernel } from '../kernel/kernel.ts';
import { Suspend } from '../kernel/power/suspend.ts';
import { Printk } from '../kernel/printk/printk.ts';
import { Reboot } from '../kernel/reboot.ts';
import { Scheduler } from '../kernel/sched/core.ts';
import { derive_seed } from '../kernel/sched/rng.ts';
import { VirtualClock } from '../kernel/time/clock.ts';
import type { board } from './board.ts';
import { KBUILD_TREE } from './kbuild.ts';
import { start_kernel } from './main.ts';
import { BoardCards } from './board_cards.ts';
import { CardJournal } from './card_journal.ts';
import { audit_panic_writes, type panic_write_audit } from './panic_audit.ts';
import type { board_storage } from './storage.ts';

export interface machine_options {
  /** A resolved configuration (scripts/kconfig). */
  readonly config: kconfig;
  readonly board: board;
  /** Seed of the scheduler's choices; default 1. */
  readonly seed?: number;
  /** Words appended to the board's command line. */
  readonly cmdline?: string;
  /** The modules the tree can build; default the tree's own. Tests pass their own. */
  readonly kbuild?: readonly kbuild_entry[];
  /** Backing stores of the board's cards (image files from a tool); default fresh memory. */
  readonly storage?: board_storage;
  /** Wall-clock time at power-on, seconds since the epoch; default 2026-01-01T00:00:00Z. */
  readonly rtc?: number;
  /** Opens the serial links the board names (a tool's transports); kept across reboots. */
  readonly links?: serial_links;
}

/** The default RTC reading at the first power-on. */
export const DEFAULT_RTC = 1_767_225_600;
/** Seconds between a machine halting and the next one's power-on, as the RTC sees it. */
const REBOOT_GAP_S = 2;

const options_rtc = (o: machine_options): number => o.rtc ?? DEFAULT_RTC;

export class Machine {
  readonly container: DependencyContainer;
  readonly sched: Scheduler;
  readonly clock: VirtualClock;
  readonly printk: Printk;
  private readonly bugs: Bugs;
  /** The board's backing stores; a reboot hands them to the next boot. */
  readonly storage: board_storage;

  private constructor(readonly options: machine_options) {
    const nr_cpus = options.board.cpus;
    const max = Number(options.config['NR_CPUS'] ?? nr_cpus);
    if (nr_cpus > max) throw new RangeError(`board ${options.board.name}: ${nr_cpus} CPUs but CONFIG_NR_CPUS=${max}`);
    const c = root.createChildContainer();
    const params: boot_params = {
      seed: options.seed ?? 1,
      nr_cpus,
      cmdline: [options.board.cmdline, options.cmdline].filter(Boolean).join(' '),
      rtc_ns: (options.rtc ?? DEFAULT_RTC) * 1e9,
    };
    c.register(KCONFIG, { useValue: options.config });
    c.register(BOOT_PARAMS, { useValue: params });
    c.register(KBUILD, { useValue: options.kbuild ?? KBUILD_TREE });
    c.register(MACHINE_CONTAINER, { useValue: c });
    register_kernel(c);
    register_service(c, CardJournal);
    register_service(c, BoardCards);
    driver_init(c);
    blk_init(c);
    const core = c.resolve(DeviceCore);
    c.resolve(Reboot).device_shutdown = () => core.device_shutdown();
    c.resolve(Suspend).devices = { suspend: () => core.dpm_suspend(), resume: () => core.dpm_resume() };
    this.container = c;
    this.sched = c.resolve(Scheduler);
    this.clock = c.resolve(VirtualClock);
    this.printk = c.resolve(Printk);
    this.bugs = c.resolve(Bugs);
    this.storage = options.storage ?? new Map();
    if (options.links) c.register(SERIAL_LINKS, { useValue: options.links });
  }

  /**
   * Build a machine, run start_kernel() to the end of the initcalls, then let it settle (card
   * detection and probing run from work items, as in Linux, after the initcalls).
   */
  static async boot(options: machine_options): Promise<Machine> {
    const m = new Machine(options);
    await m.exec(0, 'swapper/0', () => start_kernel(m.container, options.board, m.storage));
    if (!m.halted) await m.run();
    return m;
  }

  /** Number of exec() calls so far: which one is current. */
  private exec_seq = 0;

  get seed(): number {
    return this.options.seed ?? 1;
  }

  /** Why the machine stopped for good ('panic', 'reboot', 'hard LOCKUP', ...), or null. */
  get halted(): string | null {
    return this.sched.halted;
  }

  get now(): number {
    return this.clock.now;
  }

  get reports(): readonly bug_report[] {
    return this.bugs.reports;
  }

  resolve<T>(token: InjectionToken<T>): T {
    return this.container.resolve(token);
  }

  /** Start a kernel thread on @cpu; it runs on the next run()/exec(). */
  spawn(cpu: number, comm: string, fn: () => Promise<void>): task_struct {
    return this.sched.kthread_run(fn, cpu, comm);
  }

  /** Run the machine until nothing can happen before @until ns (see Scheduler.run). */
  run(until?: number): Promise<void> {
    return this.sched.run(until);
  }

  /**
   * Run @fn as a task on @cpu and the machine until it returns (other CPUs run meanwhile).
   * Resolves to its value, or undefined if the machine halted, went idle with @fn blocked, or
   * reached @until (default: DEFAULT_RUN_NS of virtual time from now) first.
   */
  async exec<T>(cpu: number, comm: string, fn: () => Promise<T>, until?: number): Promise<T | undefined> {
    let result: { value: T } | null = null;
    // Only the latest exec() ends the run when its task returns: a task left behind by an
    // earlier one (stopped at an exploration point, say) finishing later must not end this run.
    const token = ++this.exec_seq;
    this.spawn(cpu, comm, async () => {
      result = { value: await fn() };
      if (token === this.exec_seq) this.sched.pause();
    });
    await this.run(until);
    return (result as { value: T } | null)?.value;
  }

  /** modprobe @name from a task on CPU 0. */
  async modprobe(name: string, params: Record<string, string | number | boolean> = {}): Promise<number> {
    const mods = this.resolve<module_api>(MODULES);
    return (await this.exec(0, 'modprobe', () => mods.modprobe(name, params))) ?? Number.NaN;
  }

  /** insmod @mod (a module from outside the tree) from a task on CPU 0. */
  async insmod(mod: module, params: Record<string, string | number | boolean> = {}): Promise<number> {
    const mods = this.resolve<module_api>(MODULES);
    return (await this.exec(0, 'insmod', () => mods.insmod(mod, params))) ?? Number.NaN;
  }

  /**
   * What the panic path wrote, from the cards' side: every write after the panic began, and
   * those that fell outside mmcpstore's window (corruption).
   */
  panic_audit(): panic_write_audit {
    return audit_panic_writes(this);
  }

  /** The log as `dmesg` prints it. */
  dmesg(): string {
    return this.printk.dmesg();
  }

  /** Boot the same board again: memory state gone, a derived seed, backing stores kept. */
  reboot(): Promise<Machine> {
    const rtc = (options_rtc(this.options) + Math.ceil(this.clock.now / 1e9) + REBOOT_GAP_S);
    return Machine.boot({ ...this.options, seed: derive_seed(this.seed), storage: this.storage, rtc });
  }
}
