import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../kernel/time/clock.ts';
import { CardJournal } from './card_journal.ts';

describe('CardJournal', () => {
  it('keeps every write with its source and time, past its first room, and lists them from an index or a time', () => {
    const clock = new VirtualClock();
    const j = new CardJournal(clock);
    const user = j.listener('mmc_mock.0', 'user');
    const boot0 = j.listener('mmc_mock.0', 'boot0');
    for (let i = 0; i < 1000; i++) {
      clock.advance_to(i * 10);
      (i % 3 ? user : boot0)(i * 512, 512);
    }
    expect(j.length).toBe(1000);
    expect(j.slice(999)).toEqual([{ device: 'mmc_mock.0', part: 'boot0', offset: 999 * 512, length: 512, time: 9990 }]);
    expect(j.slice(1)[0]).toEqual({ device: 'mmc_mock.0', part: 'user', offset: 512, length: 512, time: 10 });
    expect(j.since(9975).map((w) => w.offset / 512)).toEqual([998, 999]);
    expect(j.since(10_000)).toEqual([]);
    expect(j.since(0)).toHaveLength(1000);
  });

  it('keeps nothing while muted (a power cut undoing programming)', () => {
    const j = new CardJournal(new VirtualClock());
    const user = j.listener('sdhci.0', 'user');
    j.muted = true;
    user(0, 512);
    j.muted = false;
    user(512, 1024);
    expect(j.slice()).toEqual([{ device: 'sdhci.0', part: 'user', offset: 512, length: 1024, time: 0 }]);
  });
});
