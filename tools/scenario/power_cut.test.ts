// Power cuts during the panic write: the TORN rule on its own, then a sweep of the cut instant
// over the whole of proposed's panic write (never a torn record, the earlier Oops always back)
// against v5, whose write order the same sweep catches presenting torn records.
import { describe, expect, it } from 'vitest';
import { classify, type run_evidence } from './outcome.ts';
import { load_scenarios } from './load.ts';
import { run_scenario } from './run.ts';
import type { host_kind, scenario } from './schema.ts';

const evidence = (over: Partial<run_evidence>): run_evidence => ({
  audit: { panic_time: 0, window: null, writes: [], outside: [] },
  in_flight: [],
  misdirected: [],
  reports: [],
  panic_log: [],
  dmesg: '',
  recovered: [],
  marker: 'Kernel panic',
  expected_lines: [],
  ...over,
});
const cut = (before: string[], written: string[]) => ({ after_us: 100, card: { old: 3, torn: 1, new: 0 }, before, written });

describe('the TORN class', () => {
  const whole = 'Panic: Total 1 times\nPanic#1 Part1\n<0>[    1.0] Kernel panic - not syncing: x\n';
  const torn = 'Panic: Total 1 times\nPanic#1 Part1\n<0>[    1.0] Kernel panic - not sy\0\0\0\0\0\0\0\0\0\0\0\0\0\0';
  const oops = 'Oops: Total 1 times\nOops#1 Part1\n<4>[    0.5] Oops: earlier\n';

  it('is a record the next boot shows that was neither recovered before the cut nor written whole', () => {
    const v = classify(evidence({ recovered: [oops, torn], power_cut: cut([oops], [oops, whole]) }));
    expect(v.outcome).toBe('TORN');
    expect(v.why).toMatch(/power cut 100 µs into the panic .*"Panic#1 Part1", \d+ bytes/);
  });

  it('is not a whole record, nor an earlier one whose "Total" counter moved on', () => {
    expect(classify(evidence({ recovered: [oops, whole], power_cut: cut([oops], [oops, whole]) })).outcome).toBe('RECOVERED');
    const recounted = whole.replace('Total 1', 'Total 2');
    expect(classify(evidence({ recovered: [recounted], power_cut: cut([whole], [whole]), marker: 'no such crash' })).outcome).toBe('LOST');
  });

  it('needs a power cut: without one, a record that lacks lines is a MISMATCH as before', () => {
    expect(classify(evidence({ recovered: [torn], expected_lines: ['not syncing: x'] })).outcome).toBe('MISMATCH');
    expect(classify(evidence({ recovered: [torn], expected_lines: ['not syncing: x'], power_cut: cut([], [whole]) })).outcome).toBe('TORN');
  });

  it('says how far the panic got when the record is lost to the cut', () => {
    const v = classify(evidence({ recovered: [oops], power_cut: cut([oops], [oops, whole]) }));
    expect(v).toEqual({ outcome: 'LOST', why: 'power cut 100 µs into the panic (unprogrammed blocks: 3 back to old, 1 torn, 0 kept new), after 0 panic_write call(s) had returned' });
  });
});

const [s23] = load_scenarios([new URL('../../scenarios/S23-power-cut-mid-record.json', import.meta.url).pathname]);
const MODES = ['torn', 'old', 'new'] as const;

/** S23 with the cut at @us and the in-flight sector @mode, judged only on its files (the earlier Oops). */
const at = (us: number, mode: (typeof MODES)[number]): scenario => {
  const s = s23!.scenario;
  return {
    ...s,
    board: { ...s.board, card: { ...s.board?.card, power_loss: mode } },
    steps: s.steps.map((st) => (st.do === 'panic' ? { ...st, power_cut_after_us: us } : st)),
    expect: { ...s.expect, outcome: {} },
  };
};

const sweep = async (host: host_kind, variant: string, instants: readonly number[]) => {
  const out: { us: number; mode: string; outcome: string; failures: readonly string[] }[] = [];
  for (const [i, us] of instants.entries()) {
    const mode = MODES[i % MODES.length]!;
    const r = await run_scenario(at(us, mode), { host, variant, seed: 1 });
    out.push({ us, mode, outcome: r.outcome, failures: r.failures });
  }
  return out;
};

describe('power_cut_after_us', () => {
  it('stops the machine dead at the instant: the panic write never returns, and the rollback is no write the card received', async () => {
    const r = await run_scenario(s23!.scenario, { host: 'mock', variant: 'v5', seed: 1 });
    expect(r.failures).toEqual([]);
    expect(r.panic_write_ms).toBeNull();
    // The 64 KiB record's 128 sectors reached the card before the cut.
    expect(r.counters).toMatchObject({ panic_writes: 0, card_writes_after_panic: 128, writes_outside_window: 0 });
    // v5 logs nothing between its request and the cut: the crashed boot's log ends with the panic.
    expect(r.dmesg.trimEnd().split('\n').at(-1)).toMatch(/CPU: 1 PID: \d+ Comm: crasher/);
  });
});

describe('a power cut at any instant of the panic write', () => {
  // Every 125 µs over both of proposed's panic writes (the record, then the dirty pmsg zone),
  // with the instants where a sector starts programming: the record's first sector and the
  // first bytes of the signature sector's rewrite.
  const instants = [...Array.from({ length: 81 }, (_, k) => k * 125), 583, 590, 4604.5, 4605, 4605.5, 4606.5];

  it('proposed, mock: never a torn record, and the earlier Oops always comes back', async () => {
    const runs = await sweep('mock', 'proposed', instants);
    expect(runs.filter((r) => r.outcome === 'TORN' || r.failures.length)).toEqual([]);
    // The sweep spans the write: cut early, the record is lost; cut late, it is whole.
    expect(new Set(runs.map((r) => r.outcome))).toEqual(new Set(['LOST', 'RECOVERED']));
  }, 60_000);

  it('proposed, sdhci: the same, every 500 µs', async () => {
    const runs = await sweep('sdhci', 'proposed', instants.filter((us) => us % 500 === 0));
    expect(runs.filter((r) => r.outcome === 'TORN' || r.failures.length)).toEqual([]);
  }, 60_000);

  it('v5 as posted: a cut while its record programs presents the record torn', async () => {
    const runs = await sweep('mock', 'v5', [400, 1000, 2000, 3000, 4000]);
    expect(runs.map((r) => r.outcome)).toEqual(Array(5).fill('TORN'));
    expect(runs.filter((r) => r.failures.length)).toEqual([]);
  }, 60_000);
});
