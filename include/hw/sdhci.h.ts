// SPDX-License-Identifier: GPL-2.0
// The SD Host Controller Standard register map (SD Host Controller Simplified Specification 3.00,
// with the 4.x bits Linux knows), under Linux's names (drivers/mmc/host/sdhci.h) so driver and
// model read alike. Both sides share this file; a spec-table test pins every value independently,
// so a typo cannot pass on both sides at once.

export const SDHCI_DMA_ADDRESS = 0x00;
export const SDHCI_ARGUMENT2 = SDHCI_DMA_ADDRESS;
export const SDHCI_32BIT_BLK_CNT = SDHCI_DMA_ADDRESS;

export const SDHCI_BLOCK_SIZE = 0x04;
/** Block size with the SDMA buffer boundary in [14:12] (7 = 512 KiB). */
export const SDHCI_MAKE_BLKSZ = (dma: number, blksz: number): number => ((dma & 0x7) << 12) | (blksz & 0xfff);
export const SDHCI_DEFAULT_BOUNDARY_ARG = 7;
export const SDHCI_DEFAULT_BOUNDARY_SIZE = 512 * 1024;

export const SDHCI_BLOCK_COUNT = 0x06;
export const SDHCI_ARGUMENT = 0x08;

export const SDHCI_TRANSFER_MODE = 0x0c;
export const SDHCI_TRNS_DMA = 0x01;
export const SDHCI_TRNS_BLK_CNT_EN = 0x02;
export const SDHCI_TRNS_AUTO_CMD12 = 0x04;
export const SDHCI_TRNS_AUTO_CMD23 = 0x08;
export const SDHCI_TRNS_AUTO_SEL = 0x0c;
export const SDHCI_TRNS_READ = 0x10;
export const SDHCI_TRNS_MULTI = 0x20;

export const SDHCI_COMMAND = 0x0e;
export const SDHCI_CMD_RESP_MASK = 0x03;
export const SDHCI_CMD_CRC = 0x08;
export const SDHCI_CMD_INDEX = 0x10;
export const SDHCI_CMD_DATA = 0x20;
export const SDHCI_CMD_ABORTCMD = 0xc0;
export const SDHCI_CMD_RESP_NONE = 0x00;
export const SDHCI_CMD_RESP_LONG = 0x01;
export const SDHCI_CMD_RESP_SHORT = 0x02;
export const SDHCI_CMD_RESP_SHORT_BUSY = 0x03;
export const SDHCI_MAKE_CMD = (c: number, f: number): number => ((c & 0xff) << 8) | (f & 0xff);
export const SDHCI_GET_CMD = (c: number): number => (c >> 8) & 0x3f;

export const SDHCI_RESPONSE = 0x10;
export const SDHCI_BUFFER = 0x20;

export const SDHCI_PRESENT_STATE = 0x24;
export const SDHCI_CMD_INHIBIT = 0x00000001;
export const SDHCI_DATA_INHIBIT = 0x00000002;
export const SDHCI_DOING_WRITE = 0x00000100;
export const SDHCI_DOING_READ = 0x00000200;
export const SDHCI_SPACE_AVAILABLE = 0x00000400;
export const SDHCI_DATA_AVAILABLE = 0x00000800;
export const SDHCI_CARD_PRESENT = 0x00010000;
export const SDHCI_CARD_STATE_STABLE = 0x00020000;
export const SDHCI_CD_LVL = 0x00040000;
export const SDHCI_WRITE_PROTECT = 0x00080000;
export const SDHCI_DATA_LVL_MASK = 0x00f00000;
export const SDHCI_DATA_0_LVL_MASK = 0x00100000;
export const SDHCI_CMD_LVL = 0x01000000;

export const SDHCI_HOST_CONTROL = 0x28;
export const SDHCI_CTRL_LED = 0x01;
export const SDHCI_CTRL_4BITBUS = 0x02;
export const SDHCI_CTRL_HISPD = 0x04;
export const SDHCI_CTRL_DMA_MASK = 0x18;
export const SDHCI_CTRL_SDMA = 0x00;
export const SDHCI_CTRL_ADMA1 = 0x08;
export const SDHCI_CTRL_ADMA32 = 0x10;
export const SDHCI_CTRL_ADMA64 = 0x18;
export const SDHCI_CTRL_8BITBUS = 0x20;

