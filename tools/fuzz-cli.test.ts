// Property-based fuzzing of the command lines of tools/kconfig, tools/pstore-read,
// tools/run-scenario and tools/mmc-bridge: random option soups (known options with good, bad
// and missing values, unknown ones, files that exist, do not, are directories or are broken).
// Properties: a tool exits 0, or 2 with one message that names what is wrong (one per problem
// where a file's content or several options are at fault), never a stack and never exit 1 from
// an exception; and no
// file or directory that existed before the call is changed by a failed one. The tools run in
// this process (tools/testing/cli_inprocess.ts); a few cases are also run by spawning the real
// launcher, which must say the same. Run counts and replay: tools/testing/fuzz.ts, docs/fuzzing.md.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check_image } from './bridge/image.ts';
import { parse_options } from './bridge/options.ts';
import { run_main, run_tool, type tool_name, type tool_run } from './testing/cli_inprocess.ts';
import { fuzz_check, fuzz_timeout } from './testing/fuzz.ts';

// ---- the files a command line can name ------------------------------------------------------

const tmp = mkdtempSync(join(tmpdir(), 'fuzz-cli-'));
// The tools run from inside tmp (in-process and spawned): a relative path they write lands where
// unchanged() looks, never in the checkout.
const cwd = process.cwd();
// A property that outlives its test (a timeout does not stop fast-check's loop) must not run a
// tool once the checkout is the working directory again: its --out would land there.
let over = false;
beforeAll(() => process.chdir(tmp));
afterAll(() => {
  over = true;
  process.chdir(cwd);
  rmSync(tmp, { recursive: true, force: true });
});
const at = (name: string): string => join(tmp, name);
const put = (name: string, data: string | Uint8Array): string => (writeFileSync(at(name), data), at(name));
const sparse = (name: string, size: number): string => {
  const fd = openSync(at(name), 'w');
  ftruncateSync(fd, size);
  closeSync(fd);
  return at(name);
};

/** Files and directories that exist before every call: none may change. */
const F = {
  config: put('good.json', '{"MMC_PSTORE":"m"}'),
  bad_config: put('bad.json', '{"NR_CPUS":99,"BOGUS":"y"}'),
  broken: put('broken.json', '{"MMC": '),
  // Linux 6.1's two Oops records, in the first two 64 KiB zones: the area is the file, 128 KiB.
  card: put('card.img', gunzipSync(readFileSync(new URL('../fs/pstore/testdata/oops2-deflate-1m/card.img.gz', import.meta.url))).subarray(0, 128 << 10)),
  odd: put('odd.img', new Uint8Array(1000).fill(0xa5)),
  bridge_img: sparse('bridge.img', 1 << 20),
  scenario: put('scenario-bad.json', '{"name":"x y","steps":[{"do":"nope"}],"expect":{}}'),
  report: put('report.json', '{"runs": 3}'),
  board: put('board-bad.json', '{"name":"b","cpus":99,"devices":[{"type":"nope"}]}'),
  variant: put('junk.mts', 'this is not a module'),
  text: put('notes.txt', 'keep me'),
  journal: put('journal.jsonl', '{"part":"user","offset":0,"length":512}\n'),
  full_dir: (mkdirSync(at('full')), put('full/keep', 'keep'), at('full')),
  empty_dir: (mkdirSync(at('empty')), at('empty')),
} as const;
/** Paths that do not exist before a call; a failed call must not create them either. */
const ABSENT = { file: at('nonexistent.json'), img: at('new.img'), dir: at('no/such/dir') } as const;

