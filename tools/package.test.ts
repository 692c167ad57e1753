// The package as npm would ship it: `npm pack`, installed into an empty project, runs the default
// scenarios through its bin entry.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sh = (cmd: string, args: string[], cwd: string) => spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });

describe('npm pack', () => {
  it('gives a tarball that installs in an empty folder, where npx run-scenario runs the default scenarios', () => {
    const pack = sh('npm', ['pack', '--pack-destination', dir], ROOT);
    expect(pack.status).toBe(0);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    const install = sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, tarball)], app);
    expect(install.status, install.stderr).toBe(0);
    const run = sh('npx', ['--no-install', 'run-scenario'], app);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/\n18 runs: 18 as expected, 0 not, 4 skipped \(4 on mock: the scenario needs sdhci\)\n$/);
  }, 120_000);
});
