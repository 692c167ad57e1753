// SPDX-License-Identifier: GPL-2.0
// One run: a scenario on a host with a variant and a seed. Boot, play the steps, then (unless
// the scenario already did) boot again and mount pstore, as a user would after a crash; the
// outcome is classified from the evidence, and compared with what the scenario expects.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { module } from '../../include/linux/module.h.ts';
import { PSTOREFS } from '../../include/linux/pstore.h.ts';
import { Mmcpstore } from '../../drivers/mmc/core/mmcpstore.ts';
import { Machine } from '../../init/machine.ts';
import { Tracer } from '../../kernel/trace/trace.ts';
import { open_board_storage } from '../lib/board-storage.ts';
import { load_kconfig_db, resolve_config } from '../../scripts/kconfig/index.ts';
import { scenario_board, scenario_card, scenario_config } from './board.ts';
import { start_run_bridge, type bridge_kind, type run_bridge } from './bridge_run.ts';
import { classify, count, type counter } from './outcome.ts';
import { expected_outcome_of, is_builtin_variant, type host_kind, type outcome, type scenario } from './schema.ts';
import { copy_image, image_name, save_card_images } from './images.ts';
import { run_trace_events, type trace_event } from './trace.ts';
import { run_step, scenario_context_init, STOPPED, type scenario_context } from './steps.ts';

export interface run_options {
  readonly host: host_kind;
  /** v4, v5, proposed, or the path of a module that registers a variant. */
  readonly variant: string;
  readonly seed: number;
  /** Exploration: crash at this yield point of the workload (1-based) instead of where the steps say. */
  readonly point?: number;
  /** Record a trace of the crashing boot from the end of its boot on ('mmio': register accesses too). */
  readonly trace?: 'on' | 'mmio';
  /** Save the final card images in this directory. */
  readonly keep_images?: string;
  /** Serial host: a tools/mmc-bridge process on this transport instead of the in-process one. */
  readonly bridge?: bridge_kind;
}

export interface run_result {
  readonly scenario: string;
  readonly host: host_kind;
  readonly variant: string;
  readonly seed: number;
  /** ERROR when the run itself could not be carried out (a step that cannot happen here). */
  readonly outcome: outcome | 'ERROR';
  readonly why: string;
  readonly expected: outcome | null;
  /** Expectations that did not hold (the outcome's included); empty when the run passes. */
  readonly failures: readonly string[];
  /** Simulated time spent in panic_write, summed over the calls, ms; null without a call. */
  readonly panic_write_ms: number | null;
  /** What happened, counted (expect.counters checks them). */
  readonly counters: Record<counter, number> | null;
  readonly dmesg: string;
  /** The log of the boot after the crash. */
  readonly next_dmesg: string;
  /** The exploration point the crash was injected at, if any. */
  readonly point?: number;
  /** The crashing boot's trace events (process 1), when asked for. */
  readonly trace?: readonly trace_event[];
  /** The card images saved (--keep-images). */
  readonly images?: readonly string[];
}