/** Every file under @dir with a hash of its bytes (a listing with contents). */
const snapshot = (dir: string): Map<string, string> => {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (p.startsWith(at('out-'))) continue; // fresh --out directories of the case itself
      if (statSync(p).isDirectory()) {
        out.set(`${p}/`, '');
        walk(p);
      } else out.set(p, createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
};
const BEFORE = snapshot(tmp);

/** Nothing that existed changed, nothing absent appeared. */
const unchanged = (): void => {
  expect(snapshot(tmp)).toEqual(BEFORE);
  for (const p of Object.values(ABSENT)) expect(existsSync(p), `${p} was created`).toBe(false);
};

// ---- what a clear answer is -----------------------------------------------------------------

const INTERNAL = /^\s+at |\b(TypeError|ReferenceError|RangeError|SyntaxError|AssertionError)\b|Cannot read prop|is not a function|is not iterable|\[object Object\]|undefined/m;

/** A message names what is wrong: an argument it was given, an option, or the missing part. */
const names_something = (msg: string, argv: readonly string[]): boolean =>
  argv.some((a) => (a.length >= 2 && msg.includes(a.split('=')[0]!)) || msg.startsWith(`${a}: `)) || /--[a-z-]+|argument|option|give a transport/.test(msg);

/**
 * The answer to @argv is 0 (help, or accepted), or 2 with messages on stderr only, each
 * prefixed with the tool's name: one, or one per problem when @multi says all lines are a
 * file's problems.
 */
function expect_clear(tool: string, argv: readonly string[], r: tool_run, multi: (lines: string[]) => boolean = () => false, notes = /$^/): void {
  if (r.uncaught) throw r.uncaught;
  expect([0, 2]).toContain(r.status);
  expect(r.stderr).not.toMatch(INTERNAL);
  const lines = r.stderr.split('\n').slice(0, -1);
  for (const l of lines) expect(l.startsWith(`${tool}: `), l).toBe(true);
  if (r.status === 0) return;
  expect(r.stdout).toBe('');
  const errors = lines.filter((l) => !notes.test(l));
  expect(errors.length, 'no message').toBeGreaterThan(0);
  expect(new Set(errors).size, `a message repeated:\n${r.stderr}`).toBe(errors.length);
  // Several only as one per problem, each naming its own subject (multi says whether they are).
  if (multi(errors)) return;
  expect(errors.length, `${errors.length} messages:\n${r.stderr}`).toBe(1);
  expect(names_something(errors[0]!.slice(tool.length + 2), argv), errors[0]).toBe(true);
}

// ---- command lines --------------------------------------------------------------------------

const junk_arb = fc.string({ maxLength: 6 }).filter((s) => s !== '-'); // '-' would read stdin
const opt = (name: string, values: readonly string[]): fc.Arbitrary<string[]> =>
  fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...values).map((v) => [name, v]) }, { weight: 1, arbitrary: fc.constant<string[]>([name]) }, { weight: 1, arbitrary: junk_arb.map((v) => [name, v]) });
/** Options in any order, plus unknown ones and junk; the tool's spellings where they take no value. */
const soup = (parts: ReadonlyArray<fc.Arbitrary<string[]>>, flags: readonly string[]): fc.Arbitrary<string[]> =>
  fc
    .array(fc.oneof({ weight: 8, arbitrary: fc.oneof(...parts) }, { weight: 2, arbitrary: fc.constantFrom(...flags, '--bogus', '-x', '--').map((f) => [f]) }, { weight: 1, arbitrary: junk_arb.map((j) => [j]) }), { maxLength: 6 })
    .map((a) => a.flat());
const FILES = [F.config, F.bad_config, F.broken, F.text, F.empty_dir, F.full_dir, ABSENT.file];

const kconfig_argv = soup([fc.constantFrom(...FILES).map((f) => [f])], ['--check', '--dotconfig', '--help']);

