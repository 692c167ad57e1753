// SPDX-License-Identifier: GPL-2.0
// What every property-based fuzz suite (*_fuzz.test.ts, fast-check) shares: how many cases a
// property runs and from which seed. CI runs a small fixed number from a fixed seed, so a CI
// failure replays anywhere; FUZZ_RUNS=N runs about N cases per property for a long local run
// (docs/fuzzing.md), FUZZ_SEED=S changes the seed, and FUZZ_SEED plus FUZZ_PATH replay the one
// counterexample a failure printed.
import fc from 'fast-check';

const int_env = (name: string, min: number, max: number): number | undefined => {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = /^-?[0-9]+$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new RangeError(`${name}=${v}: expected a whole number from ${min} to ${max}`);
  return n;
};

/** FUZZ_RUNS, or undefined in CI mode. */
export const FUZZ_RUNS = int_env('FUZZ_RUNS', 1, 1e9);
/** The seed of every property: fixed unless FUZZ_SEED says otherwise (fast-check takes a 32-bit int). */
export const FUZZ_SEED = int_env('FUZZ_SEED', -(2 ** 31), 2 ** 32 - 1) ?? 20261121;
/** FUZZ_PATH: replay only the case at this path (as printed by a failure, with its seed). */
const FUZZ_PATH = process.env['FUZZ_PATH'] || undefined;

/** Whether this is a long run (FUZZ_RUNS set). */
export const fuzz_long = FUZZ_RUNS !== undefined;

/**
 * Runs of one property: @ci in CI; in a long run FUZZ_RUNS scaled by @share (a property whose
 * case costs ten times the suite's cheapest takes share 0.1, so each suite's long run stays
 * within a comparable time), never fewer than @ci.
 */
export const fuzz_runs = (ci: number, share = 1): number => (FUZZ_RUNS === undefined ? ci : Math.max(ci, Math.ceil(FUZZ_RUNS * share)));

/** A vitest timeout for a test running properties: @ci_ms in CI, a day in a long run. */
export const fuzz_timeout = (ci_ms: number): number => (fuzz_long ? 24 * 3600e3 : ci_ms);

/**
 * Check @property on fuzz_runs(@ci, @share) cases. A failure is fast-check's report (seed,
 * path, shrunk counterexample, the error), with the environment that replays it appended.
 * In a long run, prints the count and time of the property (what docs/fuzzing.md records).
 */
export async function fuzz_check<Ts>(name: string, property: fc.IAsyncProperty<Ts> | fc.IProperty<Ts>, ci: number, share = 1): Promise<void> {
  const numRuns = fuzz_runs(ci, share);
  const t0 = performance.now();
  try {
    await fc.assert(property, { numRuns, seed: FUZZ_SEED, ...(FUZZ_PATH ? { path: FUZZ_PATH } : {}) });
  } catch (e) {
    const m = /seed: (-?\d+), path: "([^"]*)"/.exec(String((e as Error).message));
    if (m && e instanceof Error) e.message += `\n\nReplay: FUZZ_SEED=${m[1]} FUZZ_PATH=${m[2]} npx vitest run <this file> -t '${name}'`;
    throw e;
  }
  if (fuzz_long) console.log(`[fuzz] ${name}: ${numRuns} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s, seed ${FUZZ_SEED}`);
}
