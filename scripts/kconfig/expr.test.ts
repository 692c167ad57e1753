// SPDX-License-Identifier: GPL-2.0
// Tests for the expression parser and its tristate logic (scripts/kconfig/expr.c).
import { describe, expect, it } from 'vitest';
import type { kconfig_value } from '../../include/linux/kconfig.h.ts';
import { ExprSyntaxError, expr_eval, expr_symbols, parse_expr } from './expr.ts';
import type { ExprEnv } from './expr.ts';
import type { SymbolType } from './symbol.ts';

const TYPES: Record<string, SymbolType> = { A: 'tristate', B: 'tristate', C: 'bool', I: 'int', H: 'hex', S: 'string', U: 'int' };

function env(values: Record<string, kconfig_value>, modules = true): ExprEnv {
  return { type: (n) => TYPES[n]!, value: (n) => values[n], modules };
}
const ev = (text: string, values: Record<string, kconfig_value> = {}, modules = true) => expr_eval(parse_expr(text), env(values, modules));

describe('tristate logic', () => {
  const vals = ['n', 'm', 'y'] as const;
  it('&& is min, || is max, ! is 2 - x over n=0 < m=1 < y=2', () => {
    for (const [i, a] of vals.entries()) {
      for (const [j, b] of vals.entries()) {
        expect(ev('A && B', { A: a, B: b })).toBe(Math.min(i, j));
        expect(ev('A || B', { A: a, B: b })).toBe(Math.max(i, j));
      }
      expect(ev('!A', { A: a })).toBe(2 - i);
    }
  });

  it('literals and an absent symbol', () => {
    expect(ev('y')).toBe(2);
    expect(ev('m')).toBe(1);
    expect(ev('n')).toBe(0);
    expect(ev('A')).toBe(0); // absent (dependencies unmet) counts as n
    expect(ev('!A')).toBe(2);
  });

  it('a bare m means n without MODULES, as Kconfig rewrites it to m && MODULES', () => {
    expect(ev('m', {}, false)).toBe(0);
    expect(ev('A=m', { A: 'm' }, false)).toBe(2);
  });

  it('precedence: ! binds tightest, then &&, then ||; parentheses override', () => {
    expect(ev('A || B && C', { A: 'y', B: 'n', C: 'n' })).toBe(2);
    expect(ev('(A || B) && C', { A: 'y', B: 'n', C: 'n' })).toBe(0);
    expect(ev('!A && B', { A: 'n', B: 'm' })).toBe(1);
    expect(ev('!(A && B)', { A: 'y', B: 'm' })).toBe(1);
  });

  it('a bool is only ever n or y', () => {
    expect(ev('C && A', { C: 'y', A: 'm' })).toBe(1);
    expect(ev('C', { C: 'n' })).toBe(0);
  });
});

describe('comparisons', () => {
  it('A=y and A!=n give y or n, never m', () => {
    expect(ev('A=y', { A: 'y' })).toBe(2);
    expect(ev('A=y', { A: 'm' })).toBe(0);
    expect(ev('A!=n', { A: 'm' })).toBe(2);
    expect(ev('A!=n', {})).toBe(0);
    expect(ev('A=m', { A: 'm' })).toBe(2);
  });

  it('tristates order n < m < y', () => {
    expect(ev('A<y', { A: 'm' })).toBe(2);
    expect(ev('A>=m', { A: 'y' })).toBe(2);
    expect(ev('A>B', { A: 'm', B: 'y' })).toBe(0);
  });

  it('ints and hex compare by value', () => {
    expect(ev('I=64', { I: 64 })).toBe(2);
    expect(ev('I>=100', { I: 64 })).toBe(0);
    expect(ev('I<100', { I: 64 })).toBe(2);
    expect(ev('H=0x10', { H: 16 })).toBe(2);
    expect(ev('I=-1', { I: -1 })).toBe(2);
  });

  it('strings compare by value', () => {
    expect(ev('S="6.1"', { S: '6.1' })).toBe(2);
    expect(ev('S!="6.1"', { S: '6.6' })).toBe(2);
    expect(ev('S="a \\"q\\""', { S: 'a "q"' })).toBe(2);
  });

  it('an absent int or string equals nothing', () => {
    expect(ev('U=0')).toBe(0);
    expect(ev('U!=0')).toBe(2);
    expect(ev('U<5')).toBe(0);
  });

  it('an int or string standing alone is n', () => {
    expect(ev('I', { I: 5 })).toBe(0);
  });
});

describe('parse_expr', () => {
  it('lists the symbols it mentions, and whether they stand alone', () => {
    expect(expr_symbols(parse_expr('A && (B=y || !C) && I>3 && A'))).toEqual([
      { name: 'A', bare: true },
      { name: 'B', bare: false },
      { name: 'C', bare: true },
      { name: 'I', bare: false },
    ]);
  });

  it.each([
    ['', 'empty expression'],
    ['A &&', 'unexpected end'],
    ['(A', "missing ')'"],
    ['A B', "unexpected 'B'"],
    ['A & B', "unexpected character '&'"],
    ['foo', "'foo' is not a symbol"],
    ['64', 'can only be compared'],
    ['"s"', 'can only be compared'],
    ['A = ', 'unexpected end'],
  ])('rejects %j: %s', (text, why) => {
    expect(() => parse_expr(text)).toThrow(ExprSyntaxError);
    expect(() => parse_expr(text)).toThrow(why);
  });
});
