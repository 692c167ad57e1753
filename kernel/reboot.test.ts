// Orderly restart, halt and power-off: reboot notifiers (priority order, with the action and
// the command), device shutdown children first, the message, the SHUTDOWN kmsg dump, and a
// machine that stops with the reason the board acts on.
import { describe, expect, it } from 'vitest';
import { DEVICE } from '../include/linux/device.h.ts';
import { EEXIST, ENOENT } from '../include/linux/errno.h.ts';
import { KMSG_DUMP, KMSG_DUMP_MAX, KMSG_DUMP_SHUTDOWN, type kmsg_dump_iter } from '../include/linux/kmsg_dump.h.ts';
import { DELAY } from '../include/linux/delay.h.ts';
import { NOTIFY_DONE, type notifier_block } from '../include/linux/notifier.h.ts';
import { REBOOT, SYS_HALT, SYS_POWER_OFF, SYS_RESTART } from '../include/linux/reboot.h.ts';
import { Machine } from '../init/machine.ts';
import { default_config } from '../scripts/kconfig/index.ts';

const boot = (): Promise<Machine> =>
  Machine.boot({ config: default_config(), board: { name: 't', cpus: 2, cmdline: '', devices: [] }, seed: 1 });

/** A machine with two reboot notifiers, a parent and a child device, and a SHUTDOWN dumper. */
const setup = (m: Machine) => {
  const reboot = m.resolve(REBOOT);
  const devs = m.resolve(DEVICE);
  const log: string[] = [];
  const nb = (name: string, priority: number): notifier_block => ({
    priority,
    notifier_call: (_nb, action, data) => {
      log.push(`${name}:${action}:${String(data)}`);
      return NOTIFY_DONE;
    },
  });
  reboot.register_reboot_notifier(nb('low', 0));
  reboot.register_reboot_notifier(nb('high', 10));
  const host = devs.device_initialize('host');
  const card = devs.device_initialize('card', host);
  for (const d of [host, card]) {
    d.shutdown = async (dev) => void log.push(`shutdown:${dev.name}`);
    devs.device_add(d);
  }
  const dumped: string[] = [];
  m.resolve(KMSG_DUMP).kmsg_dump_register({
    max_reason: KMSG_DUMP_MAX,
    dump: (_d, reason, iter: kmsg_dump_iter) => {
      log.push(`dump:${reason}`);
      const k = m.resolve(KMSG_DUMP);
      for (let l = k.kmsg_dump_get_line(iter, false); l !== null; l = k.kmsg_dump_get_line(iter, false)) dumped.push(l);
    },
  });
  return { reboot, log, dumped };
};

describe('kernel_restart', () => {
  it('notifies SYS_RESTART in priority order, shuts devices down children first, logs, dumps, and halts for reboot', async () => {
    const m = await boot();
    const { reboot, log, dumped } = setup(m);
    let after = false;
    const r = await m.exec(0, 'reboot', async () => {
      await reboot.kernel_restart();
      after = true; // never reached
    });
    expect(r).toBeUndefined();
    expect(after).toBe(false);
    expect(m.halted).toBe('reboot');
    expect(log).toEqual([`high:${SYS_RESTART}:undefined`, `low:${SYS_RESTART}:undefined`, 'shutdown:card', 'shutdown:host', `dump:${KMSG_DUMP_SHUTDOWN}`]);
    expect(m.dmesg()).toMatch(/\] reboot: Restarting system\n$/);
    expect(dumped.at(-1)).toMatch(/^\[ *0\.000000\] reboot: Restarting system\n$/); // the dump holds the last words
  });

  it('passes the command to the notifiers and names it in the message', async () => {
    const m = await boot();
    const { reboot, log } = setup(m);
    await m.exec(1, 'reboot', () => reboot.kernel_restart('bootloader'));
    expect(log.slice(0, 2)).toEqual([`high:${SYS_RESTART}:bootloader`, `low:${SYS_RESTART}:bootloader`]);
    expect(m.dmesg()).toContain("reboot: Restarting system with command 'bootloader'\n");
    expect(m.halted).toBe('reboot');
  });

  it('stops every CPU: nothing runs after the restart', async () => {
    const m = await boot();
    const { reboot } = setup(m);
    const delay = m.resolve(DELAY);
    const ran: number[] = [];
    m.spawn(1, 'busy', async () => {
      for (;;) {
        await delay.msleep(10);
        ran.push(m.now);
      }
    });
    await m.exec(0, 'reboot', async () => {
      await delay.msleep(30);
      await reboot.kernel_restart();
    });
    const before = ran.length;
    await m.run();
    expect(ran.length).toBe(before);
    expect(ran.every((t) => t <= m.now)).toBe(true);
    expect(m.halted).toBe('reboot');
  });
});

describe('kernel_halt and kernel_power_off', () => {
  it('kernel_halt notifies SYS_HALT and halts with "halt"', async () => {
    const m = await boot();
    const { reboot, log } = setup(m);
    await m.exec(0, 'halt', () => reboot.kernel_halt());
    expect(log[0]).toBe(`high:${SYS_HALT}:undefined`);
    expect(m.halted).toBe('halt');
    expect(m.dmesg()).toMatch(/reboot: System halted\n$/);
  });

  it('kernel_power_off notifies SYS_POWER_OFF and halts with "power off"', async () => {
    const m = await boot();
    const { reboot, log } = setup(m);
    await m.exec(0, 'poweroff', () => reboot.kernel_power_off());
    expect(log[0]).toBe(`high:${SYS_POWER_OFF}:undefined`);
    expect(log).toContain(`dump:${KMSG_DUMP_SHUTDOWN}`);
    expect(m.halted).toBe('power off');
    expect(m.dmesg()).toMatch(/reboot: Power down\n$/);
  });
});

describe('reboot notifier registration', () => {
  it('refuses duplicates and unknown blocks; an unregistered block is not called', async () => {
    const m = await boot();
    const reboot = m.resolve(REBOOT);
    const calls: number[] = [];
    const nb: notifier_block = { notifier_call: (_nb, action) => (calls.push(action), NOTIFY_DONE) };
    expect(reboot.register_reboot_notifier(nb)).toBe(0);
    expect(reboot.register_reboot_notifier(nb)).toBe(-EEXIST);
    expect(reboot.unregister_reboot_notifier(nb)).toBe(0);
    expect(reboot.unregister_reboot_notifier(nb)).toBe(-ENOENT);
    await m.exec(0, 'reboot', () => reboot.kernel_restart());
    expect(calls).toEqual([]);
    expect(m.halted).toBe('reboot');
  });
});
