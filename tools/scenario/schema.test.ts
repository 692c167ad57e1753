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

  it('holds S1 to S22 of the research, each with a description and an expected outcome for every variant', () => {
    expect(all.map((s) => s.scenario.name.slice(0, 3))).toEqual(Array.from({ length: 22 }, (_, i) => `S${String(i + 1).padStart(2, '0')}`));
    for (const { scenario } of all) {
      expect(scenario.description.length, scenario.name).toBeGreaterThan(10);
      expect(Object.keys(scenario.expect.outcome).sort(), scenario.name).toEqual([...VARIANTS].sort());
      expect(scenario.research, scenario.name).toMatch(/^research\/mmcpstore\.md §4 S\d+$/);
    }
  });
});

describe('docs/scenario.schema.json', () => {
  it('is the schema the tool checks with (regenerate: node --import tsx tools/scenario/write-schema.ts)', async () => {
    const { readFileSync } = await import('node:fs');
    const { SCHEMA_FILE, schema_file_text } = await import('./write-schema.ts');
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(schema_file_text());
  });
});
