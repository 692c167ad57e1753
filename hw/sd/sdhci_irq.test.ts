// Raw MMIO tests of the SDHCI model's interrupt registers (W1C, status enable, signal enable,
// the line), byte lanes, software resets, bus power hold-up, clock gating, capabilities and
// the handling of a guest's misuse.
import { describe, expect, it } from 'vitest';
import * as R from '../../include/hw/sdhci.h.ts';
import { VirtualClock } from '../../kernel/time/clock.ts';
import { SdhciController } from './sdhci.ts';
import { FLAGS, makeBench, readyBench } from './sdhci_testing.ts';

const bench = (o: Parameters<typeof makeBench>[1] = {}) => makeBench(new VirtualClock(), o);

describe('SDHCI interrupt status, enables and the line', () => {
  it('W1C: error bits and normal b0-b7 clear on 1, the error summary is read-only and follows the errors', () => {
    const { guest } = bench();
    guest.writel(R.SDHCI_INT_ENABLE, R.SDHCI_INT_ALL_MASK);
    guest.writew(R.SDHCI_SET_INT_ERROR, 0x0201); // force cmd timeout + ADMA error
    expect(guest.readl(R.SDHCI_INT_STATUS)).toBe(R.SDHCI_INT_ERROR | R.SDHCI_INT_TIMEOUT | R.SDHCI_INT_ADMA_ERROR);
    guest.writel(R.SDHCI_INT_STATUS, R.SDHCI_INT_ERROR); // b15 is read-only
    expect(guest.readl(R.SDHCI_INT_STATUS)).toBe(R.SDHCI_INT_ERROR | R.SDHCI_INT_TIMEOUT | R.SDHCI_INT_ADMA_ERROR);
    guest.writew(0x32, 0x0001); // the error half alone, 16 bits
    expect(guest.readl(R.SDHCI_INT_STATUS)).toBe(R.SDHCI_INT_ERROR | R.SDHCI_INT_ADMA_ERROR);
    guest.writeb(0x33, 0x02);
    expect(guest.readl(R.SDHCI_INT_STATUS)).toBe(0);

    guest.init(250);
    guest.writel(R.SDHCI_ARGUMENT, 0);
    guest.writew(R.SDHCI_COMMAND, 0);
    guest.waitInt(R.SDHCI_INT_RESPONSE);
    guest.writel(R.SDHCI_INT_STATUS, 0); // writing 0 changes nothing
    expect(guest.readl(R.SDHCI_INT_STATUS)).toBe(R.SDHCI_INT_RESPONSE);
    guest.writel(R.SDHCI_INT_STATUS, R.SDHCI_INT_CARD_INT | R.SDHCI_INT_RESPONSE);
    expect(guest.readl(R.SDHCI_INT_STATUS)).toBe(0);
  });

  it('status enable gates latching; clearing an enable bit clears the latched bit', () => {
    const { guest } = bench();
    guest.init(250);
    guest.writel(R.SDHCI_INT_ENABLE, R.SDHCI_INT_ALL_MASK & ~R.SDHCI_INT_RESPONSE);
    guest.writel(R.SDHCI_ARGUMENT, 0);
    guest.writew(R.SDHCI_COMMAND, 0);
    guest.runUntil(() => (guest.readl(R.SDHCI_PRESENT_STATE) & R.SDHCI_CMD_INHIBIT) === 0);
    expect(guest.readl(R.SDHCI_INT_STATUS)).toBe(0);
    // Enabling later does not latch the past event.
    guest.writel(R.SDHCI_INT_ENABLE, R.SDHCI_INT_ALL_MASK);
    expect(guest.readl(R.SDHCI_INT_STATUS)).toBe(0);
    guest.writew(R.SDHCI_COMMAND, 0);
    guest.waitInt(R.SDHCI_INT_RESPONSE);
    guest.writew(R.SDHCI_INT_ENABLE, 0xfffe);
    expect(guest.readl(R.SDHCI_INT_STATUS)).toBe(0);
    // Unimplemented enable bits read back 0 (b15 is fixed).
    expect(guest.readl(R.SDHCI_INT_ENABLE)).toBe(0xffff7ffe);
  });

  it('the line is OR(status & signal enable); status latches with every signal masked (polling)', () => {
    const { guest, irq, hc } = bench();
    guest.init(250);
    guest.writel(R.SDHCI_SIGNAL_ENABLE, 0);
    guest.writel(R.SDHCI_ARGUMENT, 0);
    guest.writew(R.SDHCI_COMMAND, 0);
    guest.waitInt(R.SDHCI_INT_RESPONSE);
    expect(irq).toEqual([]);
    expect(guest.readw(R.SDHCI_SLOT_INT_STATUS)).toBe(0);
    guest.writel(R.SDHCI_SIGNAL_ENABLE, R.SDHCI_INT_DATA_END);
    expect(hc.irqLevel).toBe(false);
    guest.writel(R.SDHCI_SIGNAL_ENABLE, R.SDHCI_INT_RESPONSE);
    expect(irq).toEqual([true]);
    expect(guest.readw(R.SDHCI_SLOT_INT_STATUS)).toBe(1);
    guest.ack(R.SDHCI_INT_RESPONSE);
    expect(irq).toEqual([true, false]);
    // An error drives it through the error half of signal enable.
    guest.writel(R.SDHCI_SIGNAL_ENABLE, R.SDHCI_INT_TIMEOUT);
    guest.writew(R.SDHCI_SET_INT_ERROR, 0x0001);
    expect(irq).toEqual([true, false, true]);
    guest.writel(R.SDHCI_SIGNAL_ENABLE, 0);
    expect(irq).toEqual([true, false, true, false]);
    expect(guest.readl(R.SDHCI_INT_STATUS)).toBe(R.SDHCI_INT_ERROR | R.SDHCI_INT_TIMEOUT);
  });

  it('Force Event for Auto CMD errors sets 0x3C and the Auto CMD error interrupt', () => {
    const { guest } = bench();
    guest.writel(R.SDHCI_INT_ENABLE, R.SDHCI_INT_ALL_MASK);
    guest.writew(R.SDHCI_SET_ACMD12_ERROR, R.SDHCI_AUTO_CMD_CRC);
    expect(guest.readw(R.SDHCI_AUTO_CMD_STATUS)).toBe(R.SDHCI_AUTO_CMD_CRC);
    expect(guest.readl(R.SDHCI_INT_STATUS)).toBe(R.SDHCI_INT_ERROR | R.SDHCI_INT_AUTO_CMD_ERR);
    expect(guest.readw(R.SDHCI_SET_ACMD12_ERROR)).toBe(0);
  });
});

