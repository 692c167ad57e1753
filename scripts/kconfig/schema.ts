// SPDX-License-Identifier: GPL-2.0
// Validate Kconfig.json itself: its JSON shape (ajv), then its meaning (compile.ts).
// Models the checks scripts/kconfig/parser.y and menu.c make while reading Kconfig files.
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { compile_kconfig_db } from './compile.ts';
import type { CompiledDb } from './compile.ts';
import type { KconfigDb } from './symbol.ts';

const scalar = { type: ['string', 'number'] };
const nonempty = { type: 'string', minLength: 1 };

/** The JSON Schema of Kconfig.json; per-type rules (a hex default, a range on an int) are in compile.ts. */
export const KCONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['symbols'],
  properties: {
    symbols: {
      type: 'object',
      propertyNames: { pattern: '^[A-Z][A-Z0-9_]*$' },
      additionalProperties: { $ref: '#/$defs/symbol' },
    },
  },
  $defs: {
    symbol: {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'help'],
      properties: {
        type: { enum: ['bool', 'tristate', 'int', 'hex', 'string'] },
        prompt: nonempty,
        default: {
          anyOf: [
            scalar,
            {
              type: 'array',
              minItems: 1,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['value'],
                properties: { value: scalar, if: nonempty },
              },
            },
          ],
        },
        depends_on: nonempty,
        select: { type: 'array', uniqueItems: true, items: nonempty },
        range: { type: 'array', minItems: 2, maxItems: 2, items: scalar },
        choices: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' } },
        help: nonempty,
      },
    },
  },
} as const;

let validator: ValidateFunction | undefined;

function ajv_message(e: ErrorObject): string {
  const where = e.instancePath === '' ? '/' : e.instancePath;
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return `${where}: unknown property "${String(p['additionalProperty'])}"`;
  if (e.keyword === 'enum') return `${where}: must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'propertyNames') return `${where}: symbol name "${String(p['propertyName'])}" must match ^[A-Z][A-Z0-9_]*$`;
  return `${where}: ${e.message ?? e.keyword}`;
}

export type db_result = { readonly ok: true; readonly db: CompiledDb } | { readonly ok: false; readonly errors: string[] };

/**
 * validate_kconfig_db() - check a parsed Kconfig.json: shape first, then expressions, types of
 * defaults, ranges, choices, selects and dependency cycles. Returns every problem found.
 */
export function validate_kconfig_db(raw: unknown): db_result {
  validator ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(KCONFIG_SCHEMA);
  if (!validator(raw)) {
    // propertyNames failures come with a redundant "must match pattern" twin; keep one line per problem.
    const lines = (validator.errors ?? []).filter((e) => !(e.keyword === 'pattern' && e.propertyName !== undefined)).map(ajv_message);
    return { ok: false, errors: [...new Set(lines)] };
  }
  return compile_kconfig_db(raw as KconfigDb);
}