let outs = 0;
const pstore_argv = fc.tuple(
  fc.oneof({ weight: 4, arbitrary: fc.constant([F.card]) }, { weight: 1, arbitrary: fc.constantFrom(F.odd, F.empty_dir, ABSENT.img, '').map((f) => [f]) }, { weight: 1, arbitrary: fc.constant([]) }),
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(['--out', '<fresh>']) },
    { weight: 2, arbitrary: fc.constantFrom(F.full_dir, F.text, F.card, '', `${F.text}/sub`).map((d) => ['--out', d]) },
    // Any name (no separators: it stays one level down), made a fresh directory of the case's own.
    { weight: 1, arbitrary: junk_arb.map((j) => ['--out', `<fresh>${j.replace(/[/\\]/g, '_')}`]) },
    { weight: 1, arbitrary: fc.constant(['--out']) },
    { weight: 1, arbitrary: fc.constant([]) },
  ),
  soup(
    [
      opt('--offset', ['0', '4096', '0x1000', '1k', '1M', '1048576', '1048577', '-1', 'abc', '0x', '99999999999999999999']),
      opt('--size', ['1M', '64k', '1048576', '4096', '512', '0', '2M', 'x']),
      ...['--kmsg-size', '--pmsg-size', '--console-size', '--ftrace-size'].map((o) => opt(o, ['64', '0', '4', '6', '-5', '1024', '99999999', '2147483648', 'abc'])),
      opt('--nr-cpus', ['1', '2', '64', '0', '8193', 'x']),
      opt('--profile', ['6.1', '6.6', 'none', '7.0']),
    ],
    ['--json', '--help'],
  ),
).map(([image, out, rest]) => [...image, ...out, ...rest]);

const SCENARIO_POISON = [ABSENT.file, F.scenario, F.empty_dir, F.text];
const run_scenario_argv = fc
  .tuple(
    soup(
      [
        opt('--host', ['mock', 'sdhci', 'serial', 'bogus']),
        opt('--variant', ['v4', 'v5', 'proposed', 'bogus', F.variant, '/nonexistent.mts', '']),
        opt('--seed', ['1', '0', '4294967295', '4294967296', '-1', 'x']),
        opt('--shard', ['1/2', '0/2', '3/2', '1/0', 'x']),
        ...['--every', '--sample', '--replay', '--jobs'].map((o) => opt(o, ['1', '2', '0', '-3', 'x', '1e9', '1000000001'])),
        ...['--junit', '--html', '--trace'].map((o) => opt(o, [F.text, F.report, at('out-fresh.xml'), ''])),
        opt('--keep-images', [F.full_dir, F.text, ABSENT.dir, '']),
        opt('--bridge', ['tcp', 'pty', 'udp']),
        opt('--board', [ABSENT.file, F.board, F.broken]),
        opt('--config', [F.bad_config, ABSENT.file, F.broken, '']),
        opt('--cmdline', ['panic=-1', '']),
      ],
      ['--matrix', '--json', '--merge', '--explore', '--trace-mmio', '--help'],
    ),
    fc.subarray(SCENARIO_POISON, { minLength: 1, maxLength: 2 }),
  )
  // Every case fails before running anything (a run takes seconds): a path that does not load,
  // first, where no option can take it as its value; except with --board, which takes no path
  // (and whose board files are all bad). An empty --board is taken as no --board at all (see
  // docs/fuzzing.md), so it gets the path too.
  .map(([rest, poison]) => {
    const board = rest.lastIndexOf('--board');
    return board >= 0 && rest[board + 1] ? rest : [...poison, ...rest];
  });

const IMAGES = [F.bridge_img, F.odd, F.card, ABSENT.img, F.empty_dir];
const bridge_argv = fc
  .tuple(
    // Mostly an image and one transport, so that the checks behind those are reached.
    fc.oneof({ weight: 5, arbitrary: opt('--image', IMAGES) }, { weight: 1, arbitrary: fc.constant([]) }),
    fc.oneof(
      { weight: 5, arbitrary: fc.oneof(opt('--tcp', ['127.0.0.1:0', 'localhost:5555', ':80', 'x', '1.2.3.4:70000', '[::1]:0']), opt('--serial', ['/dev/null', '/nonexistent/tty']), opt('--pty', [at('pty-link'), 'a,b'])) },
      { weight: 1, arbitrary: fc.constant([]) },
    ),
    soup(
      [
        opt('--image', IMAGES),
        opt('--create', ['1MiB', '8MiB', '4GiB', '0', '513', '2048s', 'x', '-1']),
        opt('--gpt', ['boot:64KiB', 'boot:64KiB,pstore:128KiB', 'x', 'a:0', ':1MiB', `${'n'.repeat(40)}:64KiB`, 'big:1GiB']),
        opt('--tcp', ['127.0.0.1:0', 'x']),
        opt('--baud', ['921600', '49', '100000001', 'x']),
        opt('--latency', ['0', '5', '60001', '-1']),
        opt('--fault', ['garbage@1', 'drop@2x3', 'corrupt@1x0', 'kill@0', 'stall@3x2', 'bogus', 'garbage@1:2000000']),
        opt('--journal', [F.journal, at('new-journal.jsonl')]),
      ],
      ['--help'],
    ),
  )
  .map(([image, line, rest]) => [...image, ...line, ...rest]);