describe('SDHCI byte lanes', () => {
  it('reads and writes exactly the bytes of 1-, 2- and 4-byte accesses at any offset', () => {
    const { guest } = bench();
    guest.writel(R.SDHCI_ARGUMENT, 0x11223344);
    expect(guest.readb(0x09)).toBe(0x33);
    expect(guest.readw(0x0a)).toBe(0x1122);
    expect(guest.readw(0x09)).toBe(0x2233); // unaligned, inside one register
    guest.writeb(0x0a, 0xaa);
    expect(guest.readl(R.SDHCI_ARGUMENT)).toBe(0x11aa3344);
    guest.writew(0x09, 0xbbcc);
    expect(guest.readl(R.SDHCI_ARGUMENT)).toBe(0x11bbcc44);
    // Across two registers: Wakeup Control (0x2B) and Clock Control's low byte (0x2C).
    guest.writew(0x2b, 0x0107);
    expect(guest.readb(R.SDHCI_WAKE_UP_CONTROL)).toBe(0x07);
    expect(guest.readw(R.SDHCI_CLOCK_CONTROL)).toBe(R.SDHCI_CLOCK_INT_EN | R.SDHCI_CLOCK_INT_STABLE);
    expect(guest.readw(0x2b)).toBe(0x0307);
    // Block Size and Block Count in one 32-bit word, then one halfword of it.
    guest.writel(R.SDHCI_BLOCK_SIZE, (9 << 16) | 0x7200);
    expect(guest.readw(R.SDHCI_BLOCK_SIZE)).toBe(0x7200);
    expect(guest.readw(R.SDHCI_BLOCK_COUNT)).toBe(9);
    guest.writew(R.SDHCI_BLOCK_COUNT, 3);
    expect(guest.readl(R.SDHCI_BLOCK_SIZE)).toBe((3 << 16) | 0x7200);
    // Clock Control, Timeout Control (and Software Reset, 0) as one word.
    guest.writeb(R.SDHCI_TIMEOUT_CONTROL, 0xe);
    expect(guest.readl(R.SDHCI_CLOCK_CONTROL)).toBe((0xe << 16) | R.SDHCI_CLOCK_INT_EN | R.SDHCI_CLOCK_INT_STABLE);
  });
});

