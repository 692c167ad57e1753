// Property-based fuzzing of what reads configuration files: user configs (tools/kconfig and the
// resolver under it), Kconfig.json itself (the database's checker) and scenario files
// (tools/run-scenario's loader), each a valid document mutated (keys dropped, added, repeated or
// retyped, odd values, the text cut or garbled). Properties: nothing throws; a document is
// either accepted or rejected with messages that each name what is wrong (the symbol, the
// key, the file and JSON path); a tool exits 0 or 2, never with a stack; the file read is not
// changed. Run counts and replay: tools/testing/fuzz.ts, docs/fuzzing.md.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { load_kconfig_db, resolve_config, validate_kconfig_db, type KconfigDb } from '../scripts/kconfig/index.ts';
import { run_tool } from './testing/cli_inprocess.ts';
import { fuzz_check, fuzz_timeout } from './testing/fuzz.ts';
import { key_arb, mutated_text_arb, mutate, odd_value_arb, render, to_text, type json } from './testing/json_mutate.ts';
import { UsageError } from './lib/cli.ts';
import { load_scenarios } from './scenario/load.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fuzz-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let files = 0;
const file_of = (text: string, ext = '.json'): string => {
  const p = join(tmp, `f${++files}${ext}`);
  writeFileSync(p, text);
  return p;
};

/** @file still holds what file_of() wrote for @text (a cut surrogate pair was written as U+FFFD). */
const unchanged = (file: string, text: string): boolean => readFileSync(file).equals(Buffer.from(text, 'utf8'));

