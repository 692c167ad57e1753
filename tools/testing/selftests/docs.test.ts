// Every command in the docs runs. Each ```sh block of README.md and docs/*.md is run, in the
// order of its file, as one bash script (errexit, pipefail) in a scratch directory of that file
// which sees the repo's top-level entries, so `tools/run-scenario` works there and what a command
// writes (my.json, card.img, report.html) lands in the scratch directory; a block's background
// jobs are stopped at its end. Each ```ts block is run with tsx from the same directory, except an
// excerpt (```ts from FILE), which must be found in FILE word for word. The one exception is the
// check against a real kernel (```sh manual): it boots Linux under QEMU, by hand, not in CI.
// `npm ci && ` is dropped (CI has just run it) and `npm test` is not run (it is this suite). A
// command whose comment ends in "(exit status N)" must exit with N.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../../', import.meta.url).pathname;
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

interface block {
  readonly lang: 'sh' | 'ts';
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The file an excerpt is taken from. */
  readonly from?: string;
}

export const blocks_of = (text: string): block[] =>
  [...text.matchAll(/^```(sh|ts)(?: from (\S+))?\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1] as 'sh' | 'ts',
    code: m[3]!,
    line: text.slice(0, m.index).split('\n').length,
    ...(m[2] ? { from: m[2] } : {}),
  }));

/** @line, made to fail unless it exits with the status its comment names. */
const with_status = (line: string): string => {
  const m = /^(.*?)\s+#.*\(exit status (\d+)\)$/.exec(line);
  if (!m) return line;
  return `set +e; ${m[1]}; s=$?; set -e; [ $s = ${m[2]} ] || { echo "exit status $s, not ${m[2]}: ${m[1]!.replace(/["$`\\]/g, '\\$&')}" >&2; exit 1; }`;
};

/** The script a sh block runs as: the install step dropped, the test suite left out. */
export const script_of = (code: string): string =>
  code
    .split('\n')
    .filter((l) => !/^(npm ci && )?npm test$/.test(l.trim()))
    .map((l) => with_status(l.replace(/^npm ci && /, '')))
    .join('\n');

/** A directory whose entries link to the repo's, node_modules holding the package itself too. */
const scratch = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'docs-'));
  for (const e of readdirSync(ROOT)) if (e !== 'node_modules' && !e.startsWith('.')) symlinkSync(join(ROOT, e), join(dir, e));
  mkdirSync(join(dir, 'node_modules'));
  for (const e of readdirSync(join(ROOT, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules', e), join(dir, 'node_modules', e));
  symlinkSync(ROOT, join(dir, 'node_modules', 'mmcpstore-ts'));
  return dir;
};

// tsx in the scratch directory applies the repo's tsconfig (decorators) to the repo's files, which
// lie outside it once symlinks are resolved; run from the checkout, it finds the same file itself.
// 'mmcpstore-ts' in a snippet is this checkout, through the exports' 'source' condition (the
// TypeScript sources; tools/package.test.ts checks the built package).
const env = { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'), NODE_OPTIONS: '--conditions=source' };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const WITH_BLOCKS = DOCS.map((doc) => [doc, blocks_of(readFileSync(join(ROOT, doc), 'utf8'))] as const).filter(([, b]) => b.length > 0);

describe.each(WITH_BLOCKS)('the commands of %s', (doc, blocks) => {
  const dir = scratch();
  dirs.push(dir);
  it.each(blocks.map((b) => [b.line, b] as const))(`the block at line %s`, (_, b) => {
    if (b.from) return expect(readFileSync(join(ROOT, b.from), 'utf8'), `${doc}:${b.line} is not in ${b.from}`).toContain(b.code);
    const r =
      b.lang === 'sh'
        ? spawnSync('bash', ['-c', `set -eo pipefail\n${script_of(b.code)}\nkill $(jobs -p) 2>/dev/null || true\nwait`], { cwd: dir, env, encoding: 'utf8', timeout: 240_000 })
        : (writeFileSync(join(dir, `snippet-${b.line}.ts`), b.code), spawnSync(join(dir, 'node_modules/.bin/tsx'), [`snippet-${b.line}.ts`], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 }));
    expect(r.status, `${doc}:${b.line}\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-4000)}`).toBe(0);
  }, 300_000);
});

describe('the docs runner', () => {
  it('finds the blocks and leaves out the install and the suite', () => {
    const md = ['# x', '```sh', 'npm ci && tools/run-scenario', 'npm ci && npm test', '```', 'text', '```json', '{}', '```', '```ts', 'let a = 1;', '```', '```ts from x.ts', 'a;', '```', ''].join('\n');
    const b = blocks_of(md);
    expect(b.map((x) => [x.lang, x.line, x.from])).toEqual([['sh', 2, undefined], ['ts', 10, undefined], ['ts', 13, 'x.ts']]);
    expect(script_of(b[0]!.code)).toBe('tools/run-scenario\n');
    const run = (line: string) => spawnSync('bash', ['-c', `set -eo pipefail\n${script_of(line)}\necho after`], { encoding: 'utf8' });
    expect(run('(exit 1)   # fails (exit status 1)').stdout).toBe('after\n');
    expect(run('true   # should fail (exit status 1)')).toMatchObject({ status: 1, stdout: '', stderr: 'exit status 0, not 1: true\n' });
    expect(run('(exit 2)   # plain comment').status).toBe(2);
    const manual = DOCS.flatMap((doc) => [...readFileSync(join(ROOT, doc), 'utf8').matchAll(/^```sh manual\n([\s\S]*?)^```$/gm)].map((m) => m[1]!));
    expect(manual.length).toBe(1);
    expect(manual[0]).toContain('../shared/kernel-interop/kernel-read.sh');
    expect(WITH_BLOCKS.map(([doc]) => doc)).toEqual(expect.arrayContaining(['README.md', 'docs/writing-a-variant.md']));
  });
});
