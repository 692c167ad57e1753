// SPDX-License-Identifier: GPL-2.0
// run-scenario --board: resolve the config, boot the board, and give back its kernel log with
// a one-line account of the machine.
import { check_board } from '../../init/board.ts';
import { Machine } from '../../init/machine.ts';
import { load_kconfig_db, resolve_config } from '../../scripts/kconfig/index.ts';
import { open_board_storage } from '../lib/board-storage.ts';
import { read_json, UsageError } from '../lib/cli.ts';
import { open_board_links } from '../serial/board_links.ts';

export const boot_board = async (file: string, config: string | undefined, seed: number, cmdline: string): Promise<string> => {
  const b = check_board(read_json(file));
  if (!b.ok) throw new UsageError(b.errors.map((e) => `${file}: ${e}`));
  const r = resolve_config(load_kconfig_db(), config ? read_json(config) : {});
  if (!r.ok) throw new UsageError(r.errors.map((e) => `${config}: ${e}`));
  const nr_cpus = Number(r.config['NR_CPUS']);
  if (b.board.cpus > nr_cpus) throw new UsageError([`${file}: board.cpus is ${b.board.cpus} but CONFIG_NR_CPUS=${nr_cpus}`]);

  const storage = open_board_storage(b.board, file);
  const links = open_board_links(b.board, file);
  const m = await Machine.boot({ config: r.config, board: b.board, seed, cmdline, storage, links }).finally(() => links.close());
  const state = m.halted ? `halted (${m.halted})` : 'up';
  return (
    m.dmesg() +
    `\nboard ${b.board.name}: ${b.board.cpus} CPUs, seed ${seed}, ${state} at ${(m.now / 1e9).toFixed(6)} s of virtual time, ` +
    `${m.reports.length} kernel reports\n`
  );
};