const parse = (text: string): { ok: true; v: unknown } | { ok: false } => {
  try {
    return { ok: true, v: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
};

/** A stack frame or an engine's error text: what a clear message never shows. */
const INTERNAL = /^\s+at |\b(TypeError|ReferenceError|RangeError|SyntaxError|AssertionError)\b|Cannot read prop|is not a function|is not iterable|\[object Object\]/m;

// ---- user configs ---------------------------------------------------------------------------

const DB = load_kconfig_db();
const SYMBOLS = Object.keys(DB.symbols);

/** A config that resolves: some symbols at values of their type (dependencies may still be unmet). */
const plausible_config_arb: fc.Arbitrary<json> = fc.subarray(SYMBOLS, { maxLength: 8 }).chain((names) =>
  fc.tuple(
    ...names.map((n): fc.Arbitrary<[string, json]> => {
      const s = DB.symbols[n]!;
      const v: fc.Arbitrary<json> =
        s.type === 'bool' ? fc.constantFrom<json>('y', 'n', true, false)
        : s.type === 'tristate' ? fc.constantFrom<json>('y', 'm', 'n')
        : s.type === 'string' ? (s.choices ? fc.constantFrom<json>(...s.choices) : fc.string({ maxLength: 8 }))
        : s.type === 'hex' ? fc.nat(0xffff).map((x) => `0x${x.toString(16)}`)
        : s.range ? fc.integer({ min: Number(s.range[0]), max: Number(s.range[1]) }) : fc.integer({ min: 0, max: 4096 });
      return fc.tuple(fc.constantFrom(n, `CONFIG_${n}`), v);
    }),
  ).map((pairs) => Object.fromEntries(pairs) as json),
);
const CONFIG_BASES: json[] = [{}, { MMC_PSTORE: 'm', PSTORE_CONSOLE: 'y' }, { PSTORE_BLK: 'y', PSTORE_PMSG: 'y', PSTORE_BLK_PMSG_SIZE: 32, NR_CPUS: 4, PSTORE_COMPRESS_PROFILE: '6.6' }];
/** A config file's text: a shipped-style config mutated, or a plausible one with a bad entry or two. */
const config_text_arb: fc.Arbitrary<string> = fc.oneof(
  mutated_text_arb(CONFIG_BASES, SYMBOLS).map((m) => render(CONFIG_BASES, m)),
  fc
    .tuple(plausible_config_arb, fc.array(fc.record({ op: fc.constantFrom('set' as const, 'add' as const, 'dup' as const), at: fc.nat(), key: key_arb(SYMBOLS), value: odd_value_arb() }), { maxLength: 2 }))
    .map(([base, edits]) => to_text(mutate(base, edits))),
);

/** The key a message starts with when it shows it quoted ('"a\\nb": unknown symbol'), or undefined. */
const quoted_subject = (msg: string): string | undefined => {
  const m = /^("(?:[^"\\]|\\.)*"): /.exec(msg);
  try {
    return m ? (JSON.parse(m[1]!) as string) : undefined;
  } catch {
    return undefined;
  }
};

/** A resolver message names its subject first: a key of the config (quoted when not a plain name), a symbol, a dependency loop. */
const names_subject = (msg: string, keys: readonly string[]): boolean =>
  keys.some((k) => msg.startsWith(`${k}: `)) ||
  keys.includes(quoted_subject(msg) as string) ||
  /^(CONFIG_)?[A-Z][A-Z0-9_]*(=\S+)?[: ]/.test(msg) ||
  /^(a config must be a JSON object|values did not settle|recursive dependency: )/.test(msg);

describe('found by fuzzing', () => {
  it('a config key with control characters is shown quoted, so each problem stays one line', () => {
    expect(resolve_config(DB, { 'a\nb': 1, 'MMC\u0000': 'y', CONFIG_MMC: 'm', MMC: 'y', '\u007f': 0 })).toEqual({
      ok: false,
      errors: ['"a\\nb": unknown symbol', '"MMC\\u0000": unknown symbol (did you mean MMC?)', 'MMC: given twice, as CONFIG_MMC and as MMC', '"\\u007f": unknown symbol'],
    });
  });
});

describe('user configs', () => {
  it('the resolver never throws, and names the key or symbol of every problem', { timeout: fuzz_timeout(30_000) }, async () => {
    await fuzz_check(
      'kconfig resolve',
      fc.property(config_text_arb, (text) => {
        const p = parse(text);
        if (!p.ok) return;
        const r = resolve_config(DB, p.v);
        if (r.ok) return;
        const keys = p.v !== null && typeof p.v === 'object' ? Object.keys(p.v) : [];
        expect(r.errors.length).toBeGreaterThan(0);
        for (const e of r.errors) {
          expect(e).not.toMatch(INTERNAL);
          // One line of text per problem: a key's control characters shown escaped, not printed.
          expect(e, JSON.stringify(e)).not.toMatch(/[\u0000-\u001f\u007f]/);
          expect(names_subject(e, keys), e).toBe(true);
        }
      }),
      3000,
    );
  });

  it('tools/kconfig: exit 0 with the config, or 2 with one line per problem; the file is not changed', { timeout: fuzz_timeout(30_000) }, async () => {
    await fuzz_check(
      'kconfig cli on mutated configs',
      fc.asyncProperty(config_text_arb, fc.constantFrom([], ['--check'], ['--dotconfig']), async (text, flags) => {
        const file = file_of(text);
        const r = await run_tool('kconfig', [...flags, file]);
        if (r.uncaught) throw r.uncaught;
        expect(unchanged(file, text), 'the file was changed').toBe(true);
        const p = parse(text);
        if (r.status === 0) {
          expect(r.stderr).toBe('');
          if (!flags.length) expect(typeof JSON.parse(r.stdout)).toBe('object');
          return;
        }
        expect(r.status).toBe(2);
        expect(r.stdout).toBe('');
        const lines = r.stderr.split('\n').slice(0, -1);
        expect(lines.length).toBeGreaterThan(0);
        expect(r.stderr).not.toMatch(INTERNAL);
        // Invalid JSON is one message naming the file; otherwise one per problem, as the resolver gives them.
        if (!p.ok) expect(lines).toEqual([expect.stringMatching(new RegExp(`^kconfig: ${file}: invalid JSON: `))]);
        else expect(lines).toEqual((resolve_config(DB, p.v) as { errors: readonly string[] }).errors.map((e) => `kconfig: ${e}`));
      }),
      150,
      0.02,
    );
  });
});

// ---- Kconfig.json ---------------------------------------------------------------------------

/** Words of Kconfig.json: symbol names, property names, types, expression pieces. */
const DB_WORDS = [...SYMBOLS, 'type', 'prompt', 'default', 'depends_on', 'select', 'range', 'choices', 'help', 'value', 'if', 'bool', 'tristate', 'int', 'hex', 'string'];
const expr_arb: fc.Arbitrary<json> = fc
  .array(fc.constantFrom('MMC', 'PSTORE', 'MODULES', 'NOPE', '&&', '||', '!', '(', ')', '=', '!=', 'y', 'm', 'n', '"6.1"', ' ', '0x10'), { minLength: 0, maxLength: 8 })
  .map((t) => t.join(' '));
const db_value_arb = fc.oneof(odd_value_arb(DB_WORDS), expr_arb, fc.constantFrom<json>(['MMC'], ['NOPE'], ['MMC', 'MMC'], [], [1, 0], [0, 1], ['a'], [{ value: 'y', if: 'MMC' }], [{ value: 'y' }, { value: 'n', if: '(' }]));

describe('Kconfig.json', () => {
  it('a mutated database is checked without an exception: accepted, or every problem named', { timeout: fuzz_timeout(30_000) }, async () => {
    const base = structuredClone(DB) as unknown as json;
    await fuzz_check(
      'kconfig database',
      fc.property(mutated_text_arb([base], DB_WORDS, db_value_arb), fc.oneof(fc.constant({} as json), plausible_config_arb), (m, user) => {
        const p = parse(render([base], m));
        if (!p.ok) return;
        const v = validate_kconfig_db(p.v);
        const r = resolve_config(p.v as KconfigDb, user);
        if (!v.ok) {
          expect(r).toEqual({ ok: false, errors: v.errors.map((e) => `invalid Kconfig database: ${e}`) });
          // A JSON path (its keys may hold anything, spaces and newlines included), a symbol, or the loop.
          for (const e of v.errors) expect(e).toMatch(/^(\/[\s\S]*: |[A-Z][A-Z0-9_]*: |recursive dependency: )/);
        }
        if (!r.ok) for (const e of r.errors) expect(e).not.toMatch(INTERNAL);
      }),
      600,
    );
  });
});

// ---- scenario files -------------------------------------------------------------------------

const CATALOGUE = new URL('../scenarios/', import.meta.url);
const SCENARIOS = readdirSync(CATALOGUE).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(new URL(f, CATALOGUE), 'utf8')) as json);
const SCENARIO_WORDS = ['name', 'description', 'steps', 'expect', 'outcome', 'do', 'cpu', 'text', 'dev', 'op', 'sector', 'blocks', 'background', 'panic', 'oops', 'io', 'printk', 'wait_for', 'phase', 'board', 'card', 'host', 'config', 'cmdline', 'hosts', 'variant', 'v4', 'v5', 'proposed', 'mock', 'sdhci', 'serial', 'RECOVERED', 'LOST', 'counters', 'files', 'matches', 'image', 'capacity', 'gpt', 'size', 'faults', 'kind', 'opcode', 'mmcblk0p2', 'mmcblk0boot0', 'read', 'write', 'rcv', 'prg', 'MMC_PSTORE', 'NR_CPUS'];
const step_arb: fc.Arbitrary<json> = fc.oneof(
  fc.constantFrom<json>({ do: 'panic' }, { do: 'oops', cpu: 1 }, { do: 'printk', text: 'x' }, { do: 'io', dev: 'mmcblk0p2', op: 'write', sector: 0 }, { do: 'wait_for', phase: 'prg' }, { do: 'unlink', file: 'dmesg-pstore_blk-0' }, { do: 'rmmod', module: 'mmcpstore' }),
  fc.record({ do: fc.constantFrom('io', 'panic', 'sleep', 'hold_lock', 'cqe_enable', 'dma_straddle'), cpu: fc.integer({ min: -1, max: 65 }), sector: fc.integer({ min: -1, max: 2 ** 40 }), blocks: fc.integer({ min: 0, max: 70000 }), ms: fc.double({ min: -1, max: 1e9, noNaN: true }) }) as fc.Arbitrary<json>,
);
const scenario_value_arb = fc.oneof(odd_value_arb(SCENARIO_WORDS), step_arb, fc.array(step_arb, { maxLength: 3 }) as fc.Arbitrary<json>);
const scenario_arb = mutated_text_arb(SCENARIOS, SCENARIO_WORDS, scenario_value_arb);

