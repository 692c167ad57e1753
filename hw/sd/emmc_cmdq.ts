// SPDX-License-Identifier: GPL-2.0
// The eMMC command queue (JEDEC §6.6.39, eMMC 5.1): with CMDQ_MODE_EN = 1 the host queues
// tasks with CMD44 (QUEUED_TASK_PARAMS) + CMD45 (QUEUED_TASK_ADDRESS), reads which are ready
// from the Queue Status Register (CMD13 with SEND_QUEUE_STATUS), runs one with CMD46/CMD47
// (EXECUTE_READ/WRITE_TASK) and drops tasks with CMD48 (CMDQ_TASK_MGMT). QEMU has no CMDQ.
// Simplification: a task is ready for execution as soon as it is queued.

/** A task between CMD45 and the end of its data phase. */
export interface QueuedTask {
  id: number;
  write: boolean;
  blocks: number;
  /** Start address as the host gave it: blocks in sector mode, bytes otherwise. */
  address: number;
  reliable: boolean;
  forced: boolean;
  ready: boolean;
}

/** CMD44's argument fields (JEDEC §6.6.39.1). */
export interface TaskParams {
  id: number;
  write: boolean;
  blocks: number;
  reliable: boolean;
  forced: boolean;
}

export function decodeTaskParams(arg: number): TaskParams {
  return {
    reliable: (arg & 0x8000_0000) !== 0,
    write: (arg & (1 << 30)) === 0, // DD: 1 = read
    forced: (arg & (1 << 24)) !== 0,
    id: (arg >>> 16) & 0x1f,
    blocks: arg & 0xffff,
  };
}

/** CMD48 TM_OP_CODE values (argument bits 3:0). */
export const TM_DISCARD_QUEUE = 1;
export const TM_DISCARD_TASK = 2;

export class TaskQueue {
  readonly tasks = new Map<number, QueuedTask>();
  /** CMD44 seen, waiting for its CMD45. */
  params: TaskParams | null = null;

  constructor(readonly depth: number) {}

  get empty(): boolean {
    return this.tasks.size === 0 && this.params === null;
  }

  /** Queue Status Register: bit n set when task n is ready for execution. */
  get qsr(): number {
    let q = 0;
    for (const t of this.tasks.values()) if (t.ready) q |= 1 << t.id;
    return q >>> 0;
  }

  clear(): void {
    this.tasks.clear();
    this.params = null;
  }
}
