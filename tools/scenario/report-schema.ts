// SPDX-License-Identifier: GPL-2.0
// The --json report as --merge accepts it: checked, so a truncated or foreign file is named.
import { Ajv } from 'ajv';
import type { run_report } from './report.ts';
import { HOSTS, OUTCOMES } from './schema.ts';

const outcome = { enum: [...OUTCOMES, 'ERROR'] } as const;
const SCHEMA = {
  type: 'object',
  required: ['format', 'version', 'runs', 'skipped'],
  properties: {
    format: { const: 'mmcpstore-ts/run-scenario' },
    version: { const: 1 },
    runs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['index', 'file', 'variant_arg', 'scenario', 'host', 'variant', 'seed', 'outcome', 'why', 'expected', 'failures', 'panic_write_ms', 'dmesg', 'next_dmesg'],
        properties: {
          index: { type: 'integer', minimum: 0 },
          file: { type: 'string' },
          variant_arg: { type: 'string' },
          point: { type: 'integer', minimum: 1 },
          scenario: { type: 'string' },
          host: { enum: HOSTS },
          variant: { type: 'string' },
          seed: { type: 'integer' },
          outcome,
          why: { type: 'string' },
          expected: { anyOf: [outcome, { type: 'null' }] },
          failures: { type: 'array', items: { type: 'string' } },
          panic_write_ms: { type: ['number', 'null'] },
          dmesg: { type: 'string' },
          next_dmesg: { type: 'string' },
        },
      },
    },
    explored: {
      type: 'array',
      items: { type: 'object', required: ['scenario', 'host', 'variant', 'seed', 'points'], properties: { points: { type: 'integer', minimum: 0 } } },
    },
    skipped: {
      type: 'array',
      items: { type: 'object', required: ['scenario', 'host', 'why'], properties: { scenario: { type: 'string' }, host: { enum: HOSTS }, why: { type: 'string' } } },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(SCHEMA);

export const check_report = (v: unknown): { ok: true; report: run_report } | { ok: false; errors: string[] } =>
  validate(v)
    ? { ok: true, report: v as unknown as run_report }
    : { ok: false, errors: (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'}: ${e.message} (not a run-scenario --json report?)`) };
