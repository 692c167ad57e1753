// The catalogue on the mock and SDHCI hosts, every variant: the outcomes computed from each run
// match what the files expect, and the research's predictions hold independently of the files.
import { describe, expect, it } from 'vitest';
import { load_scenarios } from './load.ts';
import { run_scenario, type run_result } from './run.ts';
import type { host_kind } from './schema.ts';

const all = load_scenarios([]);
const results: run_result[] = [];
const outcome = (id: string, host: host_kind, variant: string): string => {
  const r = results.find((x) => x.scenario.startsWith(id) && x.host === host && x.variant === variant);
  if (!r) throw new Error(`no run of ${id} on ${host} with ${variant}`);
  return r.outcome;
};

describe('the catalogue', () => {
  for (const host of ['mock', 'sdhci'] as const) {
    for (const variant of ['v4', 'v5', 'proposed']) {
      it(`${host}, ${variant}: every run turns out as its scenario expects`, async () => {
        for (const { scenario } of all.filter((s) => !s.scenario.hosts || s.scenario.hosts.includes(host))) {
          const r = await run_scenario(scenario, { host, variant, seed: 1 });
          results.push(r);
          expect(r.failures, `${scenario.name} on ${host} with ${variant}`).toEqual([]);
        }
      }, 60_000);
    }
  }

  it('v5 reproduces the research (§4): S4 deadlocks on sdhci, S7 loses silently, S8 and S9 time out, S10/S11/S13 are not recovered, S12 is dropped', () => {
    expect(outcome('S04', 'sdhci', 'v5')).toBe('DEADLOCK');
    expect(outcome('S07', 'sdhci', 'v5')).toBe('SILENT_LOSS');
    expect(outcome('S08', 'sdhci', 'v5')).toBe('TIMEOUT');
    expect(outcome('S09', 'sdhci', 'v5')).toBe('TIMEOUT');
    expect(outcome('S15', 'sdhci', 'v5')).toBe('SLEEP_IN_ATOMIC');
    for (const host of ['mock', 'sdhci'] as const) {
      for (const s of ['S10', 'S11', 'S13', 'S14']) expect(outcome(s, host, 'v5'), `${s} on ${host}`).not.toBe('RECOVERED');
      expect(['LOST', 'REFUSED']).toContain(outcome('S12', host, 'v5'));
      expect(outcome('S01', host, 'v5')).toBe('RECOVERED');
    }
  });

  it('proposed recovers wherever it can and refuses, with a logged reason, where it cannot', () => {
    for (const r of results.filter((x) => x.variant === 'proposed')) {
      // S21 has no backend left to call.
      if (/^S21/.test(r.scenario)) continue;
      // From S23 on the power goes during the panic: the record may be lost, never torn.
      if (Number(r.scenario.slice(1, 3)) >= 23) {
        expect(['RECOVERED', 'LOST'], `${r.scenario} on ${r.host}`).toContain(r.outcome);
        continue;
      }
      expect(['RECOVERED', 'REFUSED'], `${r.scenario} on ${r.host}`).toContain(r.outcome);
      if (r.outcome === 'REFUSED') expect(r.dmesg).toContain(`mmcpstore: panic write refused: ${r.why}`);
    }
    for (const s of ['S04', 'S07', 'S08', 'S09']) expect(outcome(s, 'sdhci', 'proposed'), s).toBe('RECOVERED');
    expect(outcome('S10', 'sdhci', 'proposed')).toBe('REFUSED');
  });

  it('reports what the evidence says: after a power cut mid-record the series presents it torn, proposed never (S23, S27)', () => {
    for (const host of ['mock', 'sdhci'] as const) {
      expect([outcome('S23', host, 'v5'), outcome('S27', host, 'v4')], host).toEqual(['TORN', 'TORN']);
      expect(outcome('S23', host, 'proposed'), host).toBe('LOST');
    }
    const r = results.find((x) => x.scenario.startsWith('S23') && x.host === 'mock' && x.variant === 'v5')!;
    expect(r.why).toMatch(/^power cut 2000 µs into the panic \(unprogrammed blocks: \d+ back to old, 1 torn, 0 kept new\): the next boot shows a dmesg record never written whole \("Panic#1 Part1", \d+ bytes\)$/);
  });

  it('reports what the evidence says: the series corrupts boot0 I/O after a normal write (S18)', () => {
    const r = results.find((x) => x.scenario.startsWith('S18') && x.host === 'mock' && x.variant === 'v5')!;
    expect(r.outcome).toBe('CORRUPTION');
    expect(r.why).toMatch(/^block I\/O meant for another place wrote \d+ bytes at user\+\d+$/);
  });

  it('the same seed gives the same run', async () => {
    const s = all.find((x) => x.scenario.name.startsWith('S05'))!.scenario;
    for (const host of ['mock', 'sdhci'] as const) {
      const a = await run_scenario(s, { host, variant: 'v5', seed: 7 });
      const b = await run_scenario(s, { host, variant: 'v5', seed: 7 });
      expect(b).toEqual(a);
    }
  });
});
