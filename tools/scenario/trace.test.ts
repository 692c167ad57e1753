// Traces: valid trace-event JSON (checked against the format's rules with a schema), slices
// that nest on every track as viewers require, and the panic with the panic-write commands.
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { load_scenarios } from './load.ts';
import { run_scenario } from './run.ts';
import { trace_file, type trace_event } from './trace.ts';

/** The Trace Event Format (JSON object form) as far as we emit it. */
const TRACE_EVENT_FORMAT = {
  type: 'object',
  required: ['traceEvents'],
  properties: {
    displayTimeUnit: { enum: ['ms', 'ns'] },
    traceEvents: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'ph', 'pid', 'tid'],
        properties: {
          name: { type: 'string' },
          cat: { type: 'string' },
          ph: { enum: ['B', 'E', 'X', 'i', 'I', 'C', 'M', 'b', 'e', 'n', 's', 't', 'f'] },
          pid: { type: 'integer', minimum: 0 },
          tid: { type: 'integer', minimum: 0 },
          ts: { type: 'number', minimum: 0 },
          dur: { type: 'number', minimum: 0 },
          s: { enum: ['g', 'p', 't'] },
          args: { type: 'object' },
        },
        allOf: [
          { if: { properties: { ph: { const: 'X' } } }, then: { required: ['ts', 'dur'] } },
          { if: { properties: { ph: { enum: ['i', 'I'] } } }, then: { required: ['ts'] } },
          { if: { properties: { ph: { const: 'M' } } }, then: { required: ['args'], properties: { name: { enum: ['process_name', 'thread_name', 'process_sort_index', 'thread_sort_index'] } } } },
        ],
      },
    },
  },
} as const;
const valid = new Ajv({ allErrors: true }).compile(TRACE_EVENT_FORMAT);

const traced = async (prefix: string, variant = 'v5') => {
  const s = load_scenarios([]).find((x) => x.scenario.name.startsWith(prefix))!.scenario;
  const r = await run_scenario(s, { host: 'mock', variant, seed: 1, trace: 'on' });
  return JSON.parse(JSON.stringify(trace_file(r.trace!, 'test'))) as { traceEvents: trace_event[] };
};

describe('--trace files', () => {
  it('are trace-event JSON whose complete events nest on every track', async () => {
    for (const id of ['S03', 'S05']) {
      const t = await traced(id);
      expect(valid(t), JSON.stringify(valid.errors?.slice(0, 3))).toBe(true);
      const tracks = new Map<string, trace_event[]>();
      for (const e of t.traceEvents) if (e.ph === 'X') tracks.set(`${e.pid}/${e.tid}`, [...(tracks.get(`${e.pid}/${e.tid}`) ?? []), e]);
      expect(tracks.size).toBeGreaterThan(3);
      for (const [track, events] of tracks) {
        const sorted = [...events].sort((a, b) => a.ts! - b.ts! || b.dur! - a.dur!);
        for (let i = 1; i < sorted.length; i++) {
          const [a, b] = [sorted[i - 1]!, sorted[i]!];
          // Disjoint, or b inside a: never a partial overlap.
          const ok = b.ts! >= a.ts! + a.dur! - 1e-6 || b.ts! + b.dur! <= a.ts! + a.dur! + 1e-6;
          expect(ok, `${id} ${track}: ${a.name} and ${b.name}`).toBe(true);
        }
      }
      const names = t.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args!['name']);
      expect(names).toEqual(expect.arrayContaining(['CPU0', 'CPU1', 'mmc0', 'mmcpstore', 'lock mmc0->lock']));
    }
  });

  it('hold the panic, the frozen lock holder, and the panic write as CMD23+CMD25 requests after it', async () => {
    const t = await traced('S03');
    const panic = t.traceEvents.find((e) => e.cat === 'panic')!;
    expect(panic).toMatchObject({ name: 'panic: S03: Kernel panic - not syncing', ph: 'i', s: 'g' });
    const writes = t.traceEvents.filter((e) => e.cat === 'panic_write');
    expect(writes.length).toBeGreaterThan(0);
    expect(writes[0]!.ts).toBeGreaterThanOrEqual(panic.ts!);
    const cmds = t.traceEvents.filter((e) => e.cat === 'mmc' && e.ts! >= panic.ts!);
    expect(cmds.map((e) => e.name)).toContain('CMD23+CMD25');
    expect(cmds.find((e) => e.name === 'CMD23+CMD25')!.args).toMatchObject({ task: expect.stringMatching(/^crasher\//), write: true, blocks: 128 });
    const lock = t.traceEvents.find((e) => e.cat === 'lock' && e.args?.['at_end'] === 'still held')!;
    expect(lock.name).toMatch(/^locker\/\d+ on CPU0$/);
  });
});