export const SDHCI_POWER_CONTROL = 0x29;
export const SDHCI_POWER_ON = 0x01;
export const SDHCI_POWER_180 = 0x0a;
export const SDHCI_POWER_300 = 0x0c;
export const SDHCI_POWER_330 = 0x0e;

export const SDHCI_BLOCK_GAP_CONTROL = 0x2a;
export const SDHCI_WAKE_UP_CONTROL = 0x2b;

export const SDHCI_CLOCK_CONTROL = 0x2c;
export const SDHCI_DIVIDER_SHIFT = 8;
export const SDHCI_DIVIDER_HI_SHIFT = 6;
export const SDHCI_DIV_MASK = 0xff;
export const SDHCI_DIV_HI_MASK = 0x300;
export const SDHCI_PROG_CLOCK_MODE = 0x0020;
export const SDHCI_CLOCK_CARD_EN = 0x0004;
export const SDHCI_CLOCK_PLL_EN = 0x0008;
export const SDHCI_CLOCK_INT_STABLE = 0x0002;
export const SDHCI_CLOCK_INT_EN = 0x0001;

export const SDHCI_TIMEOUT_CONTROL = 0x2e;

export const SDHCI_SOFTWARE_RESET = 0x2f;
export const SDHCI_RESET_ALL = 0x01;
export const SDHCI_RESET_CMD = 0x02;
export const SDHCI_RESET_DATA = 0x04;

export const SDHCI_INT_STATUS = 0x30;
export const SDHCI_INT_ENABLE = 0x34;
export const SDHCI_SIGNAL_ENABLE = 0x38;
export const SDHCI_INT_RESPONSE = 0x00000001;
export const SDHCI_INT_DATA_END = 0x00000002;
export const SDHCI_INT_BLK_GAP = 0x00000004;
export const SDHCI_INT_DMA_END = 0x00000008;
export const SDHCI_INT_SPACE_AVAIL = 0x00000010;
export const SDHCI_INT_DATA_AVAIL = 0x00000020;
export const SDHCI_INT_CARD_INSERT = 0x00000040;
export const SDHCI_INT_CARD_REMOVE = 0x00000080;
export const SDHCI_INT_CARD_INT = 0x00000100;
export const SDHCI_INT_RETUNE = 0x00001000;
export const SDHCI_INT_CQE = 0x00004000;
export const SDHCI_INT_ERROR = 0x00008000;
export const SDHCI_INT_TIMEOUT = 0x00010000;
export const SDHCI_INT_CRC = 0x00020000;
export const SDHCI_INT_END_BIT = 0x00040000;
export const SDHCI_INT_INDEX = 0x00080000;
export const SDHCI_INT_DATA_TIMEOUT = 0x00100000;
export const SDHCI_INT_DATA_CRC = 0x00200000;
export const SDHCI_INT_DATA_END_BIT = 0x00400000;
export const SDHCI_INT_BUS_POWER = 0x00800000;
export const SDHCI_INT_AUTO_CMD_ERR = 0x01000000;
export const SDHCI_INT_ADMA_ERROR = 0x02000000;
export const SDHCI_INT_NORMAL_MASK = 0x00007fff;
export const SDHCI_INT_ERROR_MASK = 0xffff8000;
export const SDHCI_INT_CMD_MASK = SDHCI_INT_RESPONSE | SDHCI_INT_TIMEOUT | SDHCI_INT_CRC | SDHCI_INT_END_BIT | SDHCI_INT_INDEX | SDHCI_INT_AUTO_CMD_ERR;
export const SDHCI_INT_DATA_MASK =
  SDHCI_INT_DATA_END | SDHCI_INT_DMA_END | SDHCI_INT_DATA_AVAIL | SDHCI_INT_SPACE_AVAIL | SDHCI_INT_DATA_TIMEOUT | SDHCI_INT_DATA_CRC | SDHCI_INT_DATA_END_BIT | SDHCI_INT_ADMA_ERROR | SDHCI_INT_BLK_GAP;
export const SDHCI_INT_ALL_MASK = 0xffffffff;

export const SDHCI_AUTO_CMD_STATUS = 0x3c;
export const SDHCI_AUTO_CMD_TIMEOUT = 0x00000002;
export const SDHCI_AUTO_CMD_CRC = 0x00000004;
export const SDHCI_AUTO_CMD_END_BIT = 0x00000008;
export const SDHCI_AUTO_CMD_INDEX = 0x00000010;

