// SPDX-License-Identifier: GPL-2.0
// The machine's trace buffer (kernel/trace): scheduling events from the scheduler, and the
// tracepoints of include/linux/trace.h, each stamped with virtual time and the context it
// happened in. tools/scenario/trace.ts turns it into Chrome/Perfetto trace-event JSON.
import { inject, injectable } from 'tsyringe';
import { MMC_DATA_WRITE, type mmc_request } from '../../include/linux/mmc/core.h.ts';
import type { trace_api } from '../../include/linux/trace.h.ts';
import { Scheduler, type sched_trace } from '../sched/core.ts';
import { VirtualClock } from '../time/clock.ts';

interface where {
  readonly time: number;
  readonly cpu: number;
  readonly pid: number;
  readonly comm: string;
}

export type trace_record =
  | (sched_trace & { readonly kind: 'sched' })
  | (where & { readonly kind: 'lock'; readonly op: 'acquire' | 'release'; readonly name: string })
  | (where & { readonly kind: 'mmc'; readonly op: 'start' | 'done'; readonly host: string; readonly cmds: readonly mmc_cmd_record[]; readonly blocks: number; readonly write: boolean })
  | (where & { readonly kind: 'panic'; readonly message: string })
  | (where & { readonly kind: 'mmio'; readonly device: string; readonly op: 'read' | 'write'; readonly offset: number; readonly size: number; readonly value: number });

export interface mmc_cmd_record {
  readonly opcode: number;
  readonly arg: number;
  readonly resp: number;
  readonly error: number;
}

@injectable()
export class Tracer implements trace_api {
  enabled = false;
  mmio_enabled = false;
  readonly records: trace_record[] = [];

  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(VirtualClock) private readonly clock: VirtualClock,
  ) {}

  /** Start recording (with register accesses when @mmio). */
  enable(mmio = false): void {
    this.enabled = true;
    this.mmio_enabled = mmio;
    this.sched.tracer = (e) => this.records.push({ kind: 'sched', ...e });
  }

  private where(): where {
    const c = this.sched.cur();
    return { time: this.clock.now, cpu: c.cpu, pid: c.pid, comm: c.comm };
  }

  mmc_request_start(host: string, mrq: mmc_request): void {
    if (this.enabled) this.records.push({ kind: 'mmc', op: 'start', host, ...this.mrq(mrq), ...this.where() });
  }

  mmc_request_done(host: string, mrq: mmc_request): void {
    if (this.enabled) this.records.push({ kind: 'mmc', op: 'done', host, ...this.mrq(mrq), ...this.where() });
  }

  lock(op: 'acquire' | 'release', name: string): void {
    if (this.enabled) this.records.push({ kind: 'lock', op, name, ...this.where() });
  }

  panic(message: string): void {
    if (this.enabled) this.records.push({ kind: 'panic', message, ...this.where() });
  }

  mmio(device: string, op: 'read' | 'write', offset: number, size: number, value: number): void {
    if (this.enabled && this.mmio_enabled) this.records.push({ kind: 'mmio', device, op, offset, size, value, ...this.where() });
  }

  private mrq(mrq: mmc_request): { cmds: mmc_cmd_record[]; blocks: number; write: boolean } {
    const cmd = (c: mmc_request['cmd']): mmc_cmd_record => ({ opcode: c.opcode, arg: c.arg >>> 0, resp: c.resp[0] >>> 0, error: c.error });
    return {
      cmds: [...(mrq.sbc ? [cmd(mrq.sbc)] : []), cmd(mrq.cmd), ...(mrq.stop ? [cmd(mrq.stop)] : [])],
      blocks: mrq.data?.blocks ?? 0,
      write: !!mrq.data && (mrq.data.flags & MMC_DATA_WRITE) !== 0,
    };
  }
}
