// SPDX-License-Identifier: GPL-2.0
// The scenario file format (docs/scenario-format.md) as a JSON Schema, checked with ajv; every
// problem is reported with the JSON path it is at.
import { Ajv } from 'ajv';
import { CARD_SCHEMA, MMC_MOCK_SCHEMA } from '../../init/glue/mmc_mock.ts';
import { SDHCI_SCHEMA } from '../../init/glue/sdhci.ts';
import { HOST_CAPS_PROPERTIES } from '../../init/glue/host_caps.ts';
import { COUNTERS, type counter } from './outcome.ts';
import { ajv_message, ajv_path } from '../../init/board.ts';

export const OUTCOMES = ['RECOVERED', 'LOST', 'SILENT_LOSS', 'MISMATCH', 'DEADLOCK', 'SLEEP_IN_ATOMIC', 'TIMEOUT', 'CORRUPTION', 'REFUSED', 'TORN'] as const;
export type outcome = (typeof OUTCOMES)[number];
/** Labels for grids, ERROR (a run that could not be carried out) included. */
export const OUTCOME_SHORT: Readonly<Record<outcome | 'ERROR', string>> = {
  RECOVERED: 'REC',
  LOST: 'LOST',
  SILENT_LOSS: 'SILENT',
  MISMATCH: 'MISM',
  DEADLOCK: 'DEADLK',
  SLEEP_IN_ATOMIC: 'SLEEP',
  TIMEOUT: 'TMOUT',
  CORRUPTION: 'CORRUPT',
  REFUSED: 'REFUSED',
  TORN: 'TORN',
  ERROR: 'ERROR',
};
export const VARIANTS = ['v4', 'v5', 'proposed'] as const;
/** Whether @v names a variant built into the tree (else it is a module file). */
export const is_builtin_variant = (v: string): boolean => (VARIANTS as readonly string[]).includes(v);
export const HOSTS = ['mock', 'sdhci', 'serial'] as const;
export type host_kind = (typeof HOSTS)[number];
/**
 * What a step can wait for the card to be in: a JEDEC state (data: a read's data phase, rcv: a
 * write's, prg: programming), busy (DAT0 low: programming, or an R1B command such as a CMD6
 * switch or a cache flush), or cmd23 (CMD23 received, its read or write not yet).
 */
export const CARD_PHASES = ['tran', 'data', 'rcv', 'prg', 'sleep', 'busy', 'cmd23'] as const;
export type card_phase = (typeof CARD_PHASES)[number];

const cpu = { type: 'integer', minimum: 0, maximum: 63 } as const;
const pick = <T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> => Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
const text = { type: 'string' } as const;
/** Lines printed by one printk/console step: a busy log, a crash record that fills its zone. */
const repeat = { type: 'integer', minimum: 1, maximum: 100000 } as const;
const step = (name: string, props: Record<string, unknown> = {}, required: string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  required: ['do', ...required],
  properties: { do: { const: name }, comment: text, ...props },
});

export const STEP_SCHEMAS = [
  step('printk', { cpu, text, repeat }, ['text']),
  step('console', { cpu, text, repeat }, ['text']),
  step('pmsg', { cpu, text }, ['text']),
  step('io', {
    cpu,
    dev: { type: 'string', pattern: '^mmcblk[0-9]+(p[0-9]+|boot[01])?$' },
    op: { enum: ['read', 'write'] },
    sector: { type: 'integer', minimum: 0 },
    blocks: { type: 'integer', minimum: 1, maximum: 65535 },
    background: { type: 'boolean' },
  }, ['dev', 'op', 'sector']),
  step('claim_host', { cpu }),
  step('hold_lock', { cpu, lock: { enum: ['mmc_host', 'sdhci_host'] } }, ['lock']),
  step('wait_for', { phase: { enum: CARD_PHASES }, timeout_ms: { type: 'number', exclusiveMinimum: 0 } }, ['phase']),
  step('runtime_suspend', { target: { enum: ['host', 'card'] } }, ['target']),
  step('suspend_begin'),
  step('cqe_enable', { queued: { type: 'integer', minimum: 0, maximum: 32 } }),
  step('need_retune'),
  step('dma_straddle', { boundary_kib: { type: 'integer', minimum: 4, maximum: 524288 }, before_kib: { type: 'integer', minimum: 1 } }),
  step('panic', { cpu, message: text, power_cut_after_us: { type: 'number', minimum: 0 } }),
  step('oops', { cpu, message: text }),
  step('sleep', { ms: { type: 'number', minimum: 0 } }, ['ms']),
  step('power_cut'),
  step('reboot'),
  step('mount'),
  step('unlink', { file: text }, ['file']),
  step('rmmod', { module: text }, ['module']),
  step('modprobe', { module: text }, ['module']),
];
const STEP_NAMES = STEP_SCHEMAS.map((s) => s.properties.do.const);

const expected_outcome = { enum: OUTCOMES } as const;
/** Per variant: one outcome for every host, or one per host. */
const per_variant = {
  anyOf: [expected_outcome, { type: 'object', additionalProperties: false, minProperties: 1, properties: Object.fromEntries(HOSTS.map((h) => [h, expected_outcome])) }],
} as const;

