// SPDX-License-Identifier: GPL-2.0
// tools/run-scenario: the main job. Runs scenarios (default: the catalogue in scenarios/) on a
// host with a panic variant and prints what happened, as a table, a matrix, JSON, JUnit or an
// HTML page; --board boots a board and prints its kernel log instead.
import 'reflect-metadata';
import { existsSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { read_json, run_cli, UsageError } from './lib/cli.ts';
import { boot_board } from './scenario/boot-board.ts';
import { load_scenarios } from './scenario/load.ts';
import { plan_runs } from './scenario/plan.ts';
import { check_report } from './scenario/report-schema.ts';
import { format_junit, format_matrix, format_replay, format_table, make_report, merge_reports, type run_report } from './scenario/report.ts';
import { format_html } from './scenario/html.ts';
import { explore_planned, run_planned, type batch_options, type progress } from './scenario/batch.ts';
import { format_exploration } from './scenario/explore.ts';
import { check_image_dir } from './scenario/images.ts';
import { trace_file } from './scenario/trace.ts';
import { count_points, load_variant_module } from './scenario/run.ts';
import { HOSTS, is_builtin_variant, VARIANTS, type host_kind } from './scenario/schema.ts';
import { BRIDGE_KINDS, type bridge_kind } from './scenario/bridge_run.ts';

const EXAMPLES = `
Examples:
  $ tools/run-scenario                              the catalogue on the mock host with v5
  $ tools/run-scenario scenarios/S05-*.json --variant proposed
  $ tools/run-scenario --variant ./my-variant.mts   a variant of yours (default export: a module registering MMC_PANIC_VARIANT)
  $ tools/run-scenario --host serial --bridge pty   the serial host against a tools/mmc-bridge per run
  $ tools/run-scenario --matrix                     every scenario x host x variant, as a grid
  $ tools/run-scenario --matrix --variant ./my-variant.mts   ... with your variant as a fourth column
  $ tools/run-scenario --matrix --shard 2/4 --json > part2.json
  $ tools/run-scenario --merge part1.json part2.json part3.json part4.json --junit report.xml
  $ tools/run-scenario --matrix --html report.html  the grid, logs and timelines in one page
  $ tools/run-scenario scenarios/S05-multiblock-write-data-phase.json --explore
  $ tools/run-scenario scenarios/S05-multiblock-write-data-phase.json --replay 9
  $ tools/run-scenario --board boards/default.json  boot a board and print its kernel log

Exit status: 0 when every expectation holds, 1 when one does not, 2 on bad input.`;

const seed_arg = (v: string): number => {
  if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw new InvalidArgumentError('a whole number from 0 to 4294967295');
  return Number(v);
};

const host_arg = (v: string): host_kind => {
  if (!(HOSTS as readonly string[]).includes(v)) throw new InvalidArgumentError(`one of ${HOSTS.join(', ')}`);
  return v as host_kind;
};

const bridge_arg = (v: string): bridge_kind => {
  if (!(BRIDGE_KINDS as readonly string[]).includes(v)) throw new InvalidArgumentError(`one of ${BRIDGE_KINDS.join(', ')}`);
  return v as bridge_kind;
};

const count_arg = (v: string): number => {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 1e9) throw new InvalidArgumentError('a whole number from 1');
  return Number(v);
};

const shard_arg = (v: string): { k: number; n: number } => {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const k = Number(m?.[1]);
  const n = Number(m?.[2]);
  if (!m || n < 1 || k < 1 || k > n) throw new InvalidArgumentError('K/N with 1 <= K <= N, such as 2/4');
  return { k, n };
};

interface options {
  host: host_kind;
  variant?: string;
  seed: number;
  matrix?: boolean;
  json?: boolean;
  junit?: string;
  html?: string;
  shard?: { k: number; n: number };
  merge?: boolean;
  explore?: boolean;
  every?: number;
  sample?: number;
  replay?: number;
  trace?: string;
  traceMmio?: boolean;
  keepImages?: string;
  bridge?: bridge_kind;
  jobs?: number;
  board?: string;
  config?: string;
  cmdline: string;
}

