// The main job from the command line, and the README's promise about it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { write_mbr } from './lib/mkdisk.ts';
import { make_image } from './testing/mmc.ts';
import { openFileHandle } from './lib/node-file.ts';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
// The matrix's JSON holds every run's logs: several MiB with the power-cut scenarios' busy logs.
const run = (...args: string[]) => spawnSync(`${ROOT}tools/run-scenario`, args, { encoding: 'utf8', cwd: '/', maxBuffer: 64 << 20 });

const DEFAULT_BOARD = `${ROOT}boards/default.json`;

const scenario = (name: string, outcome: Record<string, string>, steps: unknown[] = [{ do: 'printk', text: 'x' }, { do: 'panic', cpu: 1 }]) =>
  JSON.stringify({ name, description: `the ${name} scenario`, steps, expect: { outcome } });

describe('tools/run-scenario', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the catalogue on the mock host with v5 and prints a table of computed outcomes', () => {
    const r = run();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^SCENARIO +HOST +VARIANT +OUTCOME +EXPECTED +PANIC-WRITE ms +RESULT$/);
    expect(lines.find((l) => l.startsWith('S10-'))).toMatch(/^S10-host-runtime-suspended +mock +v5 +TIMEOUT +TIMEOUT +1055\.0 +ok$/);
    expect(r.stdout).toMatch(/\n23 runs: 23 as expected, 0 not, 4 skipped \(4 on mock: the scenario needs sdhci\)\n$/);
  }, 30_000);

  it('exits 1 and says why when an outcome is not the expected one; the run of a user variant module', () => {
    const file = join(dir, 'wrong.json');
    writeFileSync(file, scenario('wrong', { v5: 'LOST' }));
    const r = run(file);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('FAIL wrong on mock with v5: outcome RECOVERED (the record came back intact), expected LOST\n');
    const counted = join(dir, 'counted.json');
    writeFileSync(counted, JSON.stringify({ ...JSON.parse(scenario('counted', { v5: 'RECOVERED' })), expect: { outcome: { v5: 'RECOVERED' }, counters: { panic_writes: { max: 1 }, writes_outside_window: 0 } } }));
    const c = run(counted);
    expect(c.status).toBe(1);
    expect(c.stdout).toMatch(/FAIL counted on mock with v5: counter panic_writes is [2-9], expected 0\.\.1\n/);

    // A variant of the user's that declines every panic write (-EBUSY, nothing logged): the record is lost.
    const variant = join(dir, 'decline.mts');
    writeFileSync(variant, [
      `import { MMC_PANIC_VARIANT } from '${ROOT}include/linux/mmc/panic.h.ts';`,
      `export default { name: 'decline', async module_init(c) {`,
      `  c.register(MMC_PANIC_VARIANT, { useValue: { name: 'decline', panic_write: async () => -16 } });`,
      `  return 0; } };`,
    ].join('\n'));
    const u = run(file, '--variant', variant);
    expect(u.stderr).toBe('');
    expect(u.status).toBe(0); // the scenario states nothing about this variant
    expect(u.stdout).toMatch(/\nwrong +mock +decline +LOST +- +0\.0 +ok\n/);
  }, 30_000);

  it('splits a matrix into shards whose merged JSON is the whole, and writes JUnit', () => {
    const full = run('--matrix', '--json');
    expect(full.status).toBe(0);
    const parts = ['1/3', '2/3', '3/3'].map((k, i) => {
      const p = run('--matrix', '--json', '--shard', k);
      writeFileSync(join(dir, `part${i}.json`), p.stdout);
      return JSON.parse(p.stdout).runs.length;
    });
    expect(parts).toEqual([66, 66, 66]);
    const junit = join(dir, 'report.xml');
    const merged = run('--merge', ...[0, 1, 2].map((i) => join(dir, `part${i}.json`)), '--json', '--junit', junit);
    expect(JSON.parse(merged.stdout)).toEqual(JSON.parse(full.stdout));
    const xml = readFileSync(junit, 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(198 + 15);
    expect(xml).toContain('<testcase classname="run-scenario.mock.v5" name="S12-system-suspend-window [mock, v5, seed 1]"');
    const grid = run('--matrix');
    expect(grid.stdout.split('\n')[0]).toMatch(/^SCENARIO +mock\/v4 +mock\/v5 +mock\/proposed +sdhci\/v4 +sdhci\/v5 +sdhci\/proposed +serial\/v4 +serial\/v5 +serial\/proposed$/);
    expect(grid.stdout).toMatch(/\nS12-system-suspend-window +LOST +LOST +REFUSED +LOST +LOST +REFUSED +LOST +LOST +REFUSED\n/);
    expect(grid.stdout).toMatch(/\nS04-sdhci-host-lock-held +· +· +· +DEADLK +DEADLK +REC +· +· +·\n/);
    expect(grid.stdout).toMatch(/\nS06-r1b-busy +REC +REC +REC +REC +REC +REC +· +· +·\n/);
    expect(grid.stdout).toMatch(/\n198 runs: 198 as expected, 0 not, 15 skipped \(4 on mock: the scenario needs sdhci; 4 on serial: the scenario needs sdhci; 2 on serial: the serial bridge runs the card's data, prg, busy phases inside one exchange; 5 on serial: the scenario needs mock or sdhci\)\n$/);
  }, 60_000);

  it('explores a scenario, prints the histogram, and the printed replay command reproduces its point', () => {
    const s05 = `${ROOT}scenarios/S05-multiblock-write-data-phase.json`;
    const a = run(s05, '--explore', '--variant', 'v5');
    expect(a.stderr).toBe(''); // no progress bar when piped
    expect(a.status).toBe(0);
    const head = /^S05-multiblock-write-data-phase on mock with v5, seed 1: (\d+) yield points, (\d+) runs\n/.exec(a.stdout)!;
    expect(head[1]).toBe(head[2]);
    const classes = [...a.stdout.matchAll(/^  ([A-Z_]+) +(\d+) +#+ +first at +(\d+): (tools\/run-scenario .*)$/gm)];
    expect(classes.reduce((t, c) => t + Number(c[2]), 0)).toBe(Number(head[1]));
    expect(run(s05, '--explore', '--variant', 'v5').stdout).toBe(a.stdout);
    for (const c of classes) {
      const args = c[4]!.split(' ').slice(1);
      expect(args).toEqual([s05, '--host', 'mock', '--variant', 'v5', '--seed', '1', '--replay', c[3]]);
      const r = run(...args);
      expect(r.stdout).toMatch(new RegExp(`\\nS05-multiblock-write-data-phase on mock with v5, seed 1, panic at yield point ${c[3]}: ${c[1]} `));
      expect(r.stdout).toContain('---- the crashing boot\n');
    }
    const trace = join(dir, 'replay.trace.json');
    expect(run(s05, '--replay', '3', '--trace', trace).status).toBe(0);
    const events = JSON.parse(readFileSync(trace, 'utf8')).traceEvents as Array<{ cat?: string; name: string }>;
    expect(events.filter((e) => e.cat === 'panic').map((e) => e.name)).toEqual(['panic: S05: Kernel panic - not syncing']);
    const every = run(s05, '--explore', '--every', '5', '--json');
    expect(JSON.parse(every.stdout).runs.map((r: { point: number }) => r.point).slice(0, 3)).toEqual([1, 6, 11]);
  }, 60_000);

  it('keeps each run\'s final card as raw images that tools/pstore-read reads the crash from', () => {
    const images = join(dir, 'images');
    mkdirSync(images);
    const r = run(`${ROOT}scenarios/S01-idle.json`, '--keep-images', images, '--variant', 'proposed');
    expect(r.status).toBe(0);
    expect(readdirSync(images).sort()).toEqual(['S01-idle-mock-proposed-seed1.boot0.img', 'S01-idle-mock-proposed-seed1.boot1.img', 'S01-idle-mock-proposed-seed1.img']);
    const img = join(images, 'S01-idle-mock-proposed-seed1.img');
    expect(statSync(img).size).toBe(8 * 2 ** 30);
    // p3 starts at sector 2230272 (64 MiB + 1 GiB after the GPT's first MiB).
    const out = join(dir, 'read');
    const read = spawnSync(`${ROOT}tools/pstore-read`, [img, '--offset', String(2230272 * 512), '--size', String(4 * 2 ** 20), '--out', out], { encoding: 'utf8' });
    expect(read.status).toBe(0);
    const text = readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8')).join('');
    expect(text).toContain('Kernel panic - not syncing: S01: Kernel panic - not syncing');
  }, 30_000);

  it('starts from a card image the scenario names, through a copy-on-write overlay: the file is never written', () => {
    const img = join(dir, 'lab.img');
    make_image(img, 256 * 2 ** 20, [
      { name: 'boot', size: '64MiB' },
      { name: 'rootfs', size: '128MiB' },
      { name: 'pstore', size: '4MiB' },
    ]);
    const before = createHash('sha256').update(readFileSync(img)).digest('hex');
    const file = join(dir, 'on-image.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(scenario('on-image', { v5: 'RECOVERED' })), board: { card: { image: 'lab.img' } } }));
    const r = run(file, '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).runs[0].dmesg).toContain('mmcblk0: mmc0:0001 MMC08G 256 MiB');
    expect(createHash('sha256').update(readFileSync(img)).digest('hex')).toBe(before);
    writeFileSync(file, JSON.stringify({ ...JSON.parse(scenario('on-image', { v5: 'RECOVERED' })), board: { card: { image: 'nope.img' } } }));
    const bad = run(file);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/on-image\.json: \/board\/card\/image: no such file: .*nope\.img\n$/);
  }, 30_000);

  it('gives the same report on two worker threads as on one', () => {
    const files = ['S01-idle', 'S04-sdhci-host-lock-held', 'S05-multiblock-write-data-phase', 'S12-system-suspend-window'].map((f) => `${ROOT}scenarios/${f}.json`);
    const one = run(...files, '--host', 'sdhci', '--json');
    const two = run(...files, '--host', 'sdhci', '--json', '--jobs', '2');
    expect(two.stderr).toBe('');
    expect(JSON.parse(two.stdout).runs).toHaveLength(4);
    expect(two.stdout).toBe(one.stdout);
    const explore = (...more: string[]) => run(files[2]!, '--explore', '--every', '7', '--json', ...more).stdout;
    expect(explore('--jobs', '2')).toBe(explore());
  }, 60_000);

  it('runs the serial host against a tools/mmc-bridge per run, the card-side audit read from its journal', () => {
    const s = (n: string) => `${ROOT}scenarios/${n}.json`;
    const images = join(dir, 'bridge-images');
    mkdirSync(images);
    const r = run(s('S01-idle'), s('S18-interleaved-boot0-io'), s('S13-cqe-idle'), s('S06-r1b-busy'), '--host', 'serial', '--bridge', 'tcp', '--keep-images', images);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\nS01-idle +serial +v5 +RECOVERED +RECOVERED +[\d.]+ +ok\n/);
    // v5's stale part_curr sends a boot0 write to the user area: the bridge's journal shows it.
    expect(r.stdout).toMatch(/\nS18-interleaved-boot0-io +serial +v5 +CORRUPTION +CORRUPTION +- +ok\n/);
    expect(r.stdout).toMatch(/2 runs: 2 as expected, 0 not, 2 skipped \(1 on serial: tools\/mmc-bridge cannot make the card's cmdq_depth; 1 on serial: the card is in the bridge's process: its phases cannot be waited for\)\n$/);
    // The bridge's own image, kept: p3 starts at sector 2230272.
    const out = join(dir, 'pstore-bridge');
    const p = spawnSync(`${ROOT}tools/pstore-read`, [join(images, 'S01-idle-serial-v5-seed1.img'), '--offset', String(2230272 * 512), '--size', '4M', '--out', out], { encoding: 'utf8' });
    expect(p.stderr).toBe('');
    expect(readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8')).join('')).toContain('Kernel panic - not syncing: S01');
  }, 60_000);

  it('stops quietly, exit status 0, when its reader goes away (| head)', () => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; '${ROOT}tools/run-scenario' --host sdhci --json | head -c 20`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('{\n "format": "mmcpst');
  }, 30_000);

  it('gives one clear message naming file and path, and exit status 2, for each bad input', () => {
    const bad = (name: string, body: string) => {
      writeFileSync(join(dir, name), body);
      return join(dir, name);
    };
    const cases: Array<[string[], RegExp]> = [
      [[bad('type.json', scenario('t', { v5: 'LOST' }, [{ do: 'printk', cpu: 'x', text: 'y' }, { do: 'panic' }]))], /type\.json: \/steps\/0\/cpu: must be integer\n$/],
      [[bad('step.json', scenario('t', { v5: 'LOST' }, [{ do: 'jump' }, { do: 'panic' }]))], /step\.json: \/steps\/0\/do: must be equal to one of the allowed values/],
      [[bad('field.json', JSON.stringify({ name: 'x', steps: [{ do: 'panic' }], expect: { outcome: { v5: 'LOST' } } }))], /field\.json: \/: must have required property 'description'\n$/],
      [[bad('json.json', '{')], /json\.json: invalid JSON/],
      [['/nonexistent'], /^run-scenario: \/nonexistent: no such file or directory\n$/],
      [['--host', 'usb'], /argument 'usb' is invalid\. one of mock, sdhci, serial/],
      [['--shard', '3/2'], /argument '3\/2' is invalid\. K\/N with 1 <= K <= N/],
      [['--merge', bad('notreport.json', '{"runs": []}')], /notreport\.json: \/: must have required property 'format' \(not a run-scenario --json report\?\)/],
      [['--cmdline', 'quiet'], /--config and --cmdline go with --board/],
      [['--every', '3'], /--every and --sample go with --explore/],
      [['--trace-mmio'], /--trace-mmio goes with --trace FILE/],
      [['--keep-images', '/nonexistent-dir'], /--keep-images \/nonexistent-dir: no such directory/],
      [['--bridge', 'tcp'], /--bridge goes with --host serial/],
      [['--host', 'serial', '--bridge', 'usb'], /argument 'usb' is invalid\. one of tcp, pty/],
      [['--variant', 'v6'], /--variant v6: not v4, v5 or proposed, and no such module file\n$/],
      [['--variant', `${ROOT}package.json`], /--variant .*package\.json: /],
      [[bad('config.json', JSON.stringify({ ...JSON.parse(scenario('c', { v5: 'LOST' })), config: { MMC_PSTORE: 'x' } }))], /config\.json: \/config: .*MMC_PSTORE/],
      [['--explore', '--every', '0'], /option '--every <n>' argument '0' is invalid/],
      [['--replay', '4'], /--replay re-runs one point of one run; this asks for 23 runs/],
      [[`${ROOT}scenarios/S01-idle.json`, '--replay', '9999'], /--replay 9999: S01-idle has \d+ yield points on mock with seed 1/],
    ];
    for (const [args, message] of cases) {
      const r = run(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stdout).toBe('');
    }
  }, 60_000);
});

describe('tools/run-scenario --board', () => {
  it('boots the board and prints its log', () => {
    const r = run('--board', DEFAULT_BOARD);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\[    0\.000000\] Booting Linux on physical CPU 0x0\n/);
    expect(r.stdout).toContain('[    0.000000] Kernel command line: console=ttyS0,115200 loglevel=7\n');
    expect(r.stdout).toContain('] mmc0: new HS200 MMC card at address 0001\n');
    expect(r.stdout).toContain(']  mmcblk0: p1 p2 p3\n');
    expect(r.stdout).toMatch(/board default: 2 CPUs, seed 1, up at \d+\.\d{6} s of virtual time, 0 kernel reports\n$/);
  }, 20_000);

  it('gives one clear message and exit status 2 for each kind of bad input', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--seed', '-3'], /^run-scenario: option '--seed <n>' argument '-3' is invalid/],
      [['--nope'], /^run-scenario: unknown option '--nope'/],
      [['--board', '/nonexistent.json'], /^run-scenario: \/nonexistent\.json: cannot read/],
      [['--board', DEFAULT_BOARD, '--config', `${ROOT}package.json`], /^run-scenario: .*package\.json: name: unknown symbol/],
      [['--board', DEFAULT_BOARD, 'scenario.json'], /^run-scenario: --board boots a board; it takes no scenario paths/],
      // Found by tools/fuzz-cli.test.ts: an empty value used to count as the option left out.
      [['--board', ''], /^run-scenario: --board: the value is empty\n$/],
      [['--variant', '', '--html', ''], /^run-scenario: --variant: the value is empty\nrun-scenario: --html: the value is empty\n$/],
    ];
    for (const [args, message] of cases) {
      const r = run(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stdout).toBe('');
    }
  }, 30_000);
});

describe('tools/run-scenario with a board naming an image', () => {
  it('boots the card from the image file, partitions and all', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rs-img-'));
    try {
      const image = join(dir, 'card.img');
      const file = openFileHandle(image, { create: true, size: 64 * 2 ** 20 });
      write_mbr((off, bytes) => file.write(bytes, off), 64 * 2 ** 20, [{ sectors: 8192 }, { sectors: 16384 }]);
      file.close();
      writeFileSync(join(dir, 'board.json'), JSON.stringify({ name: 'img', cpus: 2, cmdline: '', devices: [{ type: 'mmc_mock', card: { image: 'card.img' } }] }));
      const r = run('--board', join(dir, 'board.json'));
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('mmcblk0: mmc0:0001 TSEMMC 64.0 MiB\n');
      expect(r.stdout).toContain(']  mmcblk0: p1 p2\n');
      writeFileSync(join(dir, 'missing.json'), JSON.stringify({ name: 'x', cpus: 1, cmdline: '', devices: [{ type: 'mmc_mock', card: { image: 'nope.img' } }] }));
      const bad = run('--board', join(dir, 'missing.json'));
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/board\.devices\[0\]\.card\.image: no such file: .*nope\.img\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('README', () => {
  it('opens with the two commands a newcomer runs: the main job, then the tests', () => {
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    const first_block = /```[a-z]*\n([\s\S]*?)```/.exec(readme)![1]!.trim().split('\n');
    expect(first_block).toEqual(['npm ci && tools/run-scenario', 'npm ci && npm test']);
    const scripts = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).scripts;
    expect(scripts.test).toMatch(/vitest run/);
  });
});