export const SCENARIO_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'description', 'steps', 'expect'],
  properties: {
    $schema: text,
    name: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$' },
    description: { type: 'string', minLength: 1 },
    research: { type: 'string' },
    hosts: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: HOSTS } },
    variant: { type: 'string', minLength: 1 },
    config: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    cmdline: text,
    board: {
      type: 'object',
      additionalProperties: false,
      properties: {
        cpus: { type: 'integer', minimum: 2, maximum: 64 },
        /** Capabilities every host takes. */
        host: { type: 'object', additionalProperties: false, properties: HOST_CAPS_PROPERTIES },
        /** Only on the mock host. */
        mock: { type: 'object', additionalProperties: false, properties: pick(MMC_MOCK_SCHEMA.properties.host.properties, ['faults', 'f_max']) },
        /** Only on the SDHCI host: the controller, and the driver's quirks. */
        sdhci: { type: 'object', additionalProperties: false, properties: { controller: SDHCI_SCHEMA.properties.controller, quirks: SDHCI_SCHEMA.properties.host.properties.quirks } },
        card: CARD_SCHEMA,
      },
    },
    steps: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', required: ['do'], properties: { do: { enum: STEP_NAMES } }, discriminator: { propertyName: 'do' }, oneOf: STEP_SCHEMAS },
    },
    expect: {
      type: 'object',
      additionalProperties: false,
      required: ['outcome'],
      properties: {
        outcome: { type: 'object', additionalProperties: per_variant, minProperties: 1 },
        files: {
          type: 'array',
          items: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: text, matches: text, absent: { type: 'boolean' } } },
        },
        dmesg_contains: { type: 'array', items: text },
        max_panic_write_ms: { type: 'number', minimum: 0 },
        counters: {
          type: 'object',
          additionalProperties: false,
          properties: Object.fromEntries(COUNTERS.map((k) => [k, { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'object', additionalProperties: false, minProperties: 1, properties: { min: { type: 'integer', minimum: 0 }, max: { type: 'integer', minimum: 0 } } }] }])),
        },
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true, discriminator: true, allowUnionTypes: true }).compile(SCENARIO_SCHEMA);

export interface scenario_step {
  readonly do: string;
  readonly cpu?: number;
  readonly text?: string;
  readonly repeat?: number;
  readonly dev?: string;
  readonly op?: 'read' | 'write';
  readonly sector?: number;
  readonly blocks?: number;
  readonly background?: boolean;
  readonly lock?: 'mmc_host' | 'sdhci_host';
  readonly phase?: (typeof CARD_PHASES)[number];
  readonly timeout_ms?: number;
  readonly target?: 'host' | 'card';
  readonly queued?: number;
  readonly boundary_kib?: number;
  readonly before_kib?: number;
  readonly message?: string;
  readonly power_cut_after_us?: number;
  readonly ms?: number;
  readonly file?: string;
  readonly module?: string;
}

export interface scenario {
  readonly name: string;
  readonly description: string;
  readonly research?: string;
  readonly hosts?: readonly host_kind[];
  readonly variant?: string;
  readonly config?: Record<string, string | number | boolean>;
  readonly cmdline?: string;
  readonly board?: {
    cpus?: number;
    host?: Record<string, unknown>;
    mock?: Record<string, unknown>;
    sdhci?: { controller?: Record<string, unknown>; quirks?: string[] };
    card?: Record<string, unknown>;
  };
  readonly steps: readonly scenario_step[];
  readonly expect: {
    outcome: Record<string, outcome | Partial<Record<host_kind, outcome>>>;
    files?: ReadonlyArray<{ name: string; matches?: string; absent?: boolean }>;
    dmesg_contains?: readonly string[];
    max_panic_write_ms?: number;
    counters?: Partial<Record<counter, number | { min?: number; max?: number }>>;
  };
}

/** The outcome @s expects of @variant on @host, or null when it states none. */
export const expected_outcome_of = (s: scenario, variant: string, host: host_kind): outcome | null => {
  const e = s.expect.outcome[variant];
  if (e === undefined) return null;
  return typeof e === 'string' ? e : (e[host] ?? null);
};

/** The scenario, or one message per problem, each naming its JSON path ("/steps/2/do"). */
export const check_scenario = (v: unknown): { ok: true; scenario: scenario } | { ok: false; errors: string[] } => {
  if (validate(v)) {
    const s = v as scenario;
    if (!s.steps.some((st) => st.do === 'panic' || st.do === 'oops')) return { ok: false, errors: ['/steps: no panic or oops step, so there is nothing to recover'] };
    const bad = (s.expect.files ?? []).findIndex((f) => f.matches !== undefined && !valid_regexp(f.matches));
    if (bad >= 0) return { ok: false, errors: [`/expect/files/${bad}/matches: is not a valid regular expression`] };
    return { ok: true, scenario: s };
  }
  // With a discriminator, a bad step gets its own errors; the generic oneOf line only repeats them.
  const errors = (validate.errors ?? []).filter((e) => !['oneOf', 'anyOf', 'discriminator'].includes(e.keyword));
  return {
    ok: false,
    errors: [...new Set(errors.map((e) => `${ajv_path(e) || '/'}: ${ajv_message(e)}`))],
  };
};

const valid_regexp = (s: string): boolean => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
};
