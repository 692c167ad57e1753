// Raw MMIO tests of two paths Linux takes less often: HS200 tuning (Execute Tuning with CMD21:
// only Buffer Read Ready, then the tuned sampling clock) and Host Version 4 mode (spec 4.00),
// where SDMA takes its address from 0x58 and 64-bit ADMA2 descriptors are 16 bytes.
import { describe, expect, it } from 'vitest';
import * as R from '../../include/hw/sdhci.h.ts';
import { VirtualClock } from '../../kernel/time/clock.ts';
import { FLAGS, RAM_BASE, readyBench } from './sdhci_testing.ts';

const READ2 = R.SDHCI_TRNS_DMA | R.SDHCI_TRNS_BLK_CNT_EN | R.SDHCI_TRNS_MULTI | R.SDHCI_TRNS_READ;
const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 3 + seed) & 0xff);

describe('SDHCI tuning', () => {
  it('CMD21 with Execute Tuning: Buffer Read Ready only, Execute Tuning clears, the tuned clock is selected', () => {
    const { guest, card } = readyBench(new VirtualClock(), {}, { width: 8, highSpeed: false });
    guest.switch(185, 2); // HS_TIMING: HS200
    guest.writew(R.SDHCI_HOST_CONTROL2, R.SDHCI_CTRL_UHS_SDR104 | R.SDHCI_CTRL_EXEC_TUNING);
    guest.writew(R.SDHCI_BLOCK_SIZE, 128);
    guest.writel(R.SDHCI_ARGUMENT, 0);
    guest.writew(R.SDHCI_TRANSFER_MODE, R.SDHCI_TRNS_READ);
    guest.writew(R.SDHCI_COMMAND, R.SDHCI_MAKE_CMD(21, FLAGS.r1 | R.SDHCI_CMD_DATA));
    expect(guest.waitInt(R.SDHCI_INT_DATA_AVAIL | R.SDHCI_INT_RESPONSE | R.SDHCI_INT_ERROR)).toBe(R.SDHCI_INT_DATA_AVAIL);
    expect(guest.readw(R.SDHCI_HOST_CONTROL2) & (R.SDHCI_CTRL_EXEC_TUNING | R.SDHCI_CTRL_TUNED_CLK)).toBe(R.SDHCI_CTRL_TUNED_CLK);
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & (R.SDHCI_CMD_INHIBIT | R.SDHCI_DATA_INHIBIT | R.SDHCI_DATA_AVAILABLE)).toBe(0);
    expect(card.state).toBe('tran');
  });
});

describe('SDHCI Host Version 4 mode', () => {
  const v4 = () => {
    const b = readyBench(new VirtualClock(), { controller: { spec: '4.00' } });
    b.store.write(0, pattern(4096, 1));
    return b;
  };

  it('SDMA uses the ADMA System Address register (64-bit addressing: written last, the high word resumes)', () => {
    const { guest, ram } = v4();
    guest.writew(R.SDHCI_HOST_CONTROL2, R.SDHCI_CTRL_V4_MODE | R.SDHCI_CTRL_64BIT_ADDR);
    guest.writel(R.SDHCI_DMA_ADDRESS, 0xdead0000); // ignored by the engine in v4 mode
    guest.writel(R.SDHCI_ADMA_ADDRESS, RAM_BASE + 0x800);
    guest.writel(R.SDHCI_ADMA_ADDRESS_HI, 0);
    guest.cmd(23, 8, FLAGS.r1);
    guest.dataCmd(18, 0, 8, READ2, 0);
    expect(guest.waitInt(R.SDHCI_INT_DMA_END | R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR)).toBe(R.SDHCI_INT_DMA_END);
    expect(guest.readl(R.SDHCI_ADMA_ADDRESS)).toBe(RAM_BASE + 0x1000);
    guest.ack();
    guest.writel(R.SDHCI_ADMA_ADDRESS, RAM_BASE + 0x1000);
    guest.runFor(1e6);
    expect(guest.readl(R.SDHCI_INT_STATUS)).toBe(0); // the low word alone does not resume
    guest.writel(R.SDHCI_ADMA_ADDRESS_HI, 0);
    expect(guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR)).toBe(R.SDHCI_INT_DATA_END);
    expect(ram.bytes.subarray(0x800, 0x800 + 4096)).toEqual(pattern(4096, 1));
  });

  it('64-bit ADMA2 descriptors are 16 bytes', () => {
    const { guest, ram } = v4();
    const table = RAM_BASE + 0x1_0000;
    const d = new DataView(ram.bytes.buffer, 0x1_0000, 32);
    d.setUint16(0, R.ADMA2_TRAN_VALID, true);
    d.setUint16(2, 1024, true);
    d.setUint32(4, RAM_BASE + 0x2_0000, true);
    d.setUint16(16, R.ADMA2_TRAN_VALID | R.ADMA2_END, true);
    d.setUint16(18, 1024, true);
    d.setUint32(20, RAM_BASE + 0x3_0000, true);
    guest.writew(R.SDHCI_HOST_CONTROL2, R.SDHCI_CTRL_V4_MODE | R.SDHCI_CTRL_64BIT_ADDR);
    guest.writeb(R.SDHCI_HOST_CONTROL, guest.readb(R.SDHCI_HOST_CONTROL) | R.SDHCI_CTRL_ADMA32);
    guest.writel(R.SDHCI_ADMA_ADDRESS, table);
    guest.writel(R.SDHCI_ADMA_ADDRESS_HI, 0);
    guest.cmd(23, 4, FLAGS.r1);
    guest.dataCmd(18, 0, 4, READ2);
    expect(guest.waitInt(R.SDHCI_INT_DATA_END | R.SDHCI_INT_ERROR)).toBe(R.SDHCI_INT_DATA_END);
    expect(ram.bytes.subarray(0x2_0000, 0x2_0000 + 1024)).toEqual(pattern(4096, 1).subarray(0, 1024));
    expect(ram.bytes.subarray(0x3_0000, 0x3_0000 + 1024)).toEqual(pattern(4096, 1).subarray(1024, 2048));
  });
});
