// SPDX-License-Identifier: GPL-2.0
// tools/kconfig: resolve a user config against Kconfig.json and print it. Models the
// olddefconfig front end of scripts/kconfig/conf.c, with JSON in and JSON or .config out.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { format_dotconfig, load_kconfig_db, resolve_config } from '../scripts/kconfig/index.ts';

/** Bad input: every message goes to stderr and the exit status is 2. */
class UsageError extends Error {
  constructor(readonly messages: readonly string[]) {
    super(messages.join('\n'));
  }
}

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
  if (file === undefined) return {};
  const label = file === '-' ? '<stdin>' : file;
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new UsageError([`${label}: cannot read: ${(e as Error).message}`]);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError([`${label}: invalid JSON: ${(e as Error).message}`]);
  }
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

try {
  main(process.argv.slice(2));
} catch (e) {
  if (e instanceof CommanderError) {
    // --help and --version end here too, successfully.
    if (e.exitCode === 0) process.exitCode = 0;
    else {
      process.stderr.write(`kconfig: ${e.message.replace(/^error: /, '')}\n`);
      process.exitCode = 2;
    }
  } else if (e instanceof UsageError) {
    for (const m of e.messages) process.stderr.write(`kconfig: ${m}\n`);
    process.exitCode = 2;
  } else throw e;
}