describe('SDHCI software reset', () => {
  it('RESET_ALL: registers back to reset values, bits read 0 at once, capabilities kept', () => {
    const { guest, hc } = bench();
    guest.init(250);
    const caps = guest.readl(R.SDHCI_CAPABILITIES);
    guest.writel(R.SDHCI_ARGUMENT, 0x1234);
    guest.writeb(R.SDHCI_HOST_CONTROL, R.SDHCI_CTRL_4BITBUS);
    guest.writeb(R.SDHCI_SOFTWARE_RESET, R.SDHCI_RESET_ALL);
    expect(guest.readb(R.SDHCI_SOFTWARE_RESET)).toBe(0);
    for (const off of [R.SDHCI_ARGUMENT, R.SDHCI_HOST_CONTROL, R.SDHCI_CLOCK_CONTROL, R.SDHCI_INT_ENABLE, R.SDHCI_SIGNAL_ENABLE, R.SDHCI_INT_STATUS]) expect(guest.readl(off)).toBe(0);
    expect(guest.readl(R.SDHCI_CAPABILITIES)).toBe(caps);
    expect(hc.irqLevel).toBe(false);
  });

  it('RESET_CMD frees a command in flight; RESET_DATA stops a transfer and clears its status', () => {
    const { guest, card } = readyBench(new VirtualClock());
    guest.writel(R.SDHCI_ARGUMENT, 1 << 16);
    guest.writew(R.SDHCI_COMMAND, R.SDHCI_MAKE_CMD(13, FLAGS.r1));
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & R.SDHCI_CMD_INHIBIT).toBeTruthy();
    guest.writeb(R.SDHCI_SOFTWARE_RESET, R.SDHCI_RESET_CMD);
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & R.SDHCI_CMD_INHIBIT).toBe(0);
    guest.runFor(1e6);
    expect(guest.readl(R.SDHCI_INT_STATUS)).toBe(0);

    guest.dataCmd(17, 0, 1, R.SDHCI_TRNS_READ);
    guest.waitInt(R.SDHCI_INT_DATA_AVAIL);
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & (R.SDHCI_DATA_INHIBIT | R.SDHCI_DATA_AVAILABLE | R.SDHCI_DOING_READ)).toBe(
      R.SDHCI_DATA_INHIBIT | R.SDHCI_DATA_AVAILABLE | R.SDHCI_DOING_READ,
    );
    guest.writeb(R.SDHCI_SOFTWARE_RESET, R.SDHCI_RESET_DATA);
    expect(guest.readl(R.SDHCI_PRESENT_STATE) & (R.SDHCI_DATA_INHIBIT | R.SDHCI_DATA_AVAILABLE | R.SDHCI_DOING_READ | 0x4)).toBe(0);
    expect(guest.readl(R.SDHCI_INT_STATUS)).toBe(0);
    expect(card.state).toBe('tran');
  });

  it('bus power off for less than the hold-up keeps the card; longer resets it', () => {
    const { guest, card } = readyBench(new VirtualClock());
    // Linux's runtime resume: RESET_ALL, then power and clock again within microseconds.
    guest.writeb(R.SDHCI_SOFTWARE_RESET, R.SDHCI_RESET_ALL);
    guest.runFor(10_000);
    guest.writel(R.SDHCI_INT_ENABLE, R.SDHCI_INT_ALL_MASK);
    guest.writeb(R.SDHCI_POWER_CONTROL, R.SDHCI_POWER_330 | R.SDHCI_POWER_ON);
    guest.setClock(2);
    expect(card.state).toBe('tran');
    expect((guest.cmd(13, 1 << 16, FLAGS.r1).resp >> 9) & 0xf).toBe(4);
    // A real power cycle.
    guest.writeb(R.SDHCI_POWER_CONTROL, 0);
    expect(card.powered).toBe(true);
    guest.runFor(1_000_000);
    expect(card.powered).toBe(false);
    guest.writeb(R.SDHCI_POWER_CONTROL, R.SDHCI_POWER_330 | R.SDHCI_POWER_ON);
    expect(card.state).toBe('idle');
  });

  it('refuses bus power at a voltage the capabilities lack', () => {
    const { guest, logs } = bench({ controller: { caps: { v18: false } } });
    guest.writeb(R.SDHCI_POWER_CONTROL, R.SDHCI_POWER_180 | R.SDHCI_POWER_ON);
    expect(guest.readb(R.SDHCI_POWER_CONTROL)).toBe(R.SDHCI_POWER_180);
    guest.writeb(R.SDHCI_POWER_CONTROL, R.SDHCI_POWER_300 | R.SDHCI_POWER_ON);
    expect(guest.readb(R.SDHCI_POWER_CONTROL) & R.SDHCI_POWER_ON).toBe(0);
    expect(logs.filter((l) => /SD Bus Power on with voltage select/.test(l))).toHaveLength(2);
  });
});

