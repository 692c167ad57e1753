// SPDX-License-Identifier: GPL-2.0
// Command-line tools run inside the test process, fast enough for fuzzing (a spawn costs about
// half a second, this a few ms). run_tool() evaluates a fresh instance of tools/<tool>.ts, whose
// top level is the run_cli call of tools/lib/cli.ts, as its launcher does; run_main() runs a
// tool's own pieces under run_cli. Both set process.argv, capture stdout and stderr, observe
// process.exitCode and process.exit, and restore all of it. An exception that escapes is what
// would print a stack and exit 1. Each tool instance stays in the module cache (some 40 KB),
// so long runs size their count.
import { fileURLToPath } from 'node:url';
import { run_cli } from '../lib/cli.ts';

export type tool_name = 'kconfig' | 'pstore-read' | 'run-scenario' | 'mmc-bridge';

export interface tool_run {
  /** The exit status the process would have: 1 for an uncaught exception. */
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  /** What escaped the tool (the stack node would print), or null. */
  readonly uncaught: unknown;
}

/** Thrown by the process.exit stub: the tool stops there, as the process would. */
class ToolExit extends Error {
  constructor(readonly code: number | undefined) {
    super(`process.exit(${String(code)})`);
  }
}

const writer = (into: (s: string) => void) =>
  ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    into(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    (rest.find((r) => typeof r === 'function') as (() => void) | undefined)?.();
    return true;
  }) as typeof process.stdout.write;

/** Run @body as a process whose argv is @argv would run; one at a time (it swaps process-wide state). */
async function as_process(script: string, argv: readonly string[], body: () => Promise<unknown>): Promise<tool_run> {
  const saved = { argv: process.argv, exit: process.exit, out: process.stdout.write, err: process.stderr.write, code: process.exitCode };
  const listeners = new Set(process.stdout.listeners('error'));
  let stdout = '';
  let stderr = '';
  process.argv = [process.execPath, script, ...argv];
  process.exitCode = undefined;
  process.exit = ((code?: number) => {
    throw new ToolExit(code);
  }) as typeof process.exit;
  process.stdout.write = writer((s) => (stdout += s));
  process.stderr.write = writer((s) => (stderr += s));
  let uncaught: unknown = null;
  let code: number | undefined;
  try {
    await body();
  } catch (e) {
    if (e instanceof ToolExit) code = e.code;
    else uncaught = e;
  } finally {
    const status = process.exitCode;
    process.argv = saved.argv;
    process.exit = saved.exit;
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    process.exitCode = saved.code;
    // run_cli's EPIPE guard, one per run: leave the stream's listeners as they were.
    for (const l of process.stdout.listeners('error')) if (!listeners.has(l)) process.stdout.off('error', l as (...a: unknown[]) => void);
    code ??= status === undefined || status === null ? 0 : Number(status);
  }
  return { status: uncaught === null ? code : 1, stdout, stderr, uncaught };
}

let instances = 0;

/**
 * run_tool() - tools/@tool.ts with @argv, as its launcher runs it. The tool must not be given a
 * stdin to read ("-") or anything to serve.
 */
export function run_tool(tool: tool_name, argv: readonly string[]): Promise<tool_run> {
  const path = fileURLToPath(new URL(`../${tool}.ts`, import.meta.url));
  return as_process(path, argv, () => import(/* @vite-ignore */ `${path}?in-process=${++instances}`));
}

/** run_main() - @main under run_cli(@name), as a tool whose main it is. */
export function run_main(name: string, argv: readonly string[], main: (argv: readonly string[]) => Promise<void> | void): Promise<tool_run> {
  return as_process(name, argv, () => run_cli(name, () => main(argv)));
}
