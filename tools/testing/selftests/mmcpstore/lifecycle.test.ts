// mmcpstore's lifecycle: the card going away unregisters it before the card is freed (the
// mmc_blk_remove hook), a restart unregisters it (the reboot notifier), and the PM notifier
// refuses during system suspend and comes back READY after resume.
import { describe, expect, it } from 'vitest';
import { PLATFORM } from '../../../../include/linux/platform_device.h.ts';
import { REBOOT } from '../../../../include/linux/reboot.h.ts';
import { SUSPEND } from '../../../../include/linux/suspend.h.ts';
import { Pstore } from '../../../../fs/pstore/platform.ts';
import { boot_pstore_machine, mmcpstore_of } from '../../mmcpstore.ts';

describe('mmcpstore lifecycle', () => {
  it('unregisters when its card is removed, before the card goes', async () => {
    const m = await boot_pstore_machine();
    const platform = m.resolve(PLATFORM);
    const pdev = platform.devices.find((d) => d.name === 'mmc_mock')!;
    expect(m.resolve(Pstore).psinfo?.name).toBe('pstore_blk');
    await m.exec(0, 'unbind', () => platform.platform_device_unregister(pdev));
    expect(mmcpstore_of(m).state).toBe('UNINITIALIZED');
    expect(mmcpstore_of(m).target).toBeNull();
    expect(m.resolve(Pstore).psinfo).toBeNull();
  });

  it('unregisters on restart', async () => {
    const m = await boot_pstore_machine();
    await m.exec(0, 'reboot', () => m.resolve(REBOOT).kernel_restart());
    expect(m.halted).toBe('reboot');
    expect(mmcpstore_of(m).state).toBe('SHUTDOWN');
    expect(m.resolve(Pstore).psinfo).toBeNull();
  });

  it('is SUSPENDED inside the system-suspend window and READY again after resume', async () => {
    const m = await boot_pstore_machine();
    const pm = m.resolve(SUSPEND);
    await m.exec(0, 'suspend', () => pm.pm_suspend_begin());
    expect(mmcpstore_of(m).state).toBe('SUSPENDED');
    await m.exec(0, 'resume', () => pm.pm_suspend_end());
    expect(mmcpstore_of(m).state).toBe('READY');
  });
});
