// SPDX-License-Identifier: GPL-2.0
// depends_on / default / if expressions: parse and evaluate. Models: scripts/kconfig/expr.c
// (expr_calc_value) and the expression grammar of scripts/kconfig/parser.y.
//
// Grammar, loosest first:  or := and ('||' and)* ;  and := not ('&&' not)* ;
//   not := '!' not | '(' or ')' | operand [cmp operand] ;  cmp := = != < <= > >=
// An operand is a symbol (A-Z, 0-9, _ starting with a letter), a tristate literal n/m/y,
// an integer (decimal or 0x hex) or a "quoted string". Only symbols and n/m/y may stand
// alone; numbers and strings only make sense in a comparison.
import type { kconfig_value } from '../../include/linux/kconfig.h.ts';
import type { SymbolType } from './symbol.ts';
import { M, N, Y, tri_and, tri_not, tri_of, tri_or } from './tristate.ts';
import type { tri } from './tristate.ts';

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Operand =
  | { readonly kind: 'symbol'; readonly name: string }
  | { readonly kind: 'tristate'; readonly value: tri }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string };

export type Expr =
  | { readonly kind: 'symbol'; readonly name: string }
  | { readonly kind: 'tristate'; readonly value: tri }
  | { readonly kind: 'not'; readonly operand: Expr }
  | { readonly kind: 'and' | 'or'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: Operand; readonly right: Operand };

export class ExprSyntaxError extends Error {
  constructor(text: string, why: string) {
    super(`cannot parse "${text}": ${why}`);
    this.name = 'ExprSyntaxError';
  }
}

const SYMBOL_RE = /^[A-Z][A-Z0-9_]*$/;
const DECIMAL_RE = /^-?[0-9]+$/;
const HEX_RE = /^0[xX][0-9a-fA-F]+$/;
const TOKEN_RE = /\s*(?:(&&|\|\||!=|<=|>=|[()!=<>])|("(?:[^"\\]|\\.)*")|(-?[A-Za-z0-9_]+))/y;

type Token = { readonly op: string } | { readonly str: string } | { readonly word: string };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN_RE.lastIndex = pos;
    const m = TOKEN_RE.exec(text);
    if (!m) throw new ExprSyntaxError(text, `unexpected character '${text.slice(pos).trimStart()[0]}'`);
    pos = TOKEN_RE.lastIndex;
    if (m[1] !== undefined) out.push({ op: m[1] });
    else if (m[2] !== undefined) out.push({ str: m[2].slice(1, -1).replace(/\\(.)/g, '$1') });
    else out.push({ word: m[3]! });
  }
  return out;
}

const COMPARE_OPS: ReadonlySet<string> = new Set(['=', '!=', '<', '<=', '>', '>=']);

/** parse_expr() - parse one expression; throws ExprSyntaxError naming the text and the problem. */
export function parse_expr(text: string): Expr {
  const toks = tokenize(text);
  let i = 0;
  const fail = (why: string): never => {
    throw new ExprSyntaxError(text, why);
  };
  const peek_op = (): string | undefined => {
    const t = toks[i];
    return t && 'op' in t ? t.op : undefined;
  };

  const operand = (): Operand => {
    const t = toks[i++];
    if (t === undefined) return fail('unexpected end');
    if ('op' in t) return fail(`unexpected '${t.op}'`);
    if ('str' in t) return { kind: 'string', value: t.str };
    const w = t.word;
    if (w === 'n' || w === 'm' || w === 'y') return { kind: 'tristate', value: tri_of(w) };
    if (DECIMAL_RE.test(w)) return { kind: 'number', value: Number(w) };
    if (HEX_RE.test(w)) return { kind: 'number', value: parseInt(w.slice(2), 16) };
    if (SYMBOL_RE.test(w)) return { kind: 'symbol', name: w };
    return fail(`'${w}' is not a symbol (A-Z, 0-9, _), n/m/y, or a number`);
  };

  const not = (): Expr => {
    const op = peek_op();
    if (op === '!') {
      i++;
      return { kind: 'not', operand: not() };
    }
    if (op === '(') {
      i++;
      const e = or();
      if (peek_op() !== ')') fail("missing ')'");
      i++;
      return e;
    }
    const left = operand();
    const cmp = peek_op();
    if (cmp !== undefined && COMPARE_OPS.has(cmp)) {
      i++;
      return { kind: 'compare', op: cmp as CompareOp, left, right: operand() };
    }
    if (left.kind === 'number' || left.kind === 'string') {
      fail(`${JSON.stringify(left.value)} can only be compared (e.g. SYMBOL=${JSON.stringify(left.value)})`);
    }
    return left as Expr;
  };

  const binary = (kind: 'and' | 'or', tok: string, next: () => Expr) => (): Expr => {
    let left = next();
    while (peek_op() === tok) {
      i++;
      left = { kind, left, right: next() };
    }
    return left;
  };
  const and = binary('and', '&&', not);
  const or = binary('or', '||', and);

  if (toks.length === 0) fail('empty expression');
  const e = or();
  if (i < toks.length) {
    const t = toks[i]!;
    fail(`unexpected '${'op' in t ? t.op : 'str' in t ? `"${t.str}"` : t.word}'`);
  }
  return e;
}

