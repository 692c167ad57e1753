// SPDX-License-Identifier: GPL-2.0
// A board description: the device tree of a simulated machine (CPUs, command line, devices).
// Validated with a JSON Schema so a bad board file is named field by field.
import { Ajv, type ErrorObject } from 'ajv';
import { GLUE } from './glue/index.ts';
import { printable_key } from '../lib/printable_key.ts';

export interface board_device {
  /** Which glue in init/ attaches it ("mmc_mock", "sdhci", ...). */
  readonly type: string;
  readonly [key: string]: unknown;
}

export interface board {
  readonly name: string;
  readonly description?: string;
  /** CPUs brought up; at most CONFIG_NR_CPUS. */
  readonly cpus: number;
  readonly cmdline: string;
  readonly devices: readonly board_device[];
}

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'cpus', 'cmdline', 'devices'],
  properties: {
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    cpus: { type: 'integer', minimum: 1, maximum: 64 },
    cmdline: { type: 'string' },
    devices: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type'],
        properties: { type: { enum: Object.keys(GLUE) } },
        discriminator: { propertyName: 'type' },
        oneOf: Object.values(GLUE).map((g) => g.schema),
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true, discriminator: true }).compile(SCHEMA);

/** ajv's instancePath with every key printable. */
export const ajv_path = (e: ErrorObject): string => e.instancePath.split('/').map(printable_key).join('/');

/** An ajv error's message with what it is about: the unknown property, or the allowed values. */
export const ajv_message = (e: ErrorObject): string => {
  const extra =
    e.keyword === 'additionalProperties'
      ? ` '${printable_key(String(e.params['additionalProperty']))}'`
      : e.keyword === 'enum'
        ? `: ${(e.params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
        : '';
  return `${e.message}${extra}`;
};

/** The board if @value is a valid description, else one message per problem, each naming its path. */
export const check_board = (value: unknown): { ok: true; board: board } | { ok: false; errors: string[] } => {
  if (validate(value)) return { ok: true, board: value as board };
  const errors = (validate.errors ?? []).map((e) => `board${ajv_path(e).replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.')}: ${ajv_message(e)}`);
  return { ok: false, errors };
};
