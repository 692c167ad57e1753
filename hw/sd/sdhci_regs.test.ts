// The shared register map (include/hw/sdhci.h.ts) against a table written independently from
// research/sdhci-emmc.md §1 (register map, bit positions) and §2 (command encoding): every
// offset and bit the header defines is pinned here as a literal, so a typo in the header fails
// even though the driver and the model would agree with each other on it. A constant the
// header gains without a row here fails too.
import { describe, expect, it } from 'vitest';
import * as H from '../../include/hw/sdhci.h.ts';

const bit = (n: number): number => 2 ** n;

/** name -> [value, where it comes from]. Values are written from the document, not copied. */
const SPEC: Record<string, [number, string]> = {
  // §1 table: offsets.
  SDHCI_DMA_ADDRESS: [0x00, '0x00 SDMA System Address'],
  SDHCI_ARGUMENT2: [0x00, '0x00 doubles as Argument 2 (Auto-CMD23)'],
  SDHCI_32BIT_BLK_CNT: [0x00, '0x00 is the 32-bit block count in v4.10 mode'],
  SDHCI_BLOCK_SIZE: [0x04, '0x04 Block Size'],
  SDHCI_DEFAULT_BOUNDARY_ARG: [7, 'Block Size b14:12 = 7 (Linux always writes 7)'],
  SDHCI_DEFAULT_BOUNDARY_SIZE: [512 * 1024, '7 = 512 KiB'],
  SDHCI_BLOCK_COUNT: [0x06, '0x06 Block Count'],
  SDHCI_ARGUMENT: [0x08, '0x08 Argument'],
  SDHCI_TRANSFER_MODE: [0x0c, '0x0C Transfer Mode'],
  SDHCI_COMMAND: [0x0e, '0x0E Command'],
  SDHCI_RESPONSE: [0x10, '0x10-0x1C Response 0..3'],
  SDHCI_BUFFER: [0x20, '0x20 Buffer Data Port'],
  SDHCI_PRESENT_STATE: [0x24, '0x24 Present State'],
  SDHCI_HOST_CONTROL: [0x28, '0x28 Host Control 1'],
  SDHCI_POWER_CONTROL: [0x29, '0x29 Power Control'],
  SDHCI_BLOCK_GAP_CONTROL: [0x2a, '0x2A Block Gap Control'],
  SDHCI_WAKE_UP_CONTROL: [0x2b, '0x2B Wakeup Control'],
  SDHCI_CLOCK_CONTROL: [0x2c, '0x2C Clock Control'],
  SDHCI_TIMEOUT_CONTROL: [0x2e, '0x2E Timeout Control'],
  SDHCI_SOFTWARE_RESET: [0x2f, '0x2F Software Reset'],
  SDHCI_INT_STATUS: [0x30, '0x30 Normal (and 0x32 Error) Interrupt Status'],
  SDHCI_INT_ENABLE: [0x34, '0x34/0x36 Status Enable'],
  SDHCI_SIGNAL_ENABLE: [0x38, '0x38/0x3A Signal Enable'],
  SDHCI_AUTO_CMD_STATUS: [0x3c, '0x3C Auto CMD Error Status'],
  SDHCI_HOST_CONTROL2: [0x3e, '0x3E Host Control 2'],
  SDHCI_CAPABILITIES: [0x40, '0x40 Capabilities 0'],
  SDHCI_CAPABILITIES_1: [0x44, '0x44 Capabilities 1'],
  SDHCI_MAX_CURRENT: [0x48, '0x48 Max Current'],
  SDHCI_SET_ACMD12_ERROR: [0x50, '0x50 Force Event Auto-CMD Error'],
  SDHCI_SET_INT_ERROR: [0x52, '0x52 Force Event Error Interrupt'],
  SDHCI_ADMA_ERROR: [0x54, '0x54 ADMA Error Status'],
  SDHCI_ADMA_ADDRESS: [0x58, '0x58 ADMA System Address lo'],
  SDHCI_ADMA_ADDRESS_HI: [0x5c, '0x5C ADMA System Address hi'],
  SDHCI_SLOT_INT_STATUS: [0xfc, '0xFC Slot Interrupt Status'],
  SDHCI_HOST_VERSION: [0xfe, '0xFE Host Controller Version'],
  SDHCI_REGS_SIZE: [256, 'standard slot, 256-byte window'],

  // 0x0C Transfer Mode.
  SDHCI_TRNS_DMA: [bit(0), 'b0 DMA enable'],
  SDHCI_TRNS_BLK_CNT_EN: [bit(1), 'b1 block count enable'],
  SDHCI_TRNS_AUTO_CMD12: [0b01 << 2, 'b3:2 = 01 Auto-CMD12'],
  SDHCI_TRNS_AUTO_CMD23: [0b10 << 2, 'b3:2 = 10 Auto-CMD23'],
  SDHCI_TRNS_AUTO_SEL: [0b11 << 2, 'b3:2 = 11 auto select'],
  SDHCI_TRNS_READ: [bit(4), 'b4 direction, 1 = read'],
  SDHCI_TRNS_MULTI: [bit(5), 'b5 multi-block'],

  // 0x0E Command (§1 and §2).
  SDHCI_CMD_RESP_MASK: [0b11, 'b1:0 response type'],
  SDHCI_CMD_CRC: [bit(3), 'b3 CRC check enable'],
  SDHCI_CMD_INDEX: [bit(4), 'b4 index check enable'],
  SDHCI_CMD_DATA: [bit(5), 'b5 data present'],
  SDHCI_CMD_ABORTCMD: [0b11 << 6, 'b7:6 = 11 abort'],
  SDHCI_CMD_RESP_NONE: [0b00, 'type 00: no response'],
  SDHCI_CMD_RESP_LONG: [0b01, 'type 01: R2 (136 bits)'],
  SDHCI_CMD_RESP_SHORT: [0b10, 'type 10: R1/R3/R6/R7'],
  SDHCI_CMD_RESP_SHORT_BUSY: [0b11, 'type 11: R1b'],

  // 0x24 Present State.
  SDHCI_CMD_INHIBIT: [bit(0), 'b0 CMD inhibit'],
  SDHCI_DATA_INHIBIT: [bit(1), 'b1 DAT inhibit'],
  SDHCI_DOING_WRITE: [bit(8), 'b8 write transfer active'],
  SDHCI_DOING_READ: [bit(9), 'b9 read transfer active'],
  SDHCI_SPACE_AVAILABLE: [bit(10), 'b10 buffer write enable'],
  SDHCI_DATA_AVAILABLE: [bit(11), 'b11 buffer read enable'],
  SDHCI_CARD_PRESENT: [bit(16), 'b16 card inserted'],
  SDHCI_CARD_STATE_STABLE: [bit(17), 'b17 card state stable'],
  SDHCI_CD_LVL: [bit(18), 'b18 CD pin level'],
  SDHCI_WRITE_PROTECT: [bit(19), 'b19 WP pin level'],
  SDHCI_DATA_LVL_MASK: [bit(20) + bit(21) + bit(22) + bit(23), 'b23:20 DAT[3:0] level'],
  SDHCI_DATA_0_LVL_MASK: [bit(20), 'b20 DAT0 level'],
  SDHCI_CMD_LVL: [bit(24), 'b24 CMD level'],

  // 0x28 Host Control 1.
  SDHCI_CTRL_LED: [bit(0), 'b0 LED'],
  SDHCI_CTRL_4BITBUS: [bit(1), 'b1 4-bit'],
  SDHCI_CTRL_HISPD: [bit(2), 'b2 high-speed enable'],
  SDHCI_CTRL_DMA_MASK: [0b11 << 3, 'b4:3 DMA select'],
  SDHCI_CTRL_SDMA: [0b00 << 3, '00 SDMA'],
  SDHCI_CTRL_ADMA1: [0b01 << 3, '01 ADMA1'],
  SDHCI_CTRL_ADMA32: [0b10 << 3, '10 ADMA2 32-bit'],
  SDHCI_CTRL_ADMA64: [0b11 << 3, '11 ADMA2 64-bit'],
  SDHCI_CTRL_8BITBUS: [bit(5), 'b5 8-bit'],

  // 0x29 Power Control: b0 power, b3:1 voltage.
  SDHCI_POWER_ON: [0x01, 'b0 bus power'],
  SDHCI_POWER_180: [0b101 << 1, '101 = 1.8 V = 0x0A'],
  SDHCI_POWER_300: [0b110 << 1, '110 = 3.0 V = 0x0C'],
  SDHCI_POWER_330: [0b111 << 1, '111 = 3.3 V = 0x0E'],

  // 0x2C Clock Control.
  SDHCI_CLOCK_INT_EN: [bit(0), 'b0 internal clock enable'],
  SDHCI_CLOCK_INT_STABLE: [bit(1), 'b1 internal clock stable'],
  SDHCI_CLOCK_CARD_EN: [bit(2), 'b2 SD clock enable'],
  SDHCI_CLOCK_PLL_EN: [bit(3), 'b3 PLL enable'],
  SDHCI_PROG_CLOCK_MODE: [bit(5), 'b5 programmable clock mode'],
  SDHCI_DIVIDER_SHIFT: [8, 'b15:8 divider[7:0]'],
  SDHCI_DIVIDER_HI_SHIFT: [6, 'b7:6 divider[9:8]'],
  SDHCI_DIV_MASK: [0xff, 'divider[7:0]'],
  SDHCI_DIV_HI_MASK: [0b11 << 8, 'divider[9:8] within the 10-bit value'],

  // 0x2F Software Reset.
  SDHCI_RESET_ALL: [bit(0), 'b0 all'],
  SDHCI_RESET_CMD: [bit(1), 'b1 CMD line'],
  SDHCI_RESET_DATA: [bit(2), 'b2 DAT line'],

  // 0x30 Normal Interrupt Status (32-bit view: 0x32 in the high half).
  SDHCI_INT_RESPONSE: [bit(0), 'b0 command complete'],
  SDHCI_INT_DATA_END: [bit(1), 'b1 transfer complete'],
  SDHCI_INT_BLK_GAP: [bit(2), 'b2 block gap'],
  SDHCI_INT_DMA_END: [bit(3), 'b3 DMA interrupt'],
  SDHCI_INT_SPACE_AVAIL: [bit(4), 'b4 buffer write ready'],
  SDHCI_INT_DATA_AVAIL: [bit(5), 'b5 buffer read ready'],
  SDHCI_INT_CARD_INSERT: [bit(6), 'b6 card insertion'],
  SDHCI_INT_CARD_REMOVE: [bit(7), 'b7 card removal'],
  SDHCI_INT_CARD_INT: [bit(8), 'b8 card interrupt'],
  SDHCI_INT_RETUNE: [bit(12), 'b12 re-tuning event'],
  SDHCI_INT_CQE: [bit(14), 'b14 CQE'],
  SDHCI_INT_ERROR: [bit(15), 'b15 error summary'],
  SDHCI_INT_TIMEOUT: [bit(16 + 0), '0x32 b0 cmd timeout'],
  SDHCI_INT_CRC: [bit(16 + 1), '0x32 b1 cmd CRC'],
  SDHCI_INT_END_BIT: [bit(16 + 2), '0x32 b2 cmd end bit'],
  SDHCI_INT_INDEX: [bit(16 + 3), '0x32 b3 cmd index'],
  SDHCI_INT_DATA_TIMEOUT: [bit(16 + 4), '0x32 b4 data timeout'],
  SDHCI_INT_DATA_CRC: [bit(16 + 5), '0x32 b5 data CRC'],
  SDHCI_INT_DATA_END_BIT: [bit(16 + 6), '0x32 b6 data end bit'],
  SDHCI_INT_BUS_POWER: [bit(16 + 7), '0x32 b7 current limit'],
  SDHCI_INT_AUTO_CMD_ERR: [bit(16 + 8), '0x32 b8 Auto-CMD error'],
  SDHCI_INT_ADMA_ERROR: [bit(16 + 9), '0x32 b9 ADMA error'],
  SDHCI_INT_NORMAL_MASK: [bit(15) - 1, 'normal b14:0'],
  SDHCI_INT_ERROR_MASK: [bit(32) - bit(15), 'error summary and the error half'],
  // Linux's groupings of the bits above (§5: the command and data interrupt handlers).
  SDHCI_INT_CMD_MASK: [bit(0) + bit(16) + bit(17) + bit(18) + bit(19) + bit(24), 'response, timeout, CRC, end bit, index, Auto-CMD error'],
  SDHCI_INT_DATA_MASK: [bit(1) + bit(2) + bit(3) + bit(4) + bit(5) + bit(20) + bit(21) + bit(22) + bit(25), 'transfer complete, gap, DMA, buffer ready, data errors, ADMA error'],
  SDHCI_INT_ALL_MASK: [bit(32) - 1, 'all 32 bits'],

  // 0x3C Auto CMD Error Status.
  SDHCI_AUTO_CMD_TIMEOUT: [bit(1), 'b1 timeout'],
  SDHCI_AUTO_CMD_CRC: [bit(2), 'b2 CRC'],
  SDHCI_AUTO_CMD_END_BIT: [bit(3), 'b3 end bit'],
  SDHCI_AUTO_CMD_INDEX: [bit(4), 'b4 index'],

  // 0x3E Host Control 2.
  SDHCI_CTRL_UHS_MASK: [0b111, 'b2:0 UHS mode'],
  SDHCI_CTRL_UHS_SDR12: [0, '0 SDR12'],
  SDHCI_CTRL_UHS_SDR25: [1, '1 SDR25'],
  SDHCI_CTRL_UHS_SDR50: [2, '2 SDR50'],
  SDHCI_CTRL_UHS_SDR104: [3, '3 SDR104/HS200'],
  SDHCI_CTRL_UHS_DDR50: [4, '4 DDR50/DDR52'],
  SDHCI_CTRL_HS400: [5, '5 HS400 (non-standard)'],
  SDHCI_CTRL_VDD_180: [bit(3), 'b3 1.8 V signalling'],
  SDHCI_CTRL_EXEC_TUNING: [bit(6), 'b6 execute tuning'],
  SDHCI_CTRL_TUNED_CLK: [bit(7), 'b7 sampling clock select'],
  SDHCI_CMD23_ENABLE: [bit(11), 'b11 CMD23 enable'],
  SDHCI_CTRL_V4_MODE: [bit(12), 'b12 Host Version 4 enable'],
  SDHCI_CTRL_64BIT_ADDR: [bit(13), 'b13 64-bit addressing'],
  SDHCI_CTRL_PRESET_VAL_ENABLE: [bit(15), 'b15 preset value enable'],

  // 0x40 Capabilities 0.
  SDHCI_TIMEOUT_CLK_MASK: [bit(6) - 1, 'b5:0 timeout clock frequency'],
  SDHCI_TIMEOUT_CLK_UNIT: [bit(7), 'b7 its unit'],
  SDHCI_CLOCK_BASE_MASK: [(bit(6) - 1) << 8, 'v2 base clock b13:8'],
  SDHCI_CLOCK_V3_BASE_MASK: [(bit(8) - 1) << 8, 'v3 base clock b15:8'],
  SDHCI_CLOCK_BASE_SHIFT: [8, 'base clock from b8'],
  SDHCI_MAX_BLOCK_MASK: [0b11 << 16, 'b17:16 max block'],
  SDHCI_MAX_BLOCK_SHIFT: [16, 'max block from b16'],
  SDHCI_CAN_DO_8BIT: [bit(18), 'b18 8-bit'],
  SDHCI_CAN_DO_ADMA2: [bit(19), 'b19 ADMA2'],
  SDHCI_CAN_DO_ADMA1: [bit(20), 'b20 ADMA1'],
  SDHCI_CAN_DO_HISPD: [bit(21), 'b21 high-speed'],
  SDHCI_CAN_DO_SDMA: [bit(22), 'b22 SDMA'],
  SDHCI_CAN_DO_SUSPEND: [bit(23), 'b23 suspend/resume'],
  SDHCI_CAN_VDD_330: [bit(24), 'b24 3.3 V'],
  SDHCI_CAN_VDD_300: [bit(25), 'b25 3.0 V'],
  SDHCI_CAN_VDD_180: [bit(26), 'b26 1.8 V'],
  SDHCI_CAN_64BIT_V4: [bit(27), 'b27 64-bit (v4)'],
  SDHCI_CAN_64BIT: [bit(28), 'b28 64-bit (v3)'],

  // 0x44 Capabilities 1.
  SDHCI_SUPPORT_SDR50: [bit(0), 'b0 SDR50'],
  SDHCI_SUPPORT_SDR104: [bit(1), 'b1 SDR104'],
  SDHCI_SUPPORT_DDR50: [bit(2), 'b2 DDR50'],
  SDHCI_SUPPORT_HS400: [bit(31), 'b31 HS400 (non-standard)'],

  // 0xFE Host Controller Version.
  SDHCI_SPEC_VER_MASK: [0x00ff, 'b7:0 spec'],
  SDHCI_VENDOR_VER_MASK: [0xff00, 'b15:8 vendor'],
  SDHCI_VENDOR_VER_SHIFT: [8, 'vendor from b8'],
  SDHCI_SPEC_100: [0, '0 = 1.00'],
  SDHCI_SPEC_200: [1, '1 = 2.00'],
  SDHCI_SPEC_300: [2, '2 = 3.00'],
  SDHCI_SPEC_400: [3, '3 = 4.00'],
  SDHCI_SPEC_410: [4, '4 = 4.10'],
  SDHCI_SPEC_420: [5, '5 = 4.20'],

  // ADMA2 descriptors: attribute b0 Valid, b1 End, b2 Int, b5:4 Act (00 nop, 10 tran, 11 link).
  ADMA2_TRAN_VALID: [(0b10 << 4) | bit(0), 'tran | valid = 0x21'],
  ADMA2_NOP_END_VALID: [(0b00 << 4) | bit(1) | bit(0), 'nop | end | valid = 0x03'],
  ADMA2_END: [bit(1), 'b1 End'],
  ADMA2_INT: [bit(2), 'b2 Int'],
  ADMA2_LINK_VALID: [(0b11 << 4) | bit(0), 'link | valid = 0x31'],
  SDHCI_ADMA2_32_DESC_SZ: [8, '32-bit descriptor: 8 bytes'],
  SDHCI_ADMA2_64_DESC_SZ: [12, '64-bit descriptor: 12 bytes'],
  SDHCI_ADMA2_MAX_LEN: [65536, 'length 0 means 65 536'],
};