/** The name a variant is known by in expectations and tables: its own, or its file's. */
export const variant_label = (v: string): string => (/[/.]/.test(v) ? v.replace(/^.*\//, '').replace(/\.[cm]?[jt]s$/, '') : v);

export const load_variant_module = async (path: string): Promise<module> => {
  const mod = (await import(pathToFileURL(resolve(path)).href)) as { default?: module };
  if (!mod.default?.module_init) throw new Error(`${path}: the default export must be a module registering MMC_PANIC_VARIANT`);
  return mod.default;
};

/**
 * The machine of a run booted, its modules loaded and pstore mounted: ready for the steps; and
 * how to let go of what the run holds outside (a bridge process).
 */
const prepare = async (s: scenario, o: run_options): Promise<{ c: scenario_context; bridge: run_bridge | null }> => {
  const user_variant = is_builtin_variant(o.variant) ? null : await load_variant_module(o.variant);
  const r = resolve_config(load_kconfig_db(), scenario_config(s, o.variant));
  if (!r.ok) throw new Error(`config: ${r.errors.join('; ')}`);
  const modular = r.config['MMC_PSTORE'] === 'm';
  const bridge = o.bridge && o.host === 'serial' ? await start_run_bridge(o.bridge, scenario_card(s)) : null;
  const after_boot = async (m: Machine) => {
    bridge?.attach(m);
    if (o.trace) m.resolve(Tracer).enable(o.trace === 'mmio');
    if (modular) await m.modprobe('mmcpstore');
    if (user_variant) await m.insmod(user_variant);
    // As systemd-pstore does at every boot: pstore/zone recovers, and takes new records, after it.
    await m.exec(0, 'mount', () => m.resolve(PSTOREFS).mount());
  };
  const board = scenario_board(s, o.host, bridge?.url);
  // A card image (made absolute when the scenario was loaded) is read through a copy-on-write
  // overlay: every run starts from the same file, and the file is never written.
  const storage = open_board_storage(board, '/', { copy_on_write: true });
  try {
    const m = await Machine.boot({ config: r.config, board, seed: o.seed, storage, ...(bridge ? { links: bridge.links } : {}) });
    await after_boot(m);
    return { c: scenario_context_init(m, after_boot), bridge };
  } catch (e) {
    await bridge?.stop();
    throw e;
  }
};

const crash_step = (s: scenario): number => s.steps.findIndex((x) => x.do === 'panic' || x.do === 'oops');

/** The workload: the steps before the crash, then the background I/O they left, to its end. */
const play_workload = async (c: scenario_context, s: scenario): Promise<void> => {
  for (const step of s.steps.slice(0, crash_step(s))) await run_step(c, step);
  const limit = c.m.now + DRAIN_NS;
  while (c.in_flight.size && c.m.now < limit) await c.run(c.m.now + 1e6);
};

const DRAIN_NS = 10e9;

/** Yield points the workload passes (on every CPU): the instants exploration can panic at. */
export const count_points = async (s: scenario, o: run_options): Promise<number> => {
  const { c, bridge } = await prepare(s, o);
  try {
    const base = c.m.sched.yields;
    await play_workload(c, s);
    return c.m.sched.yields - base;
  } finally {
    await bridge?.stop();
  }
};

/**
 * Play the steps. With @point, the machine stops at that yield point of the workload instead
 * (whatever the workload was doing stays where it is), and the crash step comes there.
 */
const play = async (c: scenario_context, s: scenario, point: number | undefined): Promise<void> => {
  if (point === undefined) {
    for (const step of s.steps) await run_step(c, step);
    return;
  }
  const sched = c.m.sched;
  sched.breakpoint = sched.yields + point;
  sched.on_breakpoint = () => {
    c.stopped = true;
    sched.pause();
  };
  try {
    await play_workload(c, s);
  } catch (e) {
    if (e !== STOPPED) throw e;
  }
  sched.on_breakpoint = null;
  sched.breakpoint = -1;
  if (!c.stopped) throw new Error(`point ${point} is past the end of the workload`);
  c.stopped = false;
  for (const step of s.steps.slice(crash_step(s))) await run_step(c, step);
};

export const run_scenario = async (s: scenario, o: run_options): Promise<run_result> => {
  const { c, bridge } = await prepare(s, o);
  try {
    return await finish_run(s, o, c, bridge);
  } finally {
    await bridge?.stop();
  }
};

const finish_run = async (s: scenario, o: run_options, c: scenario_context, bridge: run_bridge | null): Promise<run_result> => {
  const variant = o.variant;
  await play(c, s, o.point);
  const crashed = c.crashed ?? c.m;
  if (c.m === crashed) {
    c.m = await crashed.reboot();
    await c.after_boot(c.m);
  }
  const next = c.m;
  const fs = next.resolve(PSTOREFS);
  const name = image_name(s.name, o.host, variant_label(variant), o.seed, o.point);
  const images = !o.keep_images ? null : bridge ? [copy_image(bridge.image, o.keep_images, name)] : save_card_images(next.storage, o.keep_images, name);
  const files = fs.readdir();
  const text = (name: string) => new TextDecoder().decode(fs.read(name) ?? new Uint8Array());
  const recovered = files.filter((f) => f.name.startsWith('dmesg-')).map((f) => text(f.name));

  const panic_log = crashed.container.isRegistered(Mmcpstore) ? crashed.resolve(Mmcpstore).panic_log : [];
  const audit = crashed.panic_audit();
  const since = audit.panic_time ?? Infinity;
  const evidence = {
    audit,
    in_flight: c.in_flight_at_crash,
    misdirected: c.misdirected,
    reports: crashed.reports.filter((rep) => rep.time >= since && rep.kind !== 'panic'),
    panic_log,
    dmesg: crashed.dmesg(),
    recovered,
    marker: c.marker!,
    expected_lines: c.lines,
    power_cut: c.power_cut,
  };
  const verdict = classify(evidence);
  const counters = count(evidence);

  const label = variant_label(variant);
  const expected = expected_outcome_of(s, label, o.host);
  const panic_write_ms = panic_log.length ? panic_log.reduce((t, p) => t + p.end - p.start, 0) / 1e6 : null;
  const failures: string[] = [];
  // At an explored point the crash may come before the scenario's trouble is set up: recovering
  // the record there is never a failure.
  const better = o.point !== undefined && verdict.outcome === 'RECOVERED';
  if (expected && verdict.outcome !== expected && !better) failures.push(`outcome ${verdict.outcome} (${verdict.why}), expected ${expected}`);
  for (const f of s.expect.files ?? []) {
    const have = files.some((d) => d.name === f.name);
    if (f.absent ? have : !have) failures.push(`${f.name} is ${have ? 'present' : 'absent'}`);
    else if (have && f.matches && !new RegExp(f.matches, 'm').test(text(f.name))) failures.push(`${f.name} does not match /${f.matches}/`);
  }
  for (const want of s.expect.dmesg_contains ?? []) if (!crashed.dmesg().includes(want)) failures.push(`the log lacks "${want}"`);
  for (const [name, want] of Object.entries(s.expect.counters ?? {})) {
    const have = counters[name as counter];
    const { min, max } = typeof want === 'number' ? { min: want, max: want } : want;
    if ((min !== undefined && have < min) || (max !== undefined && have > max))
      failures.push(`counter ${name} is ${have}, expected ${min === max ? min : `${min ?? 0}..${max ?? '∞'}`}`);
  }
  const max = s.expect.max_panic_write_ms;
  if (max !== undefined && panic_write_ms !== null && panic_write_ms > max) failures.push(`panic_write took ${panic_write_ms.toFixed(1)} ms, more than ${max} ms`);

  return {
    scenario: s.name,
    host: o.host,
    variant: label,
    seed: o.seed,
    outcome: verdict.outcome,
    why: verdict.why,
    expected,
    failures,
    panic_write_ms,
    counters,
    dmesg: crashed.dmesg(),
    next_dmesg: next.dmesg(),
    ...(o.point !== undefined ? { point: o.point } : {}),
    ...(images ? { images } : {}),
    ...(o.trace ? { trace: run_trace_events(1, `${s.name} on ${o.host} with ${label}, seed ${o.seed}${o.point ? `, point ${o.point}` : ''}`, crashed.resolve(Tracer).records, panic_log, crashed.now) } : {}),
  };
};

/** run_scenario(), with a run that cannot be carried out reported as an ERROR result. */
export const run_or_error = async (s: scenario, o: run_options): Promise<run_result> => {
  try {
    return await run_scenario(s, o);
  } catch (e) {
    const why = (e as Error).message;
    return {
      scenario: s.name,
      host: o.host,
      variant: variant_label(o.variant),
      seed: o.seed,
      outcome: 'ERROR',
      why,
      expected: expected_outcome_of(s, variant_label(o.variant), o.host),
      failures: [`the run failed: ${why}`],
      panic_write_ms: null,
      counters: null,
      dmesg: '',
      next_dmesg: '',
      ...(o.point !== undefined ? { point: o.point } : {}),
    };
  }
};
