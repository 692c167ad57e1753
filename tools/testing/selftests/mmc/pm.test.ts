// Card power management and the block driver's card lookups: 3 s autosuspend of the card,
// sleep and full re-initialisation with aggressive PM, system suspend flushing the cache,
// CMDQ mode refusing legacy I/O, and mmc_blk_get_card_by_name().
import { describe, expect, it } from 'vitest';
import { BLOCK } from '../../../../include/linux/blkdev.h.ts';
import { ETIMEDOUT } from '../../../../include/linux/errno.h.ts';
import { MMC_CMD_ADTC, MMC_DATA_READ, MMC_RSP_R1, mmc_command_init, mmc_data_init, mmc_request_init } from '../../../../include/linux/mmc/core.h.ts';
import { MMC_ALL_SEND_CID, MMC_READ_SINGLE_BLOCK, R1_ILLEGAL_COMMAND } from '../../../../include/linux/mmc/mmc.h.ts';
import { MMC_STATE_SUSPENDED } from '../../../../include/linux/mmc/card.h.ts';
import { PLATFORM } from '../../../../include/linux/platform_device.h.ts';
import { SUSPEND } from '../../../../include/linux/suspend.h.ts';
import { MmcBlock } from '../../../../drivers/mmc/core/block.ts';
import { MmcCore } from '../../../../drivers/mmc/core/core.ts';
import { MmcAttach } from '../../../../drivers/mmc/core/mmc.ts';
import { MmcOps } from '../../../../drivers/mmc/core/mmc_ops.ts';
import type { mmc_mock_host } from '../../../../drivers/mmc/host/mmc_mock.ts';
import type { EmmcCard } from '../../../../hw/sd/emmc.ts';
import type { Machine } from '../../../../init/machine.ts';
import { boot_mmc_machine } from '../../mmc.ts';

const mock_of = (m: Machine): mmc_mock_host => m.resolve(PLATFORM).devices.find((d) => d.name === 'mmc_mock')!.drvdata as mmc_mock_host;
const S = 1e9;

const read_p3 = async (m: Machine, buf = new Uint8Array(4096)): Promise<number> => {
  const block = m.resolve(BLOCK);
  return (await m.exec(0, 'reader', () => block.bdev_read(block.lookup_bdev('mmcblk0p3')!, 0, buf)))!;
};

describe('card runtime PM', () => {
  it('autosuspends the card 3 s after its last use; without aggressive PM the card stays up', async () => {
    const m = await boot_mmc_machine();
    const card = mock_of(m).host.card!;
    const model = mock_of(m).card as EmmcCard;
    expect(await read_p3(m)).toBe(0);
    const used = m.now;
    expect(card.dev.power.runtime_status).toBe('active');
    await m.run(used + 2.9 * S);
    expect(card.dev.power.runtime_status).toBe('active');
    await m.run(used + 3.1 * S);
    expect(card.dev.power.runtime_status).toBe('suspended');
    expect(model.state).toBe('tran');
  });

  it('with MMC_CAP_AGGRESSIVE_PM powers the card off and re-initialises it on next use', async () => {
    const m = await boot_mmc_machine({ host: { caps: ['MMC_CAP_AGGRESSIVE_PM'] } });
    const mock = mock_of(m);
    const model = mock.card as EmmcCard;
    expect(mock.host.card!.dev.power.runtime_status).toBe('suspended');
    expect(model.powered).toBe(false);
    const cid_before = mock.requests.get(MMC_ALL_SEND_CID) ?? 0;
    const data = new Uint8Array(4096);
    expect(await read_p3(m, data)).toBe(0);
    expect(mock.requests.get(MMC_ALL_SEND_CID)! - cid_before).toBe(1); // CMD2 again: a full bring-up
    expect(model.powered).toBe(true);
    expect(m.reports).toEqual([]);
  });
});

describe('system suspend', () => {
  it('flushes the cache and powers the card off, then re-initialises it on resume', async () => {
    const m = await boot_mmc_machine({ card: { cache_kib: 512 } });
    const mock = mock_of(m);
    const model = mock.card as EmmcCard;
    const block = m.resolve(BLOCK);
    const data = Uint8Array.from({ length: 8192 }, (_, i) => i & 0xff);
    expect(await m.exec(0, 'w', () => block.bdev_write(block.lookup_bdev('mmcblk0p3')!, 0, data))).toBe(0);
    expect(model.cacheDirtyBytes).toBeGreaterThan(0);
    const pm = m.resolve(SUSPEND);
    expect(await m.exec(0, 'suspend', () => pm.pm_suspend_begin())).toBe(0);
    expect(mock.host.card!.state & MMC_STATE_SUSPENDED).toBeTruthy();
    expect(model.cacheDirtyBytes).toBe(0);
    expect(model.powered).toBe(false);
    await m.exec(0, 'resume', () => pm.pm_suspend_end());
    expect(mock.host.card!.state & MMC_STATE_SUSPENDED).toBe(0);
    const back = new Uint8Array(8192);
    expect(await read_p3(m, back)).toBe(0);
    expect(back).toEqual(data);
  });
});

describe('CMDQ mode', () => {
  it('makes the card refuse legacy reads; the block driver recovers by resetting the card', async () => {
    const m = await boot_mmc_machine({ card: { cmdq_depth: 16 } });
    const card = mock_of(m).host.card!;
    const core = m.resolve(MmcCore);
    const attach = m.resolve(MmcAttach);
    const ops = m.resolve(MmcOps);
    expect(card.ext_csd.cmdq_support).toBe(true);
    const refused = await m.exec(0, 'cmdq', async () => {
      await core.mmc_get_card(card, null);
      expect(await attach.mmc_cmdq_switch(card, true)).toBe(0);
      const cmd = mmc_command_init({ opcode: MMC_READ_SINGLE_BLOCK, arg: 0, flags: MMC_RSP_R1 | MMC_CMD_ADTC });
      const data = mmc_data_init({ buf: new Uint8Array(512), blocks: 1, flags: MMC_DATA_READ });
      await core.mmc_wait_for_req(card.host, mmc_request_init({ cmd, data }));
      const st = await ops.mmc_send_status(card);
      await core.mmc_put_card(card, null);
      return { err: cmd.error, status: st.status };
    });
    expect(refused!.err).toBe(-ETIMEDOUT);
    expect(refused!.status & R1_ILLEGAL_COMMAND).toBeTruthy();
    expect(card.ext_csd.cmdq_en).toBe(true);
    expect(await read_p3(m)).toBe(0);
    expect(m.dmesg()).toMatch(/mmcblk0: error -110 transferring data/);
    expect(card.ext_csd.cmdq_en).toBe(false);
  });
});

describe('mmc_blk_get_card_by_name', () => {
  it('finds the card behind a disk or partition name and nothing else', async () => {
    const m = await boot_mmc_machine();
    const blk = m.resolve(MmcBlock);
    const card = mock_of(m).host.card!;
    expect(blk.mmc_blk_get_card_by_name('mmcblk0')).toBe(card);
    expect(blk.mmc_blk_get_card_by_name('/dev/mmcblk0p3')).toBe(card);
    expect(blk.mmc_blk_get_card_by_name('mmcblk0boot1')).toBe(card);
    expect(blk.mmc_blk_get_card_by_name('mmcblk1')).toBeNull();
    expect(card.dev.name).toBe('mmc0:0001');
  });
});
