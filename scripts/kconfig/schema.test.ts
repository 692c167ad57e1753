// SPDX-License-Identifier: GPL-2.0
// Tests for the checks on Kconfig.json itself (shape and meaning).
import { describe, expect, it } from 'vitest';
import raw from '../../Kconfig.json' with { type: 'json' };
import { validate_kconfig_db } from './schema.ts';

const errors = (db: unknown): string[] => {
  const r = validate_kconfig_db(db);
  return r.ok ? [] : r.errors;
};
const sym = (over: Record<string, unknown>) => ({ type: 'bool', prompt: 'p', help: 'h', ...over });

describe('validate_kconfig_db', () => {
  it('accepts the shipped Kconfig.json', () => {
    expect(errors(raw)).toEqual([]);
  });

  it('accepts the other default and range forms', () => {
    const db = {
      symbols: {
        A: sym({ type: 'tristate', default: [{ value: 'm', if: 'B' }, { value: 'A_DEF' }] }),
        A_DEF: sym({ type: 'tristate', default: 'y' }),
        B: sym({ default: 'n' }),
        H: sym({ type: 'hex', range: ['0x10', 255], default: '0x20' }),
        S: sym({ type: 'string', choices: ['x', 'y'], default: [{ value: 'y', if: 'B' }, { value: 'x' }] }),
      },
    };
    expect(errors(db)).toEqual([]);
  });

  it('rejects a bad shape, naming the path', () => {
    const e = errors({ symbols: { lower: sym({}), A: sym({ type: 'float', colour: 1 }), B: { type: 'bool' } } });
    expect(e).toContain('/symbols: symbol name "lower" must match ^[A-Z][A-Z0-9_]*$');
    expect(e).toContain('/symbols/A/type: must be one of "bool", "tristate", "int", "hex", "string"');
    expect(e).toContain('/symbols/A: unknown property "colour"');
    expect(e).toContain("/symbols/B: must have required property 'help'");
    expect(errors([])).toEqual(['/: must be object']);
  });

  it('rejects an unknown symbol in depends_on, a default condition and select', () => {
    const e = errors({ symbols: { A: sym({ depends_on: 'B && NOPE', select: ['GONE'], default: [{ value: 'y', if: 'ALSO_GONE' }] }), B: sym({}) } });
    expect(e).toContain('A: depends_on: unknown symbol NOPE in "B && NOPE"');
    expect(e).toContain('A: select: unknown symbol GONE');
    expect(e).toContain('A: default[0].if: unknown symbol ALSO_GONE in "ALSO_GONE"');
  });

  it('rejects expressions that do not parse', () => {
    expect(errors({ symbols: { A: sym({ depends_on: 'B &&' }), B: sym({}) } })).toEqual(['A: depends_on: cannot parse "B &&": unexpected end']);
  });

  it('rejects an int used as a condition, and selects of or by non-bools', () => {
    const e = errors({ symbols: { A: sym({ depends_on: 'I', select: ['I'] }), I: sym({ type: 'int', default: 1, select: ['A'] }) } });
    expect(e).toContain('A: depends_on: I is an int; compare it (e.g. I=...) instead of using it as a condition');
    expect(e).toContain('A: select: I is an int; only bool and tristate symbols can be selected');
    expect(e).toContain('I: select: only bool and tristate symbols can select, this is int');
  });

  it('rejects defaults of the wrong type, outside the range or the choices', () => {
    const e = errors({
      symbols: {
        B: sym({ default: true }),
        I: sym({ type: 'int', range: [1, 7], default: 9 }),
        F: sym({ type: 'int', default: 1.5 }),
        H: sym({ type: 'hex', default: 'ff' }),
        S: sym({ type: 'string', choices: ['a'], default: 'b' }),
        T: sym({ type: 'string', default: 3 }),
      },
    });
    expect(e).toContain('/symbols/B/default: must be string,number');
    const e2 = errors({
      symbols: {
        B: sym({ default: 1 }),
        I: sym({ type: 'int', range: [1, 7], default: 9 }),
        F: sym({ type: 'int', default: 1.5 }),
        H: sym({ type: 'hex', default: 'ff' }),
        S: sym({ type: 'string', choices: ['a'], default: 'b' }),
        T: sym({ type: 'string', default: 3 }),
      },
    });
    expect(e2).toEqual([
      'B: default: a bool default is an expression string such as "y", "n" or "MMC", not 1',
      'I: default: 9 is outside its range 1..7',
      'F: default: 1.5 is not an integer',
      'H: default: "ff" is not an integer or a "0x..." string',
      'S: default: "b" is not one of its choices',
      'T: default: a string default must be a string, not 3',
    ]);
  });

  it('rejects a range or choices on the wrong type and an upside-down range', () => {
    const e = errors({ symbols: { B: sym({ range: [1, 2] }), I: sym({ type: 'int', range: [5, 1], choices: ['a'] }) } });
    expect(e).toEqual([
      'B: range: only int and hex symbols have a range, this is bool',
      'I: range: lower bound 5 is above upper bound 1',
      'I: choices: only string symbols have choices, this is int',
    ]);
  });

  it('rejects a dependency loop, including one through a select', () => {
    expect(errors({ symbols: { A: sym({ depends_on: 'B' }), B: sym({ depends_on: 'A' }) } })).toEqual(['recursive dependency: A -> B -> A']);
    // B's value depends on A (A selects it) and A depends on B.
    expect(errors({ symbols: { A: sym({ depends_on: 'B', select: ['B'] }), B: sym({}) } })).toEqual(['recursive dependency: A -> B -> A']);
  });
});
