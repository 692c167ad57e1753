// The variant example run as its header says, in a matrix beside the built-in variants: on every
// host it turns v5's loss of S10 (host runtime-suspended) into an honest REFUSED, and leaves S11
// (the card suspended, the host awake) as v5 has it: the check it adds is not the whole answer.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

describe('examples/variant', () => {
  it('is a fourth column of the matrix, REFUSED where the host is runtime-suspended', () => {
    const scenarios = ['S10-host-runtime-suspended', 'S11-card-runtime-suspended'].map((s) => `${ROOT}scenarios/${s}.json`);
    const r = spawnSync(`${ROOT}tools/run-scenario`, [...scenarios, '--matrix', '--variant', `${ROOT}examples/variant/v5_refuse_suspended.ts`, '--json'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const runs: { scenario: string; host: string; variant: string; outcome: string; why: string }[] = JSON.parse(r.stdout).runs;
    const outcome = (scenario: string, host: string, variant: string) => runs.find((x) => x.scenario === scenario && x.host === host && x.variant === variant)!;
    expect(new Set(runs.map((x) => x.variant))).toEqual(new Set(['v4', 'v5', 'proposed', 'v5_refuse_suspended']));
    for (const host of ['mock', 'sdhci', 'serial']) {
      const mine = outcome('S10-host-runtime-suspended', host, 'v5_refuse_suspended');
      expect(mine.outcome, host).toBe('REFUSED');
      expect(mine.why).toMatch(/^mmc0 is runtime-suspended$/);
      expect(outcome('S10-host-runtime-suspended', host, 'v5').outcome).not.toBe('REFUSED');
      expect(outcome('S11-card-runtime-suspended', host, 'v5_refuse_suspended').outcome).toBe(outcome('S11-card-runtime-suspended', host, 'v5').outcome);
    }
  }, 60_000);
});