/** tools/mmc-bridge up to serving: the options and the image checked, which change nothing (tools/bridge/image.ts). */
const bridge_main = (argv: readonly string[]): void => {
  const o = parse_options(argv);
  const plan = check_image(o.image, o.create, o.gpt, (m) => void process.stderr.write(`mmc-bridge: ${m}\n`));
  if (plan.kind === 'existing') plan.file.close();
};

/** A fresh --out for @argv: '<fresh>NAME' becomes a path of its own (removed after the case). */
const with_out = (argv: readonly string[]): { argv: string[]; out: string } => {
  const out = at(`out-${++outs}`);
  return { argv: argv.map((a) => (a === '<fresh>' ? out : a.startsWith('<fresh>') ? `${out}-${a.slice('<fresh>'.length)}` : a)), out };
};

/**
 * After a successful pstore-read, the --out it made: any value, even one that looks like an
 * option ('--out --json' makes ./--json, as the user asked), relative to tmp. Removed so that
 * unchanged() sees only what should not have changed.
 */
const remove_made_out = (argv: readonly string[], r: tool_run): void => {
  const i = argv.lastIndexOf('--out');
  const dir = i >= 0 ? argv[i + 1] : undefined;
  if (r.status !== 0 || !dir) return;
  const p = resolve(tmp, dir);
  // Never anything that was there before ('--out notes.txt --help' exits 0 too).
  if (p.startsWith(`${tmp}/`) && !BEFORE.has(p) && !BEFORE.has(`${p}/`) && existsSync(p)) rmSync(p, { recursive: true, force: true });
};

/** Remove @out and the junk-named ones made of it ('out-7-x'). */
const remove_outs = (out: string): void => {
  const base = out.slice(tmp.length + 1);
  for (const e of readdirSync(tmp)) if (e === base || e.startsWith(`${base}-`)) rmSync(join(tmp, e), { recursive: true, force: true });
};

const file_problems = (file: string) => (lines: string[]) => lines.every((l) => l.includes(`${file}: `));

async function run_in_process(tool: tool_name, argv: readonly string[]): Promise<tool_run> {
  if (over) throw new Error(`${tool} after the suite ended: not run outside ${tmp}`);
  return tool === 'mmc-bridge' ? run_main('mmc-bridge', argv, bridge_main) : run_tool(tool, argv);
}

describe('found while fuzzing', () => {
  it('pstore-read --out "" is bad input (exit 2, one message), not a mkdir exception after reading the image', async () => {
    const r = await run_in_process('pstore-read', [F.card, '--out', '']);
    expect(r.uncaught).toBe(null);
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', 'pstore-read: --out: the path is empty (give a directory)\n']);
    unchanged();
  });


  it('mmc-bridge whose line cannot be served creates neither the new image nor a new journal, and leaves an old journal alone', { timeout: 60_000 }, () => {
    const bridge = fileURLToPath(new URL('./mmc-bridge', import.meta.url));
    const fresh = at('out-journal.jsonl');
    for (const journal of [fresh, F.journal]) {
      // 203.0.113.0/24 is TEST-NET-3: no interface of this machine has it.
      const r = spawnSync(bridge, ['--image', ABSENT.img, '--create', '1MiB', '--tcp', '203.0.113.7:5555', '--journal', journal], { encoding: 'utf8', timeout: 30_000 });
      expect([r.status, r.stdout, r.stderr]).toEqual([2, '', expect.stringMatching(/^mmc-bridge: --tcp 203\.0\.113\.7:5555: cannot listen: [^\n]+\n$/)]);
    }
    expect(existsSync(fresh)).toBe(false);
    unchanged();
  });
});

