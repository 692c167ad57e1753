// SPDX-License-Identifier: GPL-2.0
// Writes docs/scenario.schema.json from SCENARIO_SCHEMA, for editors that check scenario files
// as they are typed ("$schema" in each file points there). A test keeps the two the same.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { SCENARIO_SCHEMA } from './schema.ts';

export const SCHEMA_FILE = new URL('../../docs/scenario.schema.json', import.meta.url).pathname;
/** Enums in name order: the same file whichever way the module system lists a namespace's keys. */
const sorted_enums = (key: string, v: unknown): unknown => (key === 'enum' && Array.isArray(v) ? [...v].sort() : v);

export const schema_file_text = (): string =>
  JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', title: 'mmcpstore-ts scenario', ...SCENARIO_SCHEMA }, sorted_enums, 2) + '\n';

if (process.argv[1] === new URL(import.meta.url).pathname) writeFileSync(SCHEMA_FILE, schema_file_text());