describe('SDHCI clock gating (runtime suspend)', () => {
  it("'ones': reads all ones, writes dropped, no progress and no interrupt until ungated", () => {
    const { guest, hc, irq, clock, logs } = readyBench(new VirtualClock());
    guest.writel(R.SDHCI_SIGNAL_ENABLE, R.SDHCI_INT_DATA_AVAIL);
    guest.dataCmd(17, 0, 1, R.SDHCI_TRNS_READ);
    hc.setClockGated(true);
    expect(guest.readl(R.SDHCI_PRESENT_STATE)).toBe(0xffffffff);
    expect(guest.readw(R.SDHCI_HOST_VERSION)).toBe(0xffff);
    expect(guest.readb(R.SDHCI_POWER_CONTROL)).toBe(0xff);
    guest.writel(R.SDHCI_ARGUMENT, 0xdead);
    expect(logs.at(-1)).toMatch(/while the clocks are gated: dropped/);
    const t0 = clock.now;
    guest.runFor(50e6);
    expect(irq).toEqual([]);
    hc.setClockGated(false);
    expect(guest.readl(R.SDHCI_ARGUMENT)).toBe(0);
    expect(guest.readl(R.SDHCI_INT_STATUS) & R.SDHCI_INT_DATA_AVAIL).toBe(0);
    guest.waitInt(R.SDHCI_INT_DATA_AVAIL);
    expect(irq).toEqual([true]);
    expect(clock.now).toBeGreaterThan(t0 + 50e6);
    // Gating with an interrupt pending drops the line; ungating raises it again.
    hc.setClockGated(true);
    expect(irq).toEqual([true, false]);
    hc.setClockGated(false);
    expect(irq).toEqual([true, false, true]);
  });

  it("'zeros' reads 0; 'bus-error' counts and reports every access", () => {
    const z = bench({ controller: { gatedAccess: 'zeros' } });
    z.hc.setClockGated(true);
    expect(z.guest.readl(R.SDHCI_CAPABILITIES)).toBe(0);
    const errors: unknown[] = [];
    const e = bench({ controller: { gatedAccess: 'bus-error', onBusError: (x) => errors.push(x) } });
    e.hc.setClockGated(true);
    expect(e.guest.readl(R.SDHCI_INT_STATUS)).toBe(0xffffffff);
    e.guest.writew(R.SDHCI_COMMAND, 0);
    expect(e.hc.busErrors).toBe(2);
    expect(errors).toEqual([
      { offset: 0x30, size: 4, write: false },
      { offset: 0x0e, size: 2, write: true },
    ]);
    e.hc.setClockGated(false);
    expect(e.guest.readl(R.SDHCI_INT_STATUS)).toBe(0);
  });
});

