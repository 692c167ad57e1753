// DI wiring: every shipped board boots in a container of its own, every kernel token resolves
// (a forgotten @inject fails here, since no tool emits decorator metadata), aliases share one
// instance per machine, and machines share nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { container as root, injectable } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { DRIVER_CORE_TOKENS } from '../drivers/base/base.ts';
import { DELAY } from '../include/linux/delay.h.ts';
import { PRINTK } from '../include/linux/printk.h.ts';
import { SCHED } from '../include/linux/sched.h.ts';
import { KERNEL_TOKENS } from '../kernel/kernel.ts';
import { Printk } from '../kernel/printk/printk.ts';
import { Scheduler } from '../kernel/sched/core.ts';
import { derive_seed } from '../kernel/sched/rng.ts';
import { default_config } from '../scripts/kconfig/index.ts';
import { check_board } from './board.ts';
import { Machine } from './machine.ts';

const BOARDS_DIR = new URL('../boards/', import.meta.url);
const shipped = readdirSync(BOARDS_DIR).filter((f) => f.endsWith('.json'));

describe('shipped boards', () => {
  it('exist', () => {
    expect(shipped).toContain('default.json');
  });

  for (const file of shipped) {
    it(`${file} is valid, boots, and resolves every kernel and driver-core token`, async () => {
      const b = check_board(JSON.parse(readFileSync(new URL(file, BOARDS_DIR), 'utf8')));
      if (!b.ok) throw new Error(b.errors.join('\n'));
      const m = await Machine.boot({ config: default_config(), board: b.board });
      expect(m.halted).toBeNull();
      expect(m.dmesg()).toContain(`smp: Brought up 1 node, ${b.board.cpus} CPU`);
      for (const t of [...KERNEL_TOKENS, ...DRIVER_CORE_TOKENS]) expect(m.resolve(t), String(t)).toBeTruthy();
    });
  }
});

describe('containers', () => {
  const board = { name: 't', cpus: 2, cmdline: '', devices: [] };

  it('resolve interface tokens and classes to one instance per machine, shared with device children', async () => {
    const a = await Machine.boot({ config: default_config(), board });
    const b = await Machine.boot({ config: default_config(), board });
    expect(a.resolve(SCHED)).toBe(a.resolve(Scheduler));
    expect(a.resolve(PRINTK)).toBe(a.resolve(Printk));
    expect(a.resolve(SCHED)).not.toBe(b.resolve(SCHED));
    const device_child = a.container.createChildContainer();
    expect(device_child.resolve(Scheduler)).toBe(a.sched);
  });

  it('fail loudly on a constructor parameter without @inject', () => {
    @injectable()
    class Clockless {
      constructor(readonly clock: Scheduler) {}
    }
    expect(() => root.createChildContainer().resolve(Clockless)).toThrow(/TypeInfo not known for "Clockless"/);
  });

  it('reboot boots the same board with a derived seed', async () => {
    const a = await Machine.boot({ config: default_config(), board, seed: 7 });
    const b = await a.reboot();
    expect(b.seed).toBe(derive_seed(7));
    expect(b.options.board).toBe(board);
    expect(b.now).toBe(0);
  });

  it('ends an exec() when its own task returns, not when a task of an earlier, interrupted exec() does', async () => {
    const m = await Machine.boot({ config: default_config(), board, seed: 1 });
    const delay = m.resolve(DELAY);
    const sched = m.resolve(SCHED);
    // Stop the first exec() at a yield point, as exploration does, leaving its task behind.
    m.sched.breakpoint = m.sched.yields + 2;
    m.sched.on_breakpoint = () => m.sched.pause();
    const work = async (n: number, done: () => void): Promise<number> => {
      for (let i = 0; i < n; i++, done()) {
        await sched.yield_point();
        await delay.msleep(1);
      }
      return n;
    };
    expect(await m.exec(0, 'left', () => work(5, () => {}))).toBeUndefined();
    m.sched.on_breakpoint = null;
    let steps = 0;
    // 'left' finishes after 5 ms, in the middle of this one.
    expect(await m.exec(1, 'second', () => work(50, () => steps++))).toBe(50);
    expect(steps).toBe(50);
  });

  it('refuses a board with more CPUs than CONFIG_NR_CPUS', async () => {
    await expect(Machine.boot({ config: default_config(), board: { ...board, cpus: 3 } })).rejects.toThrow(
      'board t: 3 CPUs but CONFIG_NR_CPUS=2',
    );
  });
});

describe('check_board', () => {
  it('names every bad field by its path', () => {
    const r = check_board({ name: '', cpus: 0, cmdline: 3, devices: [{}], colour: 'red' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual(
      expect.arrayContaining([
        "board: must NOT have additional properties 'colour'",
        'board.name: must NOT have fewer than 1 characters',
        'board.cpus: must be >= 1',
        'board.cmdline: must be string',
        "board.devices[0]: must have required property 'type'",
      ]),
    );
  });
});
