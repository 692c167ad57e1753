// The scenario format: the catalogue is valid, and every kind of mistake is named by its JSON path.
import { describe, expect, it } from 'vitest';
import { load_scenarios } from './load.ts';
import { check_scenario, VARIANTS } from './schema.ts';

const good = {
  name: 'S99-example',
  description: 'An example',
  steps: [{ do: 'printk', cpu: 1, text: 'hi' }, { do: 'panic', cpu: 1 }],
  expect: { outcome: { v5: 'RECOVERED' } },
};
const errors = (v: unknown): string[] => {
  const r = check_scenario(v);
  return r.ok ? [] : r.errors;
};

describe('scenario files', () => {
  it('accepts a minimal scenario', () => {
    expect(check_scenario(good).ok).toBe(true);
  });

  it('names the JSON path of a wrong type, an unknown step, a missing field, an unknown outcome', () => {
    expect(errors({ ...good, steps: [{ do: 'printk', cpu: 'one', text: 'x' }, { do: 'panic' }] })).toEqual(['/steps/0/cpu: must be integer']);
    expect(errors({ ...good, steps: [{ do: 'explode' }, { do: 'panic' }] })).toEqual([
      expect.stringMatching(/^\/steps\/0\/do: must be equal to one of the allowed values: "printk", "console", "pmsg", "io",/),
    ]);
    expect(errors({ ...good, steps: [{ do: 'io', dev: 'mmcblk0', op: 'write' }, { do: 'panic' }] })).toEqual(["/steps/0: must have required property 'sector'"]);
    const { description: _, ...nodesc } = good;
    expect(errors(nodesc)).toEqual(["/: must have required property 'description'"]);
    expect(errors({ ...good, expect: { outcome: { v5: 'FINE' } } })[0]).toMatch(/^\/expect\/outcome\/v5: must be equal to one of the allowed values: "RECOVERED"/);
    expect(errors({ ...good, steps: [{ do: 'printk', text: 'x', colour: 'red' }, { do: 'panic' }] })).toEqual(["/steps/0: must NOT have additional properties 'colour'"]);
  });

  it('refuses a scenario with nothing to recover, or a pattern that is not a regular expression', () => {
    expect(errors({ ...good, steps: [{ do: 'printk', text: 'x' }] })).toEqual(['/steps: no panic or oops step, so there is nothing to recover']);
    expect(errors({ ...good, expect: { outcome: { v5: 'LOST' }, files: [{ name: 'x', matches: '(' }] } })).toEqual(['/expect/files/0/matches: is not a valid regular expression']);
  });
});

describe('the catalogue', () => {
  const all = load_scenarios([]);

  it('holds S1 to S22 of the research and S23 to S27, power cuts during the panic write, each with a description and an expected outcome for every variant', () => {
    expect(all.map((s) => s.scenario.name.slice(0, 3))).toEqual(Array.from({ length: 27 }, (_, i) => `S${String(i + 1).padStart(2, '0')}`));
    for (const { scenario } of all) {
      expect(scenario.description.length, scenario.name).toBeGreaterThan(10);
      expect(Object.keys(scenario.expect.outcome).sort(), scenario.name).toEqual([...VARIANTS].sort());
      const n = Number(scenario.name.slice(1, 3));
      expect(scenario.research, scenario.name).toMatch(n <= 22 ? /^research\/mmcpstore\.md §4 S\d+$/ : /^research\/pstore\.md §3\.2, §5/);
      // Every power cut is during a panic, and proposed never presents a torn record.
      if (n > 22) expect(scenario.steps.some((st) => st.do === 'panic' && st.power_cut_after_us !== undefined), scenario.name).toBe(true);
      expect(scenario.expect.outcome['proposed'], scenario.name).not.toBe('TORN');
    }
  });
});

describe('power cuts in scenarios', () => {
  it('takes power_cut_after_us on a panic only, as a non-negative number, and a card power_loss of old, new or torn', () => {
    const cut = (st: object) => ({ ...good, steps: [{ do: 'printk', text: 'x' }, st] });
    expect(errors(cut({ do: 'panic', power_cut_after_us: 2500.5 }))).toEqual([]);
    expect(errors(cut({ do: 'panic', power_cut_after_us: -1 }))).toEqual(['/steps/1/power_cut_after_us: must be >= 0']);
    expect(errors(cut({ do: 'oops', power_cut_after_us: 10 }))).toEqual(["/steps/1: must NOT have additional properties 'power_cut_after_us'"]);
    expect(errors({ ...good, board: { card: { power_loss: 'torn' } } })).toEqual([]);
    expect(errors({ ...good, board: { card: { power_loss: 'half' } } })[0]).toMatch(/^\/board\/card\/power_loss: must be equal to one of the allowed values/);
    expect(errors({ ...good, expect: { outcome: { v5: 'TORN' } } })).toEqual([]);
    expect(errors(cut({ do: 'printk', text: 'x', repeat: 0 }))[0]).toBe('/steps/1/repeat: must be >= 1');
  });
});

describe('docs/scenario.schema.json', () => {
  it('is the schema the tool checks with (regenerate: node --import tsx tools/scenario/write-schema.ts)', async () => {
    const { readFileSync } = await import('node:fs');
    const { SCHEMA_FILE, schema_file_text } = await import('./write-schema.ts');
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(schema_file_text());
  });
});
