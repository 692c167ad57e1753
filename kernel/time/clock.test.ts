import { describe, expect, it } from 'vitest';
import { VirtualClock } from './clock.ts';

describe('VirtualClock run-ahead', () => {
  it('lets an event look ahead only while it runs, up to the next other event and the CPUs bound', () => {
    const clock = new VirtualClock();
    let idle_until = Infinity;
    clock.cpus_idle_until = () => idle_until;
    const seen: number[] = [];
    clock.at(100, () => seen.push(clock.quietUntil()));
    clock.at(250, () => seen.push(clock.quietUntil()));
    clock.at(400, () => {
      idle_until = 300; // a CPU could run before the last event
      seen.push(clock.quietUntil());
    });
    expect(clock.quietUntil()).toBe(0); // not inside an event: no run-ahead
    while (clock.fire_next(Infinity));
    // At 100 the next event is at 250; at 250 the one at 400; at 400 nothing is left but the CPUs' bound is past.
    expect(seen).toEqual([250, 400, 400]);
  });

  it('has no run-ahead without a scheduler to say when CPUs are idle', () => {
    const clock = new VirtualClock();
    let q = -1;
    clock.at(10, () => (q = clock.quietUntil()));
    clock.fire_next(Infinity);
    expect(q).toBe(10);
  });

  it('moves to a time before quietUntil, and refuses one at or past it', () => {
    const clock = new VirtualClock();
    clock.cpus_idle_until = () => Infinity;
    const errors: string[] = [];
    clock.at(100, () => {
      clock.advanceTo(149);
      try {
        clock.advanceTo(150);
      } catch (e) {
        errors.push((e as Error).message);
      }
    });
    clock.at(150, () => {});
    clock.fire_next(Infinity);
    expect(clock.now).toBe(149);
    expect(errors).toEqual(['VirtualClock.advanceTo(150): not before quietUntil() = 150']);
    // The other event still runs at its time.
    clock.fire_next(Infinity);
    expect(clock.now).toBe(150);
  });

  it('skips cancelled events when looking ahead', () => {
    const clock = new VirtualClock();
    clock.cpus_idle_until = () => Infinity;
    let q = -1;
    clock.at(10, () => (q = clock.quietUntil()));
    clock.cancel(clock.at(20, () => {}));
    clock.at(30, () => {});
    clock.fire_next(Infinity);
    expect(q).toBe(30);
  });
});

describe('VirtualClock cancelled events', () => {
  it('does not keep a long run of cancelled timeouts: the heap stays bounded and live events fire in order', () => {
    const clock = new VirtualClock();
    const fired: number[] = [];
    // As a run of short requests does: each sets a 10 s timeout and cancels it when it completes.
    for (let i = 0; i < 100_000; i++) {
      clock.cancel(clock.at(clock.now + 10e9, () => fired.push(-1)));
      if (i % 1000 === 0) clock.at(clock.now + 5e9 + i, () => fired.push(i));
      clock.at(clock.now + 1000, () => {});
      clock.fire_next(Infinity);
    }
    expect(clock.queued_events).toBeLessThan(300);
    while (clock.fire_next(Infinity));
    expect(fired).toEqual(Array.from({ length: 100 }, (_, k) => k * 1000));
  });

  it('fires equal times in the order they were set, across a rebuild', () => {
    const clock = new VirtualClock();
    const fired: number[] = [];
    const evs = Array.from({ length: 5000 }, (_, i) => clock.at(100 + (i % 7), () => fired.push(i)));
    for (let i = 0; i < 5000; i += 2) clock.cancel(evs[i]!); // the rebuild comes half-way
    expect(clock.queued_events).toBeLessThan(5000);
    while (clock.fire_next(Infinity));
    const want = Array.from({ length: 5000 }, (_, i) => i).filter((i) => i % 2 === 1).sort((a, b) => (a % 7) - (b % 7) || a - b);
    expect(fired).toEqual(want);
  });
});
