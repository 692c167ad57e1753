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