/** load_scenarios on @file: the scenario, or the UsageError's messages; any other exception escapes. */
const load = (file: string): { ok: true } | { ok: false; messages: readonly string[] } => {
  try {
    expect(load_scenarios([file]).length).toBe(1);
    return { ok: true };
  } catch (e) {
    if (e instanceof UsageError) return { ok: false, messages: e.messages };
    throw e;
  }
};

describe('scenario files', () => {
  it('the loader never throws but a UsageError whose every message names the file and the JSON path', { timeout: fuzz_timeout(30_000) }, async () => {
    await fuzz_check(
      'scenario load',
      fc.property(scenario_arb, (m) => {
        const text = render(SCENARIOS, m);
        const file = file_of(text);
        const r = load(file);
        expect(unchanged(file, text), 'the file was changed').toBe(true);
        if (r.ok) return;
        expect(r.messages.length).toBeGreaterThan(0);
        for (const msg of r.messages) {
          expect(msg).not.toMatch(INTERNAL);
          expect(msg, JSON.stringify(msg)).not.toMatch(/[\n\r]/);
          expect(msg.startsWith(`${file}: `), msg).toBe(true);
          // A JSON path ("/steps/2/do", "/" for the whole; keys may hold anything), or the JSON that did not parse.
          expect(msg.slice(file.length + 2), msg).toMatch(/^(\/[\s\S]*: \S|invalid JSON: )/);
        }
      }),
      800,
      0.2,
    );
  });

  it('a scenario message naming a key with a newline is one line (the key is shown quoted)', () => {
    const s = structuredClone(SCENARIOS[0]) as { board?: unknown };
    s.board = { card: { 'q\nr': 1 } };
    const r = load(file_of(JSON.stringify(s)));
    expect(r.ok).toBe(false);
    for (const m of (r as { messages: readonly string[] }).messages) expect(m).not.toContain('\n');
  });

  // Found by fuzzing: JSON.stringify leaves DEL and the C1 controls raw (lib/printable_key.ts).
  it('a scenario message shows a key holding DEL escaped', () => {
    const s = structuredClone(SCENARIOS[0]) as { board?: unknown };
    s.board = { card: { 'q\u007f': 1 } };
    const r = load(file_of(JSON.stringify(s)));
    expect(r.ok).toBe(false);
    for (const m of (r as { messages: readonly string[] }).messages) expect(m).not.toMatch(/[\u007f-\u009f]/);
  });

  it('tools/run-scenario on a rejected file: exit 2, the loader\'s messages and nothing else', { timeout: fuzz_timeout(30_000) }, async () => {
    await fuzz_check(
      'run-scenario on mutated scenarios',
      fc.asyncProperty(scenario_arb, async (m) => {
        const text = render(SCENARIOS, m);
        const file = file_of(text);
        const r = load(file);
        // An accepted one would run the scenario: the seconds that the catalogue's own tests spend.
        fc.pre(!r.ok);
        const run = await run_tool('run-scenario', [file]);
        if (run.uncaught) throw run.uncaught;
        expect([run.status, run.stdout]).toEqual([2, '']);
        expect(run.stderr).toBe((r as { messages: readonly string[] }).messages.map((x) => `run-scenario: ${x}\n`).join(''));
        expect(unchanged(file, text), 'the file was changed').toBe(true);
      }),
      60,
      0.01,
    );
  });
});