export const SDHCI_HOST_CONTROL2 = 0x3e;
export const SDHCI_CTRL_UHS_MASK = 0x0007;
export const SDHCI_CTRL_UHS_SDR12 = 0x0000;
export const SDHCI_CTRL_UHS_SDR25 = 0x0001;
export const SDHCI_CTRL_UHS_SDR50 = 0x0002;
export const SDHCI_CTRL_UHS_SDR104 = 0x0003;
export const SDHCI_CTRL_UHS_DDR50 = 0x0004;
export const SDHCI_CTRL_HS400 = 0x0005;
export const SDHCI_CTRL_VDD_180 = 0x0008;
export const SDHCI_CTRL_EXEC_TUNING = 0x0040;
export const SDHCI_CTRL_TUNED_CLK = 0x0080;
export const SDHCI_CMD23_ENABLE = 0x0800;
export const SDHCI_CTRL_V4_MODE = 0x1000;
export const SDHCI_CTRL_64BIT_ADDR = 0x2000;
export const SDHCI_CTRL_PRESET_VAL_ENABLE = 0x8000;

export const SDHCI_CAPABILITIES = 0x40;
export const SDHCI_TIMEOUT_CLK_MASK = 0x0000003f;
export const SDHCI_TIMEOUT_CLK_UNIT = 0x00000080;
export const SDHCI_CLOCK_BASE_MASK = 0x00003f00;
export const SDHCI_CLOCK_V3_BASE_MASK = 0x0000ff00;
export const SDHCI_CLOCK_BASE_SHIFT = 8;
export const SDHCI_MAX_BLOCK_MASK = 0x00030000;
export const SDHCI_MAX_BLOCK_SHIFT = 16;
export const SDHCI_CAN_DO_8BIT = 0x00040000;
export const SDHCI_CAN_DO_ADMA2 = 0x00080000;
export const SDHCI_CAN_DO_ADMA1 = 0x00100000;
export const SDHCI_CAN_DO_HISPD = 0x00200000;
export const SDHCI_CAN_DO_SDMA = 0x00400000;
export const SDHCI_CAN_DO_SUSPEND = 0x00800000;
export const SDHCI_CAN_VDD_330 = 0x01000000;
export const SDHCI_CAN_VDD_300 = 0x02000000;
export const SDHCI_CAN_VDD_180 = 0x04000000;
export const SDHCI_CAN_64BIT_V4 = 0x08000000;
export const SDHCI_CAN_64BIT = 0x10000000;

export const SDHCI_CAPABILITIES_1 = 0x44;
export const SDHCI_SUPPORT_SDR50 = 0x00000001;
export const SDHCI_SUPPORT_SDR104 = 0x00000002;
export const SDHCI_SUPPORT_DDR50 = 0x00000004;
export const SDHCI_SUPPORT_HS400 = 0x80000000;

export const SDHCI_MAX_CURRENT = 0x48;

export const SDHCI_SET_ACMD12_ERROR = 0x50;
export const SDHCI_SET_INT_ERROR = 0x52;

export const SDHCI_ADMA_ERROR = 0x54;
export const SDHCI_ADMA_ADDRESS = 0x58;
export const SDHCI_ADMA_ADDRESS_HI = 0x5c;

export const SDHCI_SLOT_INT_STATUS = 0xfc;
export const SDHCI_HOST_VERSION = 0xfe;
export const SDHCI_VENDOR_VER_MASK = 0xff00;
export const SDHCI_VENDOR_VER_SHIFT = 8;
export const SDHCI_SPEC_VER_MASK = 0x00ff;
export const SDHCI_SPEC_100 = 0;
export const SDHCI_SPEC_200 = 1;
export const SDHCI_SPEC_300 = 2;
export const SDHCI_SPEC_400 = 3;
export const SDHCI_SPEC_410 = 4;
export const SDHCI_SPEC_420 = 5;

/** The standard window is 256 bytes. */
export const SDHCI_REGS_SIZE = 0x100;

// ADMA2 descriptor attributes.
export const ADMA2_TRAN_VALID = 0x21;
export const ADMA2_NOP_END_VALID = 0x3;
export const ADMA2_END = 0x2;
export const ADMA2_INT = 0x4;
export const ADMA2_LINK_VALID = 0x31;
export const SDHCI_ADMA2_32_DESC_SZ = 8;
export const SDHCI_ADMA2_64_DESC_SZ = 12;
/** Largest ADMA2 segment (a length of 0 in a descriptor means 65536). */
export const SDHCI_ADMA2_MAX_LEN = 65536;