/** What an expression needs to know about symbols while it is evaluated. */
export interface ExprEnv {
  type(name: string): SymbolType;
  /** The current value; undefined if the symbol is absent (its dependencies are n). */
  value(name: string): kconfig_value | undefined;
  /** MODULES=y. Without it a bare `m` means n, as Kconfig rewrites `m` to `m && MODULES`. */
  readonly modules: boolean;
}

type Comparable = { readonly kind: 'tri' | 'num'; readonly n: number } | { readonly kind: 'str'; readonly s: string };

function comparable(o: Operand, env: ExprEnv): Comparable | undefined {
  switch (o.kind) {
    case 'tristate':
      return { kind: 'tri', n: o.value };
    case 'number':
      return { kind: 'num', n: o.value };
    case 'string':
      return { kind: 'str', s: o.value };
    case 'symbol': {
      const t = env.type(o.name);
      const v = env.value(o.name);
      if (t === 'bool' || t === 'tristate') return { kind: 'tri', n: v === 'y' ? Y : v === 'm' ? M : N };
      if (v === undefined) return undefined;
      return typeof v === 'number' ? { kind: 'num', n: v } : { kind: 'str', s: v };
    }
  }
}

const text_of = (c: Comparable): string => (c.kind === 'str' ? c.s : c.kind === 'tri' ? 'nmy'[c.n]! : String(c.n));

/** Numbers and tristates compare by value; anything mixed compares as text, as Kconfig does. */
function compare(op: CompareOp, a: Comparable | undefined, b: Comparable | undefined): tri {
  // An absent int/hex/string symbol has no value: it equals nothing and orders with nothing.
  if (a === undefined || b === undefined) return op === '!=' ? Y : N;
  let d: number;
  if (a.kind === b.kind && a.kind !== 'str') d = a.n - (b as { n: number }).n;
  else {
    const x = text_of(a);
    const y = text_of(b);
    d = x < y ? -1 : x > y ? 1 : 0;
  }
  const holds = op === '=' ? d === 0 : op === '!=' ? d !== 0 : op === '<' ? d < 0 : op === '<=' ? d <= 0 : op === '>' ? d > 0 : d >= 0;
  return holds ? Y : N;
}

/**
 * expr_eval() - evaluate with tristate logic: && is min, || is max, ! is 2 - x, a
 * comparison is y or n. A bool/tristate symbol stands for its value (absent = n); an
 * int/hex/string symbol standing alone counts as n (Kconfig.json's checker forbids it).
 */
export function expr_eval(e: Expr, env: ExprEnv): tri {
  switch (e.kind) {
    case 'tristate':
      return e.value === M && !env.modules ? N : e.value;
    case 'symbol': {
      const t = env.type(e.name);
      if (t !== 'bool' && t !== 'tristate') return N;
      const v = env.value(e.name);
      return v === 'y' ? Y : v === 'm' ? M : N;
    }
    case 'not':
      return tri_not(expr_eval(e.operand, env));
    case 'and':
      return tri_and(expr_eval(e.left, env), expr_eval(e.right, env));
    case 'or':
      return tri_or(expr_eval(e.left, env), expr_eval(e.right, env));
    case 'compare':
      return compare(e.op, comparable(e.left, env), comparable(e.right, env));
  }
}

/** Every symbol an expression mentions, once each in order, and whether it stands alone. */
export function expr_symbols(e: Expr): { readonly name: string; readonly bare: boolean }[] {
  const seen = new Map<string, boolean>();
  const add = (name: string, bare: boolean) => seen.set(name, (seen.get(name) ?? false) || bare);
  const walk = (x: Expr): void => {
    switch (x.kind) {
      case 'symbol':
        add(x.name, true);
        break;
      case 'not':
        walk(x.operand);
        break;
      case 'and':
      case 'or':
        walk(x.left);
        walk(x.right);
        break;
      case 'compare':
        for (const o of [x.left, x.right]) if (o.kind === 'symbol') add(o.name, false);
        break;
      case 'tristate':
        break;
    }
  };
  walk(e);
  return [...seen].map(([name, bare]) => ({ name, bare }));
}
