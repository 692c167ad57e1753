// The package as npm would ship it: `npm pack` (whose prepack builds dist/), installed into an
// empty project, used there as a user would: the bin entries on plain node (no tsx, no sources),
// both entries imported by node, and a TypeScript consumer checked against the shipped types.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'pack-'));
const app = join(dir, 'app');
const CATALOGUE = 'node_modules/mmcpstore-ts/scenarios';
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sh = (cmd: string, args: string[], cwd = app) => spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
const npx = (...args: string[]) => sh('npx', ['--no-install', ...args]);
/** Write @name in the app and run it with plain node; what it printed, parsed. */
const node_json = (name: string, text: string): unknown => {
  writeFileSync(join(app, name), text);
  const r = sh(process.execPath, [name]);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
};

/** The tarball's paths, without the leading package/. */
let files: string[] = [];

beforeAll(() => {
  const pack = sh('npm', ['pack', '--pack-destination', dir], ROOT);
  expect(pack.status, pack.stderr).toBe(0);
  const tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
  files = sh('tar', ['-tzf', tarball], dir).stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  const install = sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball]);
  expect(install.status, install.stderr).toBe(0);
}, 120_000);

describe('npm pack', () => {
  it('gives a tarball that installs in an empty folder, where npx run-scenario runs the default scenarios', () => {
    const run = npx('run-scenario');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/\n23 runs: 23 as expected, 0 not, 4 skipped \(4 on mock: the scenario needs sdhci\)\n$/);
    // The worker threads are found next to the bundle, and change nothing.
    expect(npx('run-scenario', '--jobs', '2').stdout).toBe(run.stdout);
  }, 60_000);

  it('ships dist/, the catalogue and the boards; no test, bench or source file; hw.js without Node or tsyringe', () => {
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/hw.js', 'dist/browser.js', 'dist/node.js', 'dist/run-scenario', 'scenarios/S01-idle.json', 'boards/sdhci.json']));
    expect(files.filter((f) => /\.test\.ts$|^(bench|test-artifacts|tools)\/|(?<!\.d)\.ts$/.test(f))).toEqual([]);
    const hw = readFileSync(join(app, 'node_modules/mmcpstore-ts/dist/hw.js'), 'utf8');
    expect(hw).not.toMatch(/["']node:|tsyringe|\brequire\(/);
  });

  it('runs the serial host against an mmc-bridge process on a pty, and pstore-read finds the panic record in the kept card', () => {
    mkdirSync(join(app, 'cards'));
    const run = npx('run-scenario', '--host', 'serial', '--bridge', 'pty', '--keep-images', 'cards', `${CATALOGUE}/S01-idle.json`);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/\nS01-idle +serial +v5 +RECOVERED +RECOVERED +[\d.]+ +ok\n1 runs: 1 as expected, 0 not\n$/);
    // The GPT every scenario card has: boot 64 MiB and rootfs 1 GiB from 1 MiB, then pstore.
    const read = npx('pstore-read', 'cards/S01-idle-serial-v5-seed1.img', '--offset', String(1089 << 20), '--size', String(4 << 20), '--out', 'pstore');
    expect(read.status, read.stderr).toBe(0);
    const [record] = readdirSync(join(app, 'pstore'));
    expect(readFileSync(join(app, 'pstore', record!), 'utf8')).toContain('Kernel panic - not syncing: S01');
  }, 60_000);

  it('resolves a config with npx kconfig', () => {
    writeFileSync(join(app, 'config.json'), '{ "MMC_PSTORE": "m" }');
    const r = npx('kconfig', 'config.json');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ MMC_PSTORE: 'm', MODULES: 'y' });
  });

  it('gives node the device models from mmcpstore-ts/hw: a controller with a card reads its registers', () => {
    const got = node_json('hw.mjs', `
      import { EmmcCard, GuestRam, SDHCI, SdhciController, SparseBackend } from 'mmcpstore-ts/hw';
      const clock = { now: 0, at: (time) => ({ time, cancelled: false }), cancel: () => {} };
      const card = new EmmcCard({ clock, user: new SparseBackend({ size: 64 << 20 }), poweredOn: true });
      const sdhci = new SdhciController({ clock, card, irq: { set() {} }, dma: new GuestRam({ base: 0, size: 1 << 20 }) });
      const present = (sdhci.read(SDHCI.SDHCI_PRESENT_STATE, 4) & SDHCI.SDHCI_CARD_PRESENT) !== 0;
      console.log(JSON.stringify({ version: sdhci.read(SDHCI.SDHCI_HOST_VERSION, 2) & 0xff, present }));`);
    expect(got).toEqual({ version: 2, present: true }); // SDHCI_SPEC_300, the card in the slot
  });

  it('gives node the machine from mmcpstore-ts: a panic record comes back after reboot, and runScenario runs a catalogue scenario', () => {
    const got = node_json('machine.mjs', `
      import { createMachine, runScenario } from 'mmcpstore-ts';
      const m = await createMachine({ cmdline: 'pstore_blk.blkdev=/dev/mmcblk0p3 pstore_blk.kmsg_size=64' });
      await m.mount_pstore();
      await m.printk('from the package');
      await m.panic('packaged crash');
      const next = await m.reboot();
      await next.mount_pstore();
      const records = next.pstore_files().map((f) => ({ name: f.name, text: new TextDecoder().decode(f.data) }));
      const r = await runScenario('${CATALOGUE}/S04-sdhci-host-lock-held.json', { host: 'sdhci' });
      console.log(JSON.stringify({ halted: m.halted, records, run: [r.scenario, r.host, r.variant, r.outcome, r.expected, r.failures] }));`) as { halted: string; records: { name: string; text: string }[]; run: unknown[] };
    expect(got.halted).toBe('panic');
    const dmesg = got.records.find((f) => f.name.startsWith('dmesg-'))!;
    expect(dmesg.text).toContain('from the package');
    expect(dmesg.text).toContain('Kernel panic - not syncing: packaged crash');
    expect(got.run).toEqual(['S04-sdhci-host-lock-held', 'sdhci', 'v5', 'DEADLOCK', 'DEADLOCK', []]);
  }, 30_000);

  it('types both entries for a TypeScript consumer', () => {
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, noEmit: true, types: [] }, files: ['consumer.mts'] }));
    writeFileSync(join(app, 'consumer.mts'), `
      import { EmmcCard, SdhciController, SparseBackend, type Clock } from 'mmcpstore-ts/hw';
      import { createMachine, runScenario, type MachineHandle } from 'mmcpstore-ts';
      declare const clock: Clock;
      const card = new EmmcCard({ clock, user: new SparseBackend({ size: 1 << 20 }) });
      const sdhci: SdhciController = new SdhciController({ clock, card, irq: { set: () => {} }, dma: null! });
      const version: number = sdhci.read(0xfe, 2);
      const m: MachineHandle = await createMachine({ seed: 2, config: { MMC_PSTORE: 'm' } });
      const outcome: string | null = (await runScenario('S01.json', { host: 'sdhci', variant: 'proposed' })).expected;
      // @ts-expect-error: the types are the package's, not any
      await runScenario('S01.json', { host: 'qemu' });
      // @ts-expect-error: a machine's log is a string
      const n: number = m.dmesg();
      console.log(version, outcome, n);`);
    const tsc = sh(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', app]);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 30_000);
});