/** A progress bar on stderr when it is a terminal; nothing when piped. */
const progress_bar = (): progress | undefined => {
  if (!process.stderr.isTTY) return undefined;
  return (done, total, what) => {
    const w = 30;
    const filled = Math.round((done / Math.max(1, total)) * w);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(w - filled)}] ${done}/${total} ${what.slice(0, 40).padEnd(40)}`);
    if (done + 1 >= total) setImmediate(() => process.stderr.write('\r\x1b[K'));
  };
};

const run_scenarios = async (paths: readonly string[], o: options): Promise<run_report> => {
  if (o.replay !== undefined && o.matrix) throw new UsageError(['--replay re-runs one point of one run: give one scenario, not --matrix']);
  const scenarios = load_scenarios(paths);
  if (o.variant && !is_builtin_variant(o.variant)) {
    if (!existsSync(o.variant)) throw new UsageError([`--variant ${o.variant}: not v4, v5 or proposed, and no such module file`]);
    try {
      await load_variant_module(o.variant);
    } catch (e) {
      throw new UsageError([`--variant ${o.variant}: ${(e as Error).message.split('\n')[0]}`]);
    }
  }
  const { runs, skipped } = plan_runs(scenarios, {
    hosts: o.matrix ? HOSTS : [o.host],
    // A matrix puts a variant of the user's beside the three built in, to compare it with them.
    variants: o.matrix ? [...VARIANTS, ...(o.variant && !is_builtin_variant(o.variant) ? [o.variant] : [])] : o.variant ? [o.variant] : null,
    bridge: !!o.bridge,
  });
  const progress = progress_bar();
  const batch: batch_options = {
    seed: o.seed,
    ...(o.shard ? { shard: o.shard } : {}),
    ...(progress ? { progress } : {}),
    ...(o.trace || o.html ? { trace: o.traceMmio ? ('mmio' as const) : ('on' as const) } : {}),
    ...(o.keepImages ? { keep_images: o.keepImages } : {}),
    ...(o.bridge ? { bridge: o.bridge } : {}),
    ...(o.jobs ? { jobs: o.jobs } : {}),
  };
  if (o.replay !== undefined) {
    if (runs.length !== 1) throw new UsageError([`--replay re-runs one point of one run; this asks for ${runs.length} runs (give one scenario file)`]);
    const r = runs[0]!;
    const n = await count_points(r.scenario, { host: r.host, variant: r.variant, seed: o.seed, ...(o.bridge ? { bridge: o.bridge } : {}) });
    if (o.replay > n) throw new UsageError([`--replay ${o.replay}: ${r.scenario.name} has ${n} yield points on ${r.host} with seed ${o.seed}`]);
    return make_report(await run_planned(runs, batch, o.replay), skipped);
  }
  if (o.explore) {
    const choice = { ...(o.every ? { every: o.every } : {}), ...(o.sample ? { sample: o.sample } : {}) };
    const e = await explore_planned(runs, batch, choice);
    return make_report(e.runs, skipped, e.explored);
  }
  return make_report(await run_planned(runs, batch), skipped);
};

/** The report as it would be without the traces that --html alone asked for. */
const without_traces = (r: run_report): run_report => ({ ...r, runs: r.runs.map(({ trace: _, ...run }) => run) });

const read_reports = (files: readonly string[]): run_report => {
  if (!files.length) throw new UsageError(['--merge needs the --json reports to merge']);
  return merge_reports(files.map((f) => {
    const r = check_report(read_json(f));
    if (!r.ok) throw new UsageError(r.errors.map((e) => `${f}: ${e}`));
    return r.report;
  }));
};

const main = async (argv: readonly string[]): Promise<void> => {
  const program = new Command('tools/run-scenario')
    .description('Run panic scenarios against mmcpstore on a simulated board and say what became of the record.')
    .argument('[path...]', 'scenario files or directories of them (default: the catalogue, scenarios/)')
    .option('--host <host>', `host driver: ${HOSTS.join(', ')}`, host_arg, 'mock')
    .option('--variant <name>', 'v4, v5, proposed, or the path of a module registering a variant (default: the scenario\'s, else v5)')
    .option('--seed <n>', "seed of the scheduler's choices", seed_arg, 1)
    .option('--matrix', 'every scenario x every host x every variant, printed as a grid')
    .option('--json', 'print the report as JSON (what --merge reads)')
    .option('--junit <file>', 'also write the report as JUnit XML')
    .option('--html <file>', "also write the report as one self-contained HTML page: the grid, each run's logs and timeline (records traces)")
    .option('--shard <K/N>', 'run only the K-th of N equal parts of the runs (or of the exploration points)', shard_arg)
    .option('--merge', 'combine the --json reports given as paths instead of running')
    .option('--explore', "panic at every yield point of each scenario's workload and print the histogram of outcomes")
    .option('--every <n>', 'with --explore: only every N-th point', count_arg)
    .option('--sample <n>', 'with --explore: a sample of N points drawn with --seed', count_arg)
    .option('--replay <point>', 're-run one exploration point and print its log', count_arg)
    .option('--trace <file>', 'write the runs as Chrome/Perfetto trace-event JSON (open in ui.perfetto.dev or chrome://tracing)')
    .option('--trace-mmio', 'with --trace or --html: register accesses too')
    .option('--jobs <n>', 'run on N worker threads of this machine', count_arg)
    .option('--keep-images <dir>', "save each run's final card (user area and boot partitions as raw images) in DIR")
    .option('--bridge <transport>', `with --host serial: a tools/mmc-bridge process per run, on ${BRIDGE_KINDS.join(' or ')} (default: the bridge's device end in-process)`, bridge_arg)
    .option('--board <file>', 'boot this board and print its kernel log, instead of running scenarios')
    .option('--config <file>', 'with --board: Kconfig overrides (JSON, as tools/kconfig takes)')
    .option('--cmdline <words>', "with --board: words appended to the board's kernel command line", '')
    .addHelpText('after', EXAMPLES)
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  program.parse(argv, { from: 'user' });
  const o = program.opts<options>();
  // An empty value is a mistake, not the option left out (`--board ""` would run the catalogue).
  const flags = { variant: '--variant', junit: '--junit', html: '--html', trace: '--trace', keepImages: '--keep-images', board: '--board', config: '--config' } as const;
  const empty = Object.entries(flags).filter(([key]) => o[key as keyof typeof flags] === '');
  if (empty.length) throw new UsageError(empty.map(([, flag]) => `${flag}: the value is empty`));

  if (o.board) {
    if (program.args.length) throw new UsageError(['--board boots a board; it takes no scenario paths']);
    process.stdout.write(await boot_board(o.board, o.config, o.seed, o.cmdline));
    return;
  }
  if (o.config || o.cmdline) throw new UsageError(['--config and --cmdline go with --board; a scenario carries its own config and cmdline']);
  if (o.keepImages) check_image_dir(o.keepImages);
  if (o.bridge && (o.host !== 'serial' || o.matrix)) throw new UsageError(['--bridge goes with --host serial (not --matrix): it starts a bridge for the serial host']);
  if (o.traceMmio && !o.trace && !o.html) throw new UsageError(['--trace-mmio goes with --trace FILE or --html FILE']);
  if (o.trace && o.merge) throw new UsageError(['--trace records runs; --merge runs none']);
  if ((o.every || o.sample) && !o.explore) throw new UsageError(['--every and --sample go with --explore']);
  if (o.every && o.sample) throw new UsageError(['--every and --sample: choose one']);
  if (o.explore && o.replay !== undefined) throw new UsageError(['--explore and --replay: choose one']);
  const report = o.merge ? read_reports(program.args) : await run_scenarios(program.args, o);
  if (o.junit) writeFileSync(o.junit, format_junit(report));
  if (o.html) writeFileSync(o.html, format_html(report, `tools/run-scenario ${argv.join(' ')}`));
  if (o.trace) writeFileSync(o.trace, JSON.stringify(trace_file(report.runs.flatMap((r, i) => (r.trace ?? []).map((e) => ({ ...e, pid: i + 1 }))), argv.join(' '))));
  if (o.json) process.stdout.write(JSON.stringify(o.html && !o.trace && !o.merge ? without_traces(report) : report, null, 1) + '\n');
  else if (o.replay !== undefined) process.stdout.write(format_replay(report));
  else if (o.explore) process.stdout.write(format_exploration(report));
  else process.stdout.write(o.matrix ? format_matrix(report) : format_table(report));
  if (report.runs.some((r) => r.failures.length)) process.exitCode = 1;
};

await run_cli('run-scenario', () => main(process.argv.slice(2)));
