// SPDX-License-Identifier: GPL-2.0
// The command-queue commands CMD44..CMD48 (JEDEC §6.6.39), legal only with CMDQ_MODE_EN = 1.
// Errors the spec leaves to the device (a task ID in use or beyond CMDQ_DEPTH, executing a task
// that is not ready or has the other direction) are refused here like any illegal command: no
// response, ILLEGAL_COMMAND in the next status.
import { decodeTaskParams, TM_DISCARD_QUEUE, TM_DISCARD_TASK } from './emmc_cmdq.ts';
import { type EmmcCore, illegal, type Outcome, r1 } from './emmc_core.ts';
import { mediaAddress, startRead, startWrite } from './emmc_data.ts';

/** CMD44 QUEUED_TASK_PARAMS: direction, count, flags and ID of the task CMD45 will queue. */
export function queueTaskParams(core: EmmcCore, arg: number): Outcome {
  const q = core.queue!;
  const p = decodeTaskParams(arg);
  if (p.id >= q.depth) return illegal(`task ${p.id} beyond CMDQ_DEPTH ${q.depth}`);
  if (q.tasks.has(p.id)) return illegal(`task ${p.id} already queued`);
  if (p.blocks === 0) return illegal('task of 0 blocks');
  q.params = p;
  return r1();
}

/** CMD45 QUEUED_TASK_ADDRESS: the start address; the task is queued (and, here, ready). */
export function queueTaskAddress(core: EmmcCore, arg: number): Outcome {
  const q = core.queue!;
  const p = q.params;
  if (!p) return illegal('CMD45 without CMD44');
  q.params = null;
  const a = mediaAddress(core, arg);
  if ('error' in a) return r1(a.error);
  q.tasks.set(p.id, { ...p, address: arg, ready: true });
  return r1();
}

/** CMD46/CMD47 EXECUTE_READ_TASK / EXECUTE_WRITE_TASK: run a ready task's data phase. */
export function executeTask(core: EmmcCore, arg: number, write: boolean): Outcome {
  const id = (arg >>> 16) & 0x1f;
  const t = core.queue!.tasks.get(id);
  if (!t || !t.ready) return illegal(`task ${id} is not ready`);
  if (t.write !== write) return illegal(`task ${id} is a ${t.write ? 'write' : 'read'}`);
  t.ready = false;
  return write ? startWrite(core, t.address, t.blocks, t.reliable || t.forced, id) : startRead(core, t.address, t.blocks, id);
}

/** CMD48 CMDQ_TASK_MGMT: discard the whole queue or one task. */
export function taskManagement(core: EmmcCore, arg: number): Outcome {
  const q = core.queue!;
  switch (arg & 0xf) {
    case TM_DISCARD_QUEUE:
      q.clear();
      return r1();
    case TM_DISCARD_TASK:
      q.tasks.delete((arg >>> 16) & 0x1f);
      return r1();
    default:
      return illegal(`task management op ${arg & 0xf}`);
  }
}