const header = H as unknown as Record<string, unknown>;

describe('include/hw/sdhci.h.ts against the research register map', () => {
  it.each(Object.entries(SPEC))('%s', (name, [value, why]) => {
    expect(header[name], `${name}: ${why}`).toBe(value);
  });

  it('has a row here for every constant the header defines', () => {
    const numeric = Object.keys(header).filter((k) => typeof header[k] === 'number');
    expect(numeric.filter((k) => !(k in SPEC))).toEqual([]);
  });

  it('builds Block Size and Command values as the document lays them out', () => {
    expect(H.SDHCI_MAKE_BLKSZ(7, 512)).toBe(0x7200); // boundary in b14:12, size in b11:0
    expect(H.SDHCI_MAKE_BLKSZ(0, 0x800)).toBe(0x800);
    expect(H.SDHCI_MAKE_BLKSZ(8, 0x1200)).toBe(0x200); // fields masked
    // §2: "Register = (opcode << 8) | low byte"; R1 with data = 0x3A, R2 = 0x09, R1b = 0x1B.
    expect(H.SDHCI_MAKE_CMD(17, 0x3a)).toBe(0x113a);
    expect(H.SDHCI_MAKE_CMD(2, 0x09)).toBe(0x0209);
    expect(H.SDHCI_MAKE_CMD(6, 0x1b)).toBe(0x061b);
    expect(H.SDHCI_GET_CMD(0x113a)).toBe(17);
    expect(H.SDHCI_GET_CMD(0xff3a)).toBe(0x3f); // index is 6 bits (b13:8)
    // The §2 flag table, from the bit constants.
    expect(H.SDHCI_CMD_RESP_SHORT | H.SDHCI_CMD_CRC | H.SDHCI_CMD_INDEX).toBe(0x1a);
    expect(H.SDHCI_CMD_RESP_SHORT | H.SDHCI_CMD_CRC | H.SDHCI_CMD_INDEX | H.SDHCI_CMD_DATA).toBe(0x3a);
    expect(H.SDHCI_CMD_RESP_SHORT_BUSY | H.SDHCI_CMD_CRC | H.SDHCI_CMD_INDEX).toBe(0x1b);
    expect(H.SDHCI_CMD_RESP_LONG | H.SDHCI_CMD_CRC).toBe(0x09);
    expect(H.SDHCI_CMD_RESP_SHORT).toBe(0x02);
  });
});
