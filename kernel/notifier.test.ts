// Notifier chains: priority order (equal priorities in registration order), NOTIFY_STOP_MASK
// ends the call, the robust variant's roll-back, and errno carried through a notifier result.
import { describe, expect, it } from 'vitest';
import { EBUSY, EEXIST, EINVAL, EIO, ENOENT, ENOMEM, EPERM } from '../include/linux/errno.h.ts';
import { NOTIFY_BAD, NOTIFY_DONE, NOTIFY_OK, NOTIFY_STOP, NOTIFY_STOP_MASK, type notifier_block } from '../include/linux/notifier.h.ts';
import { NotifierChain, notifier_from_errno, notifier_to_errno } from './notifier.ts';

/** A block that logs "name:action" and answers @ret. */
const block = (log: string[], name: string, priority: number | undefined, ret = NOTIFY_OK): notifier_block => ({
  ...(priority === undefined ? {} : { priority }),
  notifier_call: async (_nb, action) => {
    log.push(`${name}:${action}`);
    return ret;
  },
});

describe('NotifierChain', () => {
  it('calls blocks highest priority first, equal priorities in registration order', async () => {
    const log: string[] = [];
    const chain = new NotifierChain('test');
    chain.register(block(log, 'zero-a', undefined));
    chain.register(block(log, 'low', -10));
    chain.register(block(log, 'high', 100));
    chain.register(block(log, 'zero-b', 0));
    chain.register(block(log, 'mid', 5));
    chain.register(block(log, 'high-2', 100));
    expect(await chain.call_chain(7, null)).toBe(NOTIFY_OK);
    expect(log).toEqual(['high:7', 'high-2:7', 'mid:7', 'zero-a:7', 'zero-b:7', 'low:7']);
  });

  it('passes the action and data, and returns the last value', async () => {
    const chain = new NotifierChain('test');
    const seen: unknown[] = [];
    chain.register({ notifier_call: (nb, action, data) => (seen.push([nb.priority, action, data]), NOTIFY_DONE), priority: 2 });
    chain.register({ notifier_call: (_nb, action, data) => (seen.push([action, data]), NOTIFY_OK), priority: 1 });
    expect(await chain.call_chain(3, 'cmd')).toBe(NOTIFY_OK);
    expect(seen).toEqual([
      [2, 3, 'cmd'],
      [3, 'cmd'],
    ]);
  });

  it('returns NOTIFY_DONE for an empty chain', async () => {
    expect(await new NotifierChain('empty').call_chain(1, null)).toBe(NOTIFY_DONE);
  });

  it('stops at a result with NOTIFY_STOP_MASK and returns it', async () => {
    for (const stop of [NOTIFY_STOP, NOTIFY_BAD, notifier_from_errno(-EIO)]) {
      const log: string[] = [];
      const chain = new NotifierChain('test');
      chain.register(block(log, 'a', 3));
      chain.register(block(log, 'b', 2, stop));
      chain.register(block(log, 'c', 1));
      expect(await chain.call_chain(1, null)).toBe(stop);
      expect(log).toEqual(['a:1', 'b:1']);
    }
  });

  it('limits the call to nr_to_call blocks', async () => {
    const log: string[] = [];
    const chain = new NotifierChain('test');
    for (const n of ['a', 'b', 'c']) chain.register(block(log, n, 0));
    await chain.call_chain(1, null, 2);
    await chain.call_chain(2, null, 0);
    expect(log).toEqual(['a:1', 'b:1']);
  });

  it('refuses a block registered twice and an unknown one on unregister', async () => {
    const log: string[] = [];
    const chain = new NotifierChain('test');
    const nb = block(log, 'a', 0);
    expect(chain.register(nb)).toBe(0);
    expect(chain.register(nb)).toBe(-EEXIST);
    await chain.call_chain(1, null);
    expect(log).toEqual(['a:1']); // once
    expect(chain.unregister(nb)).toBe(0);
    expect(chain.unregister(nb)).toBe(-ENOENT);
    await chain.call_chain(2, null);
    expect(log).toEqual(['a:1']);
  });

  it('a block may unregister itself during the call; the others still run', async () => {
    const log: string[] = [];
    const chain = new NotifierChain('test');
    const self: notifier_block = {
      priority: 1,
      notifier_call: (nb) => {
        log.push('self');
        chain.unregister(nb);
        return NOTIFY_OK;
      },
    };
    chain.register(self);
    chain.register(block(log, 'other', 0));
    await chain.call_chain(1, null);
    await chain.call_chain(2, null);
    expect(log).toEqual(['self', 'other:1', 'other:2']);
  });

  it('call_chain_robust() sends the roll-back action only to the blocks before the one that refused', async () => {
    const log: string[] = [];
    const chain = new NotifierChain('test');
    chain.register(block(log, 'a', 3));
    chain.register(block(log, 'b', 2));
    chain.register(block(log, 'refuses', 1, notifier_from_errno(-EBUSY)));
    chain.register(block(log, 'late', 0));
    const ret = await chain.call_chain_robust(10, 20, null);
    expect(notifier_to_errno(ret)).toBe(-EBUSY);
    expect(log).toEqual(['a:10', 'b:10', 'refuses:10', 'a:20', 'b:20']);
  });

  it('call_chain_robust() sends nothing else when every block agrees', async () => {
    const log: string[] = [];
    const chain = new NotifierChain('test');
    chain.register(block(log, 'a', 1));
    chain.register(block(log, 'b', 0, NOTIFY_DONE));
    expect(await chain.call_chain_robust(10, 20, null)).toBe(NOTIFY_DONE);
    expect(log).toEqual(['a:10', 'b:10']);
  });
});

describe('notifier_from_errno / notifier_to_errno', () => {
  it('round-trips every errno through a stopping result', () => {
    for (const e of [EPERM, ENOENT, EIO, ENOMEM, EBUSY, EINVAL, 95, 110, 4095]) {
      const r = notifier_from_errno(-e);
      expect(r & NOTIFY_STOP_MASK).toBe(NOTIFY_STOP_MASK);
      expect(notifier_to_errno(r)).toBe(-e);
    }
  });

  it('uses Linux encodings', () => {
    expect(notifier_from_errno(-EBUSY)).toBe(0x8000 | 17);
    expect(notifier_from_errno(0)).toBe(NOTIFY_OK);
    expect(notifier_to_errno(NOTIFY_OK)).toBe(0);
    expect(notifier_to_errno(NOTIFY_DONE)).toBe(0);
    expect(notifier_to_errno(NOTIFY_STOP)).toBe(0);
    expect(notifier_to_errno(NOTIFY_BAD)).toBe(-EPERM); // NOTIFY_BAD reads as -EPERM, as in Linux
  });
});
