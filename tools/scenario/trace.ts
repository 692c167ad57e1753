// SPDX-License-Identifier: GPL-2.0
// A run's trace in the Chrome/Perfetto trace-event format (JSON object form): one process per
// run, one track per CPU with its task and interrupt slices, one per spinlock with its hold
// spans, one per MMC host with its requests (commands, arguments, responses), one for
// mmcpstore's panic writes, the panic as a global instant, and register accesses as instants.
import type { mmcpstore_panic_log } from '../../drivers/mmc/core/mmcpstore.ts';
import type { trace_record } from '../../kernel/trace/trace.ts';

export interface trace_event {
  readonly name: string;
  readonly ph: 'X' | 'i' | 'M';
  readonly pid: number;
  readonly tid: number;
  readonly ts?: number;
  readonly dur?: number;
  readonly cat?: string;
  readonly s?: 'g' | 'p' | 't';
  readonly args?: Record<string, unknown>;
}

export interface trace_file {
  readonly traceEvents: readonly trace_event[];
  readonly displayTimeUnit: 'ns';
  readonly otherData: Record<string, string>;
}

const us = (ns: number): number => ns / 1000;
const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

/** Tracks of a run, by kind: CPUs first, then locks, hosts, mmcpstore, devices. */
const CPU_TID = 1;
const LOCK_TID = 100;
const HOST_TID = 1000;
const PSTORE_TID = 2000;
const MMIO_TID = 3000;

/** The events of one run (process @pid, named @label), ending at @end ns. */
export const run_trace_events = (pid: number, label: string, records: readonly trace_record[], panic_log: readonly mmcpstore_panic_log[], end: number): trace_event[] => {
  const out: trace_event[] = [{ name: 'process_name', ph: 'M', pid, tid: 0, args: { name: label } }];
  const tracks = new Map<string, number>();
  const track = (key: string, base: number, name: string): number => {
    let tid = tracks.get(key);
    if (tid === undefined) {
      tid = base + [...tracks.keys()].filter((k) => k.split(':')[0] === key.split(':')[0]).length;
      tracks.set(key, tid);
      out.push({ name: 'thread_name', ph: 'M', pid, tid, args: { name } });
      out.push({ name: 'thread_sort_index', ph: 'M', pid, tid, args: { sort_index: tid } });
    }
    return tid;
  };
  const span = (tid: number, cat: string, name: string, from: number, to: number, args?: Record<string, unknown>) =>
    out.push({ name, cat, ph: 'X', pid, tid, ts: us(from), dur: us(Math.max(0, to - from)), ...(args ? { args } : {}) });

  const running = new Map<number, { name: string; since: number; irq: boolean }>();
  const held = new Map<string, { by: string; since: number }>();
  const requests = new Map<string, { since: number; name: string; args: Record<string, unknown> }>();
  for (const r of records) {
    switch (r.kind) {
      case 'sched': {
        const tid = track(`cpu:${r.cpu}`, CPU_TID, `CPU${r.cpu}`);
        const cur = running.get(r.cpu);
        if (cur) span(tid, cur.irq ? 'irq' : 'sched', cur.name, cur.since, r.time);
        running.delete(r.cpu);
        if (r.what === 'run' || r.what === 'irq') running.set(r.cpu, { name: `${r.comm}/${r.pid}`, since: r.time, irq: r.what === 'irq' });
        if (r.what === 'stop') out.push({ name: 'stopped', cat: 'sched', ph: 'i', s: 't', pid, tid, ts: us(r.time), args: { task: `${r.comm}/${r.pid}` } });
        break;
      }
      case 'lock': {
        const tid = track(`lock:${r.name}`, LOCK_TID, `lock ${r.name}`);
        if (r.op === 'acquire') held.set(r.name, { by: `${r.comm}/${r.pid} on CPU${r.cpu}`, since: r.time });
        else {
          const h = held.get(r.name);
          if (h) span(tid, 'lock', h.by, h.since, r.time);
          held.delete(r.name);
        }
        break;
      }
      case 'mmc': {
        const tid = track(`host:${r.host}`, HOST_TID, r.host);
        if (r.op === 'start') {
          const name = r.cmds.map((c) => `CMD${c.opcode}`).join('+');
          requests.set(r.host, { since: r.time, name, args: { cpu: r.cpu, task: `${r.comm}/${r.pid}`, blocks: r.blocks, write: r.write, args: r.cmds.map((c) => `CMD${c.opcode} ${hex(c.arg)}`) } });
        } else {
          const q = requests.get(r.host);
          if (!q) break;
          requests.delete(r.host);
          span(tid, 'mmc', q.name, q.since, r.time, { ...q.args, responses: r.cmds.map((c) => `CMD${c.opcode} ${hex(c.resp)}${c.error ? ` error ${c.error}` : ''}`) });
        }
        break;
      }
      case 'panic':
        out.push({ name: `panic: ${r.message}`, cat: 'panic', ph: 'i', s: 'g', pid, tid: track(`cpu:${r.cpu}`, CPU_TID, `CPU${r.cpu}`), ts: us(r.time), args: { cpu: r.cpu, task: `${r.comm}/${r.pid}` } });
        break;
      case 'mmio': {
        const tid = track(`mmio:${r.device}`, MMIO_TID, `${r.device} registers`);
        out.push({ name: `${r.op} 0x${r.offset.toString(16)}`, cat: 'mmio', ph: 'i', s: 't', pid, tid, ts: us(r.time), args: { size: r.size, value: hex(r.value), cpu: r.cpu } });
        break;
      }
    }
  }
  // What is still running, held or in flight at the end is drawn to the end, marked so.
  for (const [cpu, cur] of running) span(track(`cpu:${cpu}`, CPU_TID, `CPU${cpu}`), cur.irq ? 'irq' : 'sched', cur.name, cur.since, end, { at_end: 'still running' });
  for (const [name, h] of held) span(track(`lock:${name}`, LOCK_TID, `lock ${name}`), 'lock', h.by, h.since, end, { at_end: 'still held' });
  for (const [host, q] of requests) span(track(`host:${host}`, HOST_TID, host), 'mmc', q.name, q.since, end, { ...q.args, at_end: 'never completed' });
  for (const p of panic_log) {
    span(track('mmcpstore', PSTORE_TID, 'mmcpstore'), 'panic_write', `panic_write ${p.size} bytes at ${p.off}`, p.start, p.end, { ret: p.ret });
  }
  return out;
};

export const trace_file = (events: readonly trace_event[], tool_args: string): trace_file => ({
  traceEvents: events,
  displayTimeUnit: 'ns',
  otherData: { generator: 'mmcpstore-ts tools/run-scenario', command: tool_args },
});
