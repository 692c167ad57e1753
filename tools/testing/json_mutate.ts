// SPDX-License-Identifier: GPL-2.0
// Mutations of valid JSON documents (configs, scenarios, Kconfig.json) for fuzzing what reads
// them: keys dropped, added, duplicated (a JSON text may repeat a key; the last one wins) or
// given values of the wrong type or range, the whole document replaced, and the text itself cut
// or garbled. A mutation is plain data, so fast-check can shrink it and print it.
import fc from 'fast-check';

export type json = null | boolean | number | string | json[] | { [key: string]: json };

/** One edit: @at picks the node among the document's nodes, @key and @value what goes there. */
export type json_edit =
  | { op: 'drop' | 'retype'; at: number; value: json }
  | { op: 'set' | 'add' | 'dup'; at: number; key: string; value: json }
  | { op: 'root'; value: json };

/** A text edit of the serialised document: cut it at @at, or put @junk there. */
export type text_edit = { op: 'cut'; at: number } | { op: 'insert'; at: number; junk: string };

/** Values that tend to break readers: edges of numbers, near-misses of the accepted spellings, odd strings. */
export const odd_value_arb = (words: readonly string[] = []): fc.Arbitrary<json> =>
  fc.oneof(
    fc.constantFrom<json>(null, true, false, 0, -1, 1, 1.5, -0.5, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 53), 1e300, -1e300, '', ' ', 'y', 'm', 'n', 'Y', 'yes', '0', '-1', '0x', '0x1000', '1e3', 'NaN', 'Infinity', '__proto__', 'a\u0000b', '\u{1F600}', '%s%n', '../../etc/passwd'),
    ...(words.length ? [fc.constantFrom<json>(...words)] : []),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 12 }),
    fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<json>,
  );

/** Keys: words of the document's vocabulary (and their CONFIG_ spellings), prototype names, control characters, junk. */
export const key_arb = (words: readonly string[] = []): fc.Arbitrary<string> =>
  fc.oneof(
    ...(words.length ? [fc.constantFrom(...words), fc.constantFrom(...words).map((w) => `CONFIG_${w}`)] : []),
    fc.constantFrom('__proto__', 'constructor', 'toString', '', 'CONFIG_', '$schema', 'a\nb', 'MMC\u0000', 'PSTORE\t', '\u001b[31mX'),
    fc.string({ maxLength: 10 }),
    fc.string({ unit: 'binary-ascii', maxLength: 6 }),
  );

/** Which node an edit goes to: uniform over the document (fast-check's small-number bias would pick the top ones). */
const node_arb = fc.noBias(fc.nat());

export const json_edit_arb = (words: readonly string[] = [], values: fc.Arbitrary<json> = odd_value_arb(words)): fc.Arbitrary<json_edit> =>
  fc.oneof(
    { weight: 10, arbitrary: fc.record({ op: fc.constantFrom('drop' as const, 'retype' as const), at: node_arb, value: values }) },
    { weight: 20, arbitrary: fc.record({ op: fc.constantFrom('set' as const, 'add' as const, 'dup' as const), at: node_arb, key: key_arb(words), value: values }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('root' as const), value: values }) },
  );

export const text_edit_arb: fc.Arbitrary<text_edit> = fc.oneof(
  fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), junk: fc.oneof(fc.constantFrom(',', '}', ']', '"', ':', '{', '\\', 'undefined', '\u0000', '//'), fc.string({ maxLength: 4 })) }),
);

/** A JSON document being mutated: the value, and the repeated keys its text will carry. */
export interface json_doc {
  value: json;
  /** Members written again (after the first) in an object: [object, key, value]. */
  dups: Array<[object, string, json]>;
}

const is_object = (v: json): v is { [key: string]: json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every node of @v with its parent and key (the root has none), depth first. */
function nodes(v: json, parent: json | null = null, key: string | number | null = null, out: Array<{ v: json; parent: json | null; key: string | number | null }> = []) {
  out.push({ v, parent, key });
  if (Array.isArray(v)) v.forEach((x, i) => nodes(x, v, i, out));
  else if (is_object(v)) for (const k of Object.keys(v)) nodes(v[k]!, v, k, out);
  return out;
}

/** Set an own, enumerable member (plain assignment of '__proto__' would set the prototype instead). */
const put = (o: { [key: string]: json }, key: string, value: json): void => void Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });

