// SPDX-License-Identifier: GPL-2.0
// tools/kconfig: resolve a user config against Kconfig.json and print it. Models the
// olddefconfig front end of scripts/kconfig/conf.c, with JSON in and JSON or .config out.
import { Command } from 'commander';
import { read_json, run_cli, UsageError } from './lib/cli.ts';
import { format_dotconfig, load_kconfig_db, resolve_config } from '../scripts/kconfig/index.ts';

const EXAMPLE = `
Example:
  $ echo '{ "MMC_PSTORE": "m", "PSTORE_CONSOLE": "y" }' > my.json
  $ tools/kconfig --dotconfig my.json
  ...
  CONFIG_MMC_PSTORE=m
  ...

A config is a JSON object of symbol -> value; names may carry the CONFIG_ prefix.
bool: "y" | "n" | true | false; tristate: "y" | "m" | "n"; int: 64 or "64";
hex: 4096 or "0x1000"; string: "text". Unset symbols take their defaults.
Exit status: 0 on success, 2 on any bad input (each problem on stderr).`;

function read_input(file: string | undefined): unknown {
  return file === undefined ? {} : read_json(file);
}

function main(argv: readonly string[]): void {
  const program = new Command('tools/kconfig')
    .description('Resolve a config against Kconfig.json like `make olddefconfig`, rejecting anything invalid.')
    .argument('[config]', 'user config JSON file; "-" reads stdin; none means all defaults')
    .option('--check', 'only validate: print nothing, exit 0 if the config is valid')
    .option('--dotconfig', 'print .config lines (CONFIG_X=y, # CONFIG_X is not set) instead of JSON')
    .addHelpText('after', EXAMPLE)
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  program.parse(argv, { from: 'user' });
  const opts = program.opts<{ check?: boolean; dotconfig?: boolean }>();

  const db = load_kconfig_db();
  const r = resolve_config(db, read_input(program.args[0]));
  if (!r.ok) throw new UsageError(r.errors);
  if (opts.check) return;
  process.stdout.write(opts.dotconfig ? format_dotconfig(db, r.config) : `${JSON.stringify(r.config, null, 2)}\n`);
}

await run_cli('kconfig', () => main(process.argv.slice(2)));
