// Faults injected in the mock host reach the block layer as Linux's would: the mmc request
// carries the errno (-ETIMEDOUT, -EILSEQ), the block driver resets the card once and requeues
// command errors up to five times, data errors once more, and a lost interrupt is caught by
// the 10 s software timer.
import { describe, expect, it } from 'vitest';
import { BLOCK } from '../../../../include/linux/blkdev.h.ts';
import { EIO } from '../../../../include/linux/errno.h.ts';
import { MMC_READ_MULTIPLE_BLOCK, MMC_READ_SINGLE_BLOCK, MMC_WRITE_MULTIPLE_BLOCK } from '../../../../include/linux/mmc/mmc.h.ts';
import { PLATFORM } from '../../../../include/linux/platform_device.h.ts';
import type { mmc_mock_host } from '../../../../drivers/mmc/host/mmc_mock.ts';
import type { Machine } from '../../../../init/machine.ts';
import { boot_mmc_machine } from '../../mmc.ts';

const mock_of = (m: Machine): mmc_mock_host => m.resolve(PLATFORM).devices.find((d) => d.name === 'mmc_mock')!.drvdata as mmc_mock_host;
const data = Uint8Array.from({ length: 8 * 512 }, (_, i) => (i * 13) & 0xff);

const io = async (m: Machine, op: 'read' | 'write', buf: Uint8Array): Promise<number> => {
  const block = m.resolve(BLOCK);
  const bdev = block.lookup_bdev('mmcblk0p2')!;
  return (await m.exec(0, 'io', () => (op === 'read' ? block.bdev_read(bdev, 64, buf) : block.bdev_write(bdev, 64, buf))))!;
};

describe('injected faults', () => {
  it('a transient command timeout is retried and the read succeeds', async () => {
    const m = await boot_mmc_machine();
    expect(await io(m, 'write', data)).toBe(0);
    const mock = mock_of(m);
    mock.inject_fault({ kind: 'cmd_timeout', opcode: MMC_READ_MULTIPLE_BLOCK });
    const before = mock.requests.get(MMC_READ_MULTIPLE_BLOCK) ?? 0;
    const back = new Uint8Array(data.length);
    expect(await io(m, 'read', back)).toBe(0);
    expect(back).toEqual(data);
    expect(mock.requests.get(MMC_READ_MULTIPLE_BLOCK)! - before).toBe(2);
    expect(m.dmesg()).toContain('mmcblk0: error -110 transferring data, sector');
  });

  it('a persistent command timeout fails with -EIO after the first try and five retries', async () => {
    const m = await boot_mmc_machine();
    const mock = mock_of(m);
    mock.inject_fault({ kind: 'cmd_timeout', opcode: MMC_READ_MULTIPLE_BLOCK, count: Infinity });
    const before = mock.requests.get(MMC_READ_MULTIPLE_BLOCK) ?? 0;
    expect(await io(m, 'read', new Uint8Array(data.length))).toBe(-EIO);
    expect(mock.requests.get(MMC_READ_MULTIPLE_BLOCK)! - before).toBe(6);
    expect(m.dmesg().match(/error -110 transferring data/g)).toHaveLength(6);
  });

  it('a persistent data CRC error gets one more try, then single-sector reads', async () => {
    const m = await boot_mmc_machine();
    const mock = mock_of(m);
    mock.inject_fault({ kind: 'data_crc', opcode: MMC_READ_MULTIPLE_BLOCK, count: Infinity });
    const back = new Uint8Array(data.length);
    expect(await io(m, 'read', back)).toBe(0);
    expect(m.dmesg()).toContain('error -84 transferring data');
    expect(mock.requests.get(MMC_READ_MULTIPLE_BLOCK)).toBeGreaterThanOrEqual(2);
    expect(mock.requests.get(MMC_READ_SINGLE_BLOCK)).toBeGreaterThanOrEqual(8);
  });

  it('a data CRC error on a write is retried and the data is intact', async () => {
    const m = await boot_mmc_machine();
    mock_of(m).inject_fault({ kind: 'data_crc', opcode: MMC_WRITE_MULTIPLE_BLOCK });
    expect(await io(m, 'write', data)).toBe(0);
    const back = new Uint8Array(data.length);
    expect(await io(m, 'read', back)).toBe(0);
    expect(back).toEqual(data);
  });

  it('a lost completion is caught by the software timer after 10 s and retried', async () => {
    const m = await boot_mmc_machine();
    mock_of(m).inject_fault({ kind: 'lost_completion', opcode: MMC_READ_MULTIPLE_BLOCK });
    const t0 = m.now;
    expect(await io(m, 'read', new Uint8Array(data.length))).toBe(0);
    expect(m.now - t0).toBeGreaterThanOrEqual(10e9);
    expect(m.dmesg()).toContain('mmc0: Timeout waiting for hardware interrupt.');
  });

  it('a card stuck busy after a write times out, the reset clears it, and the retry succeeds', async () => {
    const m = await boot_mmc_machine();
    mock_of(m).inject_fault({ kind: 'stuck_busy', opcode: MMC_WRITE_MULTIPLE_BLOCK });
    expect(await io(m, 'write', data)).toBe(0);
    expect(m.dmesg()).toContain('mmc0: Timeout waiting for hardware interrupt.');
    const back = new Uint8Array(data.length);
    expect(await io(m, 'read', back)).toBe(0);
    expect(back).toEqual(data);
  });
});