describe('SDHCI capabilities, version and misuse', () => {
  it('advertises what the options say', () => {
    const { guest } = bench({ controller: { baseClockHz: 52e6, timeoutClockHz: 1e6 } });
    const caps = guest.readl(R.SDHCI_CAPABILITIES);
    expect((caps & R.SDHCI_CLOCK_V3_BASE_MASK) >> R.SDHCI_CLOCK_BASE_SHIFT).toBe(52);
    expect(caps & (R.SDHCI_TIMEOUT_CLK_MASK | R.SDHCI_TIMEOUT_CLK_UNIT)).toBe(0x81);
    expect(caps & (R.SDHCI_CAN_DO_SDMA | R.SDHCI_CAN_DO_ADMA2 | R.SDHCI_CAN_64BIT | R.SDHCI_CAN_DO_8BIT | R.SDHCI_CAN_DO_HISPD | R.SDHCI_CAN_VDD_330 | R.SDHCI_CAN_VDD_180)).toBe(
      R.SDHCI_CAN_DO_SDMA | R.SDHCI_CAN_DO_ADMA2 | R.SDHCI_CAN_64BIT | R.SDHCI_CAN_DO_8BIT | R.SDHCI_CAN_DO_HISPD | R.SDHCI_CAN_VDD_330 | R.SDHCI_CAN_VDD_180,
    );
    expect(caps & (R.SDHCI_CAN_DO_ADMA1 | R.SDHCI_CAN_VDD_300 | R.SDHCI_MAX_BLOCK_MASK)).toBe(0);
    expect(guest.readl(R.SDHCI_CAPABILITIES_1)).toBe(R.SDHCI_SUPPORT_SDR50 | R.SDHCI_SUPPORT_SDR104 | R.SDHCI_SUPPORT_DDR50);
    expect(guest.readw(R.SDHCI_HOST_VERSION)).toBe(R.SDHCI_SPEC_300);

    const small = bench({ controller: { spec: '2.00', baseClockHz: 50e6, timeoutClockHz: 32e3, caps: { adma2: false, bus8bit: false, v18: false, maxBlock: 2048 } } });
    const c2 = small.guest.readl(R.SDHCI_CAPABILITIES);
    expect(c2 & (R.SDHCI_CAN_DO_ADMA2 | R.SDHCI_CAN_64BIT | R.SDHCI_CAN_DO_8BIT | R.SDHCI_CAN_VDD_180)).toBe(0);
    expect((c2 & R.SDHCI_MAX_BLOCK_MASK) >> R.SDHCI_MAX_BLOCK_SHIFT).toBe(2);
    expect(c2 & (R.SDHCI_TIMEOUT_CLK_MASK | R.SDHCI_TIMEOUT_CLK_UNIT)).toBe(32);
    expect(small.guest.readl(R.SDHCI_CAPABILITIES_1)).toBe(0);
    expect(small.guest.readw(R.SDHCI_HOST_VERSION)).toBe(R.SDHCI_SPEC_200);
    expect(new SdhciController({ ...optionsOf(), spec: '4.00' }).read(R.SDHCI_HOST_VERSION, 2)).toBe(R.SDHCI_SPEC_400);
  });

  it('logs writes to read-only and reserved registers, reads of reserved offsets, accesses outside the window', () => {
    const { guest, logs, hc } = bench();
    const caps = guest.readl(R.SDHCI_CAPABILITIES);
    guest.writel(R.SDHCI_CAPABILITIES, 0);
    expect(guest.readl(R.SDHCI_CAPABILITIES)).toBe(caps);
    guest.writel(R.SDHCI_PRESENT_STATE, 0);
    guest.writel(R.SDHCI_RESPONSE, 1);
    expect(guest.readl(R.SDHCI_RESPONSE)).toBe(0);
    expect(guest.readl(0x80)).toBe(0);
    guest.writeb(0x81, 1);
    expect(hc.read(0xfe, 4)).toBe(0);
    hc.write(0x100, 1, 0);
    hc.read(3, 3 as 4);
    expect(logs).toEqual([
      'guest_error: sdhci: write of 0x00 to read-only offset 0x40 (lanes 0xffffffff): ignored',
      'guest_error: sdhci: write of 0x00 to read-only offset 0x24 (lanes 0xffffffff): ignored',
      'guest_error: sdhci: write of 0x01 to read-only offset 0x10 (lanes 0xffffffff): ignored',
      'guest_error: sdhci: read of reserved offset 0x80',
      'guest_error: sdhci: write of 0x100 to reserved offset 0x80 (lanes 0xff00): ignored',
      'guest_error: sdhci: 4-byte read at 254 is outside the 256-byte window',
      'guest_error: sdhci: 1-byte write at 256 is outside the 256-byte window',
      'guest_error: sdhci: 3-byte read at 3 is outside the 256-byte window',
    ]);
  });

  it('clamps a block size beyond the buffer and ignores Block Size writes during a transfer', () => {
    const { guest, logs } = readyBench(new VirtualClock());
    guest.writew(R.SDHCI_BLOCK_SIZE, 1024);
    guest.writew(R.SDHCI_BLOCK_COUNT, 1);
    guest.cmd(17, 0, FLAGS.r1 | R.SDHCI_CMD_DATA, R.SDHCI_TRNS_READ);
    expect(logs.some((l) => /block size 1024 exceeds the 512-byte buffer: clamped/.test(l))).toBe(true);
    guest.waitInt(R.SDHCI_INT_DATA_AVAIL);
    guest.writew(R.SDHCI_BLOCK_SIZE, 64);
    expect(logs.at(-1)).toMatch(/Block Size\/Count written during a data transfer: ignored/);
    expect(guest.readw(R.SDHCI_BLOCK_SIZE)).toBe(1024);
    guest.readBlock(512);
    guest.waitInt(R.SDHCI_INT_DATA_END);
  });

  it('rejects bad options, naming them', () => {
    expect(() => new SdhciController({ ...optionsOf(), baseClockHz: 52.5e6 })).toThrow(/baseClockHz/);
    expect(() => new SdhciController({ ...optionsOf(), timeoutClockHz: 100e6 })).toThrow(/timeoutClockHz/);
    expect(() => new SdhciController({ ...optionsOf(), caps: { maxBlock: 4096 as 512 } })).toThrow(/caps.maxBlock/);
    expect(() => new SdhciController({ ...optionsOf(), caps: { turbo: true } as never })).toThrow(/caps.turbo/);
    expect(() => new SdhciController({ ...optionsOf(), spec: '1.00' as '2.00' })).toThrow(/spec/);
    expect(() => new SdhciController({ ...optionsOf(), gatedAccess: 'x' as 'ones' })).toThrow(/gatedAccess/);
    expect(() => new SdhciController({ ...optionsOf(), irq: {} as never })).toThrow(/irq/);
    expect(() => new SdhciController({ ...optionsOf(), colour: 1 } as never)).toThrow(/colour/);
    expect(() => new SdhciController({ ...optionsOf(), spec: '2.00', baseClockHz: 100e6 })).toThrow(/1\.\.63 MHz/);
  });
});

function optionsOf() {
  const clock = new VirtualClock();
  return { clock, card: null, irq: { set: () => {} }, dma: { read: () => false, write: () => false } };
}
