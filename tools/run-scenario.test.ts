// The main job from the command line, and the README's promise about it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { write_mbr } from './lib/mkdisk.ts';
import { openFileHandle } from './lib/node-file.ts';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(`${ROOT}tools/run-scenario`, args, { encoding: 'utf8', cwd: '/' });

describe('tools/run-scenario', () => {
  it('boots the default board and prints its log', () => {
    const r = run();
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
      [['--config', `${ROOT}package.json`], /^run-scenario: .*package\.json: name: unknown symbol/],
      [['scenario.json'], /^run-scenario: scenario files are not supported yet: scenario\.json/],
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
