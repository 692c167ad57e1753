// SPDX-License-Identifier: GPL-2.0
// What every command-line tool shares: bad input is one message per problem on stderr, prefixed
// with the tool's name, and exit status 2; --help exits 0; anything else is a bug and throws.
import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';

/** Bad input from the user: every message goes to stderr and the exit status is 2. */
export class UsageError extends Error {
  constructor(readonly messages: readonly string[]) {
    super(messages.join('\n'));
  }
}

/** Parse JSON from @file ("-" is stdin), naming the file in any error. */
export const read_json = (file: string): unknown => {
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
};

/** Run @main and turn usage errors into exit status 2. */
export const run_cli = async (name: string, main: () => Promise<void> | void): Promise<void> => {
  // `tools/x | head`: once the reader has gone, stop quietly, as a C tool dies of SIGPIPE.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
  try {
    await main();
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, successfully.
      if (e.exitCode !== 0) {
        process.stderr.write(`${name}: ${e.message.replace(/^error: /, '')}\n`);
        process.exitCode = 2;
      }
    } else if (e instanceof UsageError) {
      for (const m of e.messages) process.stderr.write(`${name}: ${m}\n`);
      process.exitCode = 2;
    } else throw e;
  }
};
