import { describe, expect, it } from 'vitest';
import { MemoryBackend } from '../block/memory.ts';
import { SparseBackend } from '../block/sparse.ts';
import { EmmcCard, type EmmcCardOptions } from './emmc.ts';
import { EXT_CSD } from './emmc_ext_csd.ts';
import { ManualClock } from './emmc_testing.ts';

const base = (): EmmcCardOptions => ({ clock: new ManualClock(), user: new SparseBackend({ size: 64 * 1024 * 1024 }) });
const build = (o: Partial<EmmcCardOptions>) => () => new EmmcCard({ ...base(), ...o });

describe('EmmcCard options', () => {
  it('rejects bad options, naming them', () => {
    expect(build({ clock: undefined as never })).toThrow(TypeError);
    expect(build({ user: {} as never })).toThrow(/user must be a BlockBackend/);
    expect(build({ user: new SparseBackend({ size: 3 * 1024 * 1024 + 512 }) })).toThrow(/user.size/);
    expect(build({ productName: 'SEVENCH' })).toThrow(/productName/);
    expect(build({ productName: 'caf\u00e9' })).toThrow(/productName/);
    expect(build({ bootPartitionBytes: 100 * 1024 })).toThrow(/bootPartitionBytes/);
    expect(build({ bootPartitionBytes: 256 * 128 * 1024 })).toThrow(/bootPartitionBytes/);
    expect(build({ boot0: new SparseBackend({ size: 128 * 1024 }), boot1: new SparseBackend({ size: 256 * 1024 }) })).toThrow(/differ/);
    expect(build({ bootPartitionBytes: 0, boot0: new SparseBackend({ size: 128 * 1024 }) })).toThrow(/bootPartitionBytes/);
    expect(build({ rpmbBytes: 17 * 1024 * 1024 })).toThrow(/rpmbBytes/);
    expect(build({ cmdq: { depth: 0 } })).toThrow(/cmdq.depth/);
    expect(build({ erasedByte: 1 as 0 })).toThrow(/erasedByte/);
    expect(build({ manufactured: { year: 2030, month: 1 } })).toThrow(/manufactured.year/);
    expect(build({ serial: 2 ** 32 })).toThrow(/serial/);
    expect(build({ timing: { programNS: 1 } as never })).toThrow(/timing.programNS/);
    expect(build({ timing: { programNs: -1 } })).toThrow(/timing.programNs/);
    expect(build({ timing: { eraseNsPerGroup: 300e9 } })).toThrow(/ERASE_TIMEOUT_MULT/);
  });

  it('derives the boot and RPMB sizes from the given stores and defaults to 4 MiB boot partitions', () => {
    expect(new EmmcCard(base()).extCsd[EXT_CSD.BOOT_SIZE_MULT]).toBe(32);
    const c = new EmmcCard({ ...base(), boot0: new MemoryBackend(new Uint8Array(256 * 1024)), rpmb: new SparseBackend({ size: 512 * 1024 }) });
    expect(c.extCsd[EXT_CSD.BOOT_SIZE_MULT]).toBe(2);
    expect(c.extCsd[EXT_CSD.RPMB_SIZE_MULT]).toBe(4);
    expect(new EmmcCard({ ...base(), bootPartitionBytes: 0 }).extCsd[EXT_CSD.BOOT_SIZE_MULT]).toBe(0);
  });

  it('advertises limits that cover its own timing', () => {
    const c = new EmmcCard({ ...base(), cacheKiB: 1024, timing: { eraseNsPerGroup: 700e6, trimNsPerGroup: 10e6, programNs: 400_000 } });
    const x = c.extCsd;
    expect(x[EXT_CSD.ERASE_TIMEOUT_MULT]).toBe(3);
    expect(x[EXT_CSD.TRIM_MULT]).toBe(1);
    // POWER_OFF short uses GENERIC_CMD6_TIME: it must cover flushing a full cache (256 units of 4 KiB).
    expect(x[EXT_CSD.GENERIC_CMD6_TIME]! * 10e6).toBeGreaterThanOrEqual(256 * 400_000);
    expect(x[EXT_CSD.CACHE_SIZE]! | (x[EXT_CSD.CACHE_SIZE + 1]! << 8)).toBe(1024);
  });
});