/** A value of another JSON type than @v. */
const retype = (v: json, value: json): json => {
  const type = (x: json) => (Array.isArray(x) ? 'array' : x === null ? 'null' : typeof x);
  if (type(value) !== type(v)) return value;
  return typeof v === 'string' ? 0 : typeof v === 'number' ? String(v) : typeof v === 'boolean' ? (v ? 'y' : 'n') : v === null ? false : Array.isArray(v) ? {} : [];
};

/** Apply @edits to a deep copy of @base. */
export function mutate(base: json, edits: readonly json_edit[]): json_doc {
  const doc: json_doc = { value: structuredClone(base), dups: [] };
  for (const e of edits) {
    if (e.op === 'root') {
      doc.value = structuredClone(e.value);
      doc.dups = [];
      continue;
    }
    // The root itself only for add and dup (the 'root' edit replaces it).
    const all = nodes(doc.value);
    const inner = e.op === 'add' || e.op === 'dup' || all.length === 1 ? all : all.slice(1);
    const n = inner[e.at % inner.length]!;
    const value = structuredClone(e.value);
    const replace = (to: json) => {
      if (n.parent === null) doc.value = to;
      else if (Array.isArray(n.parent)) n.parent[n.key as number] = to;
      else put(n.parent as { [key: string]: json }, n.key as string, to);
    };
    switch (e.op) {
      case 'drop':
        if (Array.isArray(n.parent)) n.parent.splice(n.key as number, 1);
        else if (is_object(n.parent as json)) delete (n.parent as { [key: string]: json })[n.key as string];
        break;
      case 'retype':
        replace(retype(n.v, value));
        break;
      case 'set':
        replace(value);
        break;
      case 'add':
        if (Array.isArray(n.v)) n.v.push(value);
        else if (is_object(n.v)) put(n.v, e.key, value);
        else replace(value);
        break;
      case 'dup': {
        // The same key once more, later in the text: a parser keeps the last.
        const o = is_object(n.v) ? n.v : is_object(n.parent as json) ? (n.parent as { [key: string]: json }) : null;
        const keys = o ? Object.keys(o) : [];
        if (o && keys.length) doc.dups.push([o, keys[e.key.length % keys.length]!, value]);
        break;
      }
    }
  }
  return doc;
}

/** The document as JSON text, repeated keys included. */
export function to_text(doc: json_doc): string {
  const write = (v: json): string => {
    if (Array.isArray(v)) return `[${v.map(write).join(',')}]`;
    if (!is_object(v)) return JSON.stringify(v);
    const members = Object.keys(v).map((k) => `${JSON.stringify(k)}:${write(v[k]!)}`);
    for (const [o, k, x] of doc.dups) if (o === v) members.push(`${JSON.stringify(k)}:${write(x)}`);
    return `{${members.join(',')}}`;
  };
  return write(doc.value);
}

/** @text with @edits applied. */
export function garble(text: string, edits: readonly text_edit[]): string {
  let t = text;
  for (const e of edits) {
    const at = e.at % (t.length + 1);
    t = e.op === 'cut' ? t.slice(0, at) : t.slice(0, at) + e.junk + t.slice(at);
  }
  return t;
}

/** A mutated document's text: JSON edits, then (sometimes) text edits. */
export const mutated_text_arb = (bases: readonly json[], words: readonly string[] = [], values?: fc.Arbitrary<json>): fc.Arbitrary<{ base: number; edits: json_edit[]; text_edits: text_edit[] }> =>
  fc.record({
    base: fc.nat(bases.length - 1),
    edits: fc.array(json_edit_arb(words, values), { minLength: 1, maxLength: 4 }),
    text_edits: fc.oneof({ weight: 5, arbitrary: fc.constant([] as text_edit[]) }, { weight: 1, arbitrary: fc.array(text_edit_arb, { minLength: 1, maxLength: 2 }) }),
  });

export const render = (bases: readonly json[], m: { base: number; edits: json_edit[]; text_edits: text_edit[] }): string => garble(to_text(mutate(bases[m.base]!, m.edits)), m.text_edits);
