// SPDX-License-Identifier: GPL-2.0
// The machine for embedders, without the container: boot a board with a configuration, print,
// panic, reboot, mount pstore and read its files. Runs wherever the simulated tree runs (Node or
// a browser); Machine is there underneath for anything this does not cover.
import 'reflect-metadata';
import default_board from '../boards/default.json' with { type: 'json' };
import { PANIC } from '../include/linux/panic.h.ts';
import { PRINTK } from '../include/linux/printk.h.ts';
import { PSTOREFS } from '../include/linux/pstore.h.ts';
import { load_kconfig_db, resolve_config } from '../scripts/kconfig/index.ts';
import { check_board, type board } from './board.ts';
import { Machine } from './machine.ts';

/** What createMachine boots; every field is optional. */
export interface machine_config {
  /** The board (see boards/*.json and init/board.ts); default: boards/default.json. */
  readonly board?: board;
  /** Kconfig overrides, as tools/kconfig takes them ({ MMC_PSTORE: 'm' }). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Seed of the scheduler's choices; default 1. */
  readonly seed?: number;
  /** Words appended to the board's command line (pstore_blk.blkdev=/dev/mmcblk0p3, ...). */
  readonly cmdline?: string;
}

/** A file of the pstore filesystem. */
export interface pstore_file {
  readonly name: string;
  readonly data: Uint8Array;
}

/** A booted machine. Every method runs the simulated kernel until what it asked for is done. */
export class MachineHandle {
  /** @param machine the Machine underneath (its container, scheduler, clock, reports). */
  constructor(readonly machine: Machine) {}

  /** Virtual time since power-on, ns. */
  get now(): number {
    return this.machine.now;
  }

  /** Why the machine stopped for good ('panic', 'reboot', ...), or null while it runs. */
  get halted(): string | null {
    return this.machine.halted;
  }

  /** The kernel log, as `dmesg` prints it. */
  dmesg(): string {
    return this.machine.dmesg();
  }

  /** printk a line at KERN_INFO from a task on @cpu. */
  async printk(text: string, cpu = 0): Promise<void> {
    const pk = this.machine.resolve(PRINTK);
    await this.machine.exec(cpu, 'printk', async () => pk.pr_info(`${text}\n`));
  }

  /** panic(@message) on @cpu: the machine halts, after the panic path (kmsg_dump) ran. */
  async panic(message: string, cpu = 0): Promise<void> {
    await this.machine.exec(cpu, 'panic', () => this.machine.resolve(PANIC).panic(message));
  }

  /** Boot the same board again, its cards kept: a new handle. */
  async reboot(): Promise<MachineHandle> {
    return new MachineHandle(await this.machine.reboot());
  }

  /**
   * Mount the pstore filesystem, as systemd does at every boot: pstore/zone recovers the records
   * then, and only after that takes new ones (a panic before it leaves nothing).
   */
  async mount_pstore(): Promise<void> {
    const err = await this.machine.exec(0, 'mount', () => this.machine.resolve(PSTOREFS).mount());
    if (err) throw new Error(`mount pstore: error ${err}`);
  }

  /** The files of the mounted pstore filesystem. */
  pstore_files(): pstore_file[] {
    const fs = this.machine.resolve(PSTOREFS);
    return fs.readdir().map((f) => ({ name: f.name, data: fs.read(f.name) ?? new Uint8Array() }));
  }
}

/**
 * Boot a machine: the board checked against its schema, the configuration resolved as
 * tools/kconfig does. Throws an Error listing every problem with either.
 */
export const createMachine = async (o: machine_config = {}): Promise<MachineHandle> => {
  const b = check_board(o.board ?? default_board);
  if (!b.ok) throw new Error(b.errors.join('\n'));
  const r = resolve_config(load_kconfig_db(), { NR_CPUS: Math.max(2, b.board.cpus), ...o.config });
  if (!r.ok) throw new Error(r.errors.join('\n'));
  const m = await Machine.boot({ config: r.config, board: b.board, seed: o.seed ?? 1, ...(o.cmdline ? { cmdline: o.cmdline } : {}) });
  return new MachineHandle(m);
};