describe('command lines', () => {
  it('tools/kconfig', { timeout: fuzz_timeout(30_000) }, async () => {
    await fuzz_check(
      'kconfig argv',
      fc.asyncProperty(kconfig_argv, async (argv) => {
        const r = await run_in_process('kconfig', argv);
        // The resolver's messages name symbols, one per problem of the config.
        expect_clear('kconfig', argv, r, () => argv.includes(F.bad_config));
        unchanged();
      }),
      120,
      0.02,
    );
  });

  it('tools/pstore-read', { timeout: fuzz_timeout(30_000) }, async () => {
    await fuzz_check(
      'pstore-read argv',
      fc.asyncProperty(pstore_argv, async (a) => {
        const { argv, out } = with_out(a);
        const r = await run_in_process('pstore-read', argv);
        remove_made_out(argv, r);
        try {
          expect_clear('pstore-read', argv, r, () => false, /^pstore-read: pstore_blk: \w+ must align to 4096/);
          if (r.status === 2) expect(existsSync(out), 'a failed run made --out').toBe(false);
          unchanged();
        } finally {
          remove_outs(out);
        }
      }),
      120,
      0.02,
    );
  });

  it('tools/run-scenario', { timeout: fuzz_timeout(30_000) }, async () => {
    await fuzz_check(
      'run-scenario argv',
      fc.asyncProperty(run_scenario_argv, async (argv) => {
        const r = await run_in_process('run-scenario', argv);
        // One message per problem: a file's (scenario, board, config), or each option it names ("--variant: the value is empty").
        const per_option = (lines: string[]) => lines.every((l) => argv.includes(/^run-scenario: (--[a-z-]+): /.exec(l)?.[1] ?? '\0'));
        expect_clear('run-scenario', argv, r, (lines) => per_option(lines) || [F.scenario, F.board, F.bad_config].some((f) => file_problems(f)(lines)));
        if (!argv.includes('--help')) expect(r.status).toBe(2);
        unchanged();
        expect(existsSync(at('out-fresh.xml'))).toBe(false);
      }),
      120,
      0.02,
    );
  });

  it('tools/mmc-bridge', { timeout: fuzz_timeout(30_000) }, async () => {
    await fuzz_check(
      'mmc-bridge argv',
      fc.asyncProperty(bridge_argv, async (argv) => {
        const r = await run_in_process('mmc-bridge', argv);
        expect_clear('mmc-bridge', argv, r, () => false, /^mmc-bridge: .*: exists, --gpt ignored$/);
        unchanged();
      }),
      300,
      0.1,
    );
  });

  it('the real launchers answer as the in-process runs do', { timeout: fuzz_timeout(60_000) }, async () => {
    const tools: Record<tool_name, fc.Arbitrary<string[]>> = { kconfig: kconfig_argv, 'pstore-read': pstore_argv, 'run-scenario': run_scenario_argv, 'mmc-bridge': bridge_argv };
    await fuzz_check(
      'spawned launchers',
      fc.asyncProperty(fc.constantFrom(...(Object.keys(tools) as tool_name[])).chain((t) => tools[t].map((argv) => ({ t, argv }))), async ({ t, argv: a }) => {
        const { argv, out } = with_out(a);
        const inside = await run_in_process(t, argv);
        remove_made_out(argv, inside);
        remove_outs(out);
        // An mmc-bridge command line that passes its checks would start serving.
        fc.pre(t !== 'mmc-bridge' || inside.status !== 0);
        const real = spawnSync(fileURLToPath(new URL(`./${t}`, import.meta.url)), argv, { encoding: 'utf8', timeout: 60_000, cwd: tmp });
        remove_made_out(argv, { status: real.status ?? 1, stdout: '', stderr: '', uncaught: null });
        remove_outs(out);
        expect({ status: real.status, stdout: real.stdout, stderr: real.stderr }).toEqual({ status: inside.status, stdout: inside.stdout, stderr: inside.stderr });
        unchanged();
      }),
      4,
      0.0002,
    );
  });
});
