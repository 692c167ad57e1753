// SPDX-License-Identifier: GPL-2.0
// Black-box tests of tools/kconfig: the real executable, spawned.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const TOOL = fileURLToPath(new URL('./kconfig', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kconfig-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
function run(args: string[], input?: string) {
  const r = spawnSync(TOOL, args, { input, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tools/kconfig', { timeout: 60_000 }, () => {
  it('prints the defaults as JSON without a file', () => {
    const r = run([]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const c = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(c).toMatchObject({ MMC_PSTORE: 'y', PSTORE_BLK: 'y', PSTORE_ZONE: 'y', PSTORE_BLK_KMSG_SIZE: 64, PSTORE_COMPRESS_PROFILE: '6.1' });
    expect(r.stdout).toContain('\n  "MODULES": "y",\n'); // pretty-printed
  });

  it('MMC_PSTORE=m selects PSTORE_BLK=m, which selects PSTORE_ZONE=m', () => {
    const r = run([file('m.json', '{"MMC_PSTORE":"m"}')]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ MMC_PSTORE: 'm', PSTORE_BLK: 'm', PSTORE_ZONE: 'm', PSTORE: 'y' });
  });

  it('reads stdin with -', () => {
    const r = run(['-'], '{"CONFIG_HZ": "1000"}');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ HZ: 1000 });
  });

  it('rejects an invalid config with exit 2 and every message on stderr', () => {
    const r = run([file('bad.json', '{"PSTORE":"n","NR_CPUS":99,"BOGUS":"y"}')]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      'kconfig: NR_CPUS: 99 is out of range (must be 1..64)',
      'kconfig: BOGUS: unknown symbol',
      'kconfig: MMC_PSTORE=y selects PSTORE_BLK, but PSTORE_BLK depends on PSTORE && MMC_BLOCK, which is n (PSTORE=n, MMC_BLOCK=y)',
      'kconfig: PSTORE_BLK=y selects PSTORE_ZONE, but PSTORE_ZONE depends on PSTORE, which is n (PSTORE=n)',
    ]);
  });

  it('--check prints nothing and exits 0 on a valid config, 2 on an invalid one', () => {
    const good = run(['--check', file('good.json', '{"MMC":"m"}')]);
    expect(good).toEqual({ status: 0, stdout: '', stderr: '' });
    const bad = run(['--check', file('bad2.json', '{"MMC":"m","MMC_PSTORE":"y"}')]);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe('kconfig: MMC_PSTORE=y: can be at most m because it depends on MMC_BLOCK, which is m (MMC_BLOCK=m)\n');
  });

  it('--dotconfig prints .config lines', () => {
    const r = run(['--dotconfig', file('dot.json', '{"MMC_PSTORE":"m","PSTORE_BLK_BLKDEV":"mmcblk0p5"}')]);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toContain('CONFIG_MMC_PSTORE=m');
    expect(lines).toContain('CONFIG_PSTORE_BLK=m');
    expect(lines).toContain('CONFIG_MMC_SERIAL=y');
    expect(lines).toContain('CONFIG_PSTORE_BLK_BLKDEV="mmcblk0p5"');
    expect(lines).toContain('CONFIG_NR_CPUS=2');
    expect(r.stdout).not.toContain('PSTORE_BLK_PMSG_SIZE'); // dependency unmet: left out
  });

  it.each([
    [['/nonexistent/kconfig.json'], 'kconfig: /nonexistent/kconfig.json: cannot read: ENOENT'],
    [[file('broken.json', '{"MMC": ')], 'invalid JSON'],
    [[file('array.json', '["MMC"]')], 'kconfig: a config must be a JSON object of SYMBOL: value, not an array'],
    [['--bogus'], "kconfig: unknown option '--bogus'"],
    [['a.json', 'b.json'], 'kconfig: too many arguments'],
  ])('bad input %j: exit 2, %s', (args, message) => {
    const r = run(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr.startsWith('kconfig: ')).toBe(true);
  });

  it('--help shows usage and an example', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: tools/kconfig [options] [config]');
    expect(r.stdout).toContain('Example:');
    expect(r.stdout).toContain('--dotconfig');
  });
});
