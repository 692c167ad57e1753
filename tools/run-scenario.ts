// SPDX-License-Identifier: GPL-2.0
// tools/run-scenario: the main job. Until the scenario runner lands (issue 7) it does the
// smallest honest thing: resolve the config, boot a board, and print the kernel log.
import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { check_board } from '../init/board.ts';
import { Machine } from '../init/machine.ts';
import { load_kconfig_db, resolve_config } from '../scripts/kconfig/index.ts';
import { open_board_storage } from './lib/board-storage.ts';
import { read_json, run_cli, UsageError } from './lib/cli.ts';

const DEFAULT_BOARD = new URL('../boards/default.json', import.meta.url).pathname;

const EXAMPLES = `
Examples:
  $ tools/run-scenario                          boot the default board and print its log
  $ tools/run-scenario --seed 7 --config my.json --cmdline "panic=-1"

Exit status: 0 when the board booted, 2 on bad input (each problem on stderr).`;

const seed_arg = (v: string): number => {
  if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw new InvalidArgumentError('a whole number from 0 to 4294967295');
  return Number(v);
};

const main = async (argv: readonly string[]): Promise<void> => {
  const program = new Command('tools/run-scenario')
    .description('Boot a simulated board and print its kernel log (scenarios arrive with issue 7).')
    .argument('[scenario...]', 'scenario files (not supported yet)')
    .option('--board <file>', 'board description (JSON)', DEFAULT_BOARD)
    .option('--config <file>', 'Kconfig overrides (JSON, as tools/kconfig takes)')
    .option('--seed <n>', "seed of the scheduler's choices", seed_arg, 1)
    .option('--cmdline <words>', "words appended to the board's kernel command line", '')
    .addHelpText('after', EXAMPLES)
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  program.parse(argv, { from: 'user' });
  if (program.args.length) throw new UsageError([`scenario files are not supported yet: ${program.args.join(' ')}`]);
  const o = program.opts<{ board: string; config?: string; seed: number; cmdline: string }>();

  const b = check_board(read_json(o.board));
  if (!b.ok) throw new UsageError(b.errors.map((e) => `${o.board}: ${e}`));
  const r = resolve_config(load_kconfig_db(), o.config ? read_json(o.config) : {});
  if (!r.ok) throw new UsageError(r.errors.map((e) => `${o.config}: ${e}`));
  const nr_cpus = Number(r.config['NR_CPUS']);
  if (b.board.cpus > nr_cpus) throw new UsageError([`${o.board}: board.cpus is ${b.board.cpus} but CONFIG_NR_CPUS=${nr_cpus}`]);

  const storage = open_board_storage(b.board, o.board);
  const m = await Machine.boot({ config: r.config, board: b.board, seed: o.seed, cmdline: o.cmdline, storage });
  process.stdout.write(m.dmesg());
  const state = m.halted ? `halted (${m.halted})` : 'up';
  process.stdout.write(
    `\nboard ${b.board.name}: ${b.board.cpus} CPUs, seed ${o.seed}, ${state} at ${(m.now / 1e9).toFixed(6)} s of virtual time, ` +
      `${m.reports.length} kernel reports\n`,
  );
};

await run_cli('run-scenario', () => main(process.argv.slice(2)));
