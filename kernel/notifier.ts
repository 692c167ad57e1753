// SPDX-License-Identifier: GPL-2.0
// A notifier chain (kernel/notifier.c). Blocking chains may sleep in their callbacks; the
// caller decides the context.
import { NOTIFY_DONE, NOTIFY_OK, NOTIFY_STOP_MASK, type notifier_block } from '../include/linux/notifier.h.ts';
import { EEXIST, ENOENT } from '../include/linux/errno.h.ts';

export class NotifierChain {
  private head: notifier_block[] = [];

  constructor(readonly name: string) {}

  register(nb: notifier_block): number {
    if (this.head.includes(nb)) return -EEXIST;
    const prio = nb.priority ?? 0;
    const at = this.head.findIndex((n) => (n.priority ?? 0) < prio);
    this.head.splice(at < 0 ? this.head.length : at, 0, nb);
    return 0;
  }

  unregister(nb: notifier_block): number {
    const i = this.head.indexOf(nb);
    if (i < 0) return -ENOENT;
    this.head.splice(i, 1);
    return 0;
  }

  /**
   * Call each block until one returns a value with NOTIFY_STOP_MASK, or until @nr_to_call
   * blocks were called (-1: no limit); returns the last value (NOTIFY_DONE for none).
   */
  async call_chain(action: number, data: unknown, nr_to_call = -1): Promise<number> {
    return (await this.call(action, data, nr_to_call)).ret;
  }

  /**
   * notifier_call_chain_robust(): @val_up to each block; if one stops the chain, @val_down to
   * the blocks called before it (not to it, nor to those after it), in chain order.
   */
  async call_chain_robust(val_up: number, val_down: number, data: unknown): Promise<number> {
    const { ret, nr } = await this.call(val_up, data, -1);
    if (ret & NOTIFY_STOP_MASK) await this.call(val_down, data, nr - 1);
    return ret;
  }

  private async call(action: number, data: unknown, nr_to_call: number): Promise<{ ret: number; nr: number }> {
    let ret = NOTIFY_DONE;
    let nr = 0;
    for (const nb of [...this.head]) {
      if (nr_to_call-- === 0) break;
      ret = await nb.notifier_call(nb, action, data);
      nr++;
      if (ret & NOTIFY_STOP_MASK) break;
    }
    return { ret, nr };
  }
}

/** notifier_from_errno(): a stopping result that carries -errno @err. */
export const notifier_from_errno = (err: number): number => (err ? NOTIFY_STOP_MASK | (NOTIFY_OK - err) : NOTIFY_OK);

/** notifier_to_errno(): the errno a notifier_from_errno() result carries, or 0. */
export const notifier_to_errno = (ret: number): number => {
  const r = ret & ~NOTIFY_STOP_MASK;
  return r > NOTIFY_OK ? NOTIFY_OK - r : 0;
};
