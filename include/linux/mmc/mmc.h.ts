// SPDX-License-Identifier: GPL-2.0
// MMC protocol constants (include/linux/mmc/mmc.h): command numbers, R1 status bits, card
// states, EXT_CSD offsets and values, CMD6 access modes.

// Standard MMC commands (4.1)                 type  argument     response
export const MMC_GO_IDLE_STATE = 0; //          bc
export const MMC_SEND_OP_COND = 1; //           bcr  [31:0] OCR   R3
export const MMC_ALL_SEND_CID = 2; //           bcr               R2
export const MMC_SET_RELATIVE_ADDR = 3; //      ac   [31:16] RCA  R1
export const MMC_SET_DSR = 4; //                bc   [31:16] RCA
export const MMC_SLEEP_AWAKE = 5; //            ac   [31:16] RCA 15:flg R1b
export const MMC_SWITCH = 6; //                 ac   [31:0] See below R1b
export const MMC_SELECT_CARD = 7; //            ac   [31:16] RCA  R1
export const MMC_SEND_EXT_CSD = 8; //           adtc              R1
export const MMC_SEND_CSD = 9; //               ac   [31:16] RCA  R2
export const MMC_SEND_CID = 10; //              ac   [31:16] RCA  R2
export const MMC_STOP_TRANSMISSION = 12; //     ac                R1b
export const MMC_SEND_STATUS = 13; //           ac   [31:16] RCA  R1
export const MMC_GO_INACTIVE_STATE = 15; //     ac   [31:16] RCA
export const MMC_SET_BLOCKLEN = 16; //          ac   [31:0] block len R1
export const MMC_READ_SINGLE_BLOCK = 17; //     adtc [31:0] data addr R1
export const MMC_READ_MULTIPLE_BLOCK = 18; //   adtc [31:0] data addr R1
export const MMC_SEND_TUNING_BLOCK_HS200 = 21; // adtc            R1
export const MMC_SET_BLOCK_COUNT = 23; //       adtc [31:0] data addr R1
export const MMC_WRITE_BLOCK = 24; //           adtc [31:0] data addr R1
export const MMC_WRITE_MULTIPLE_BLOCK = 25; //  adtc              R1
export const MMC_ERASE_GROUP_START = 35; //     ac   [31:0] data addr R1
export const MMC_ERASE_GROUP_END = 36; //       ac   [31:0] data addr R1
export const MMC_ERASE = 38; //                 ac                R1b
export const MMC_QUE_TASK_PARAMS = 44;
export const MMC_QUE_TASK_ADDR = 45;
export const MMC_EXECUTE_READ_TASK = 46;
export const MMC_EXECUTE_WRITE_TASK = 47;
export const MMC_CMDQ_TASK_MGMT = 48;
export const MMC_APP_CMD = 55;

// SD and SDIO probes an eMMC must leave unanswered (Linux tries them first).
export const SD_SEND_IF_COND = 8;
export const SD_IO_SEND_OP_COND = 5;
export const SD_IO_RW_DIRECT = 52;
export const SD_APP_OP_COND = 41;

// CMD23 argument bits.
export const MMC_CMD23_ARG_REL_WR = 1 << 31;
export const MMC_CMD23_ARG_PACKED = 1 << 30;
export const MMC_CMD23_ARG_TAG_REQ = 1 << 29;
/** eMMC 4.5+ forced programming: the data bypasses the volatile cache. */
export const MMC_CMD23_ARG_FORCED_PRG = 1 << 24;

// R1 card status.
export const R1_OUT_OF_RANGE = 1 << 31;
export const R1_ADDRESS_ERROR = 1 << 30;
export const R1_BLOCK_LEN_ERROR = 1 << 29;
export const R1_ERASE_SEQ_ERROR = 1 << 28;
export const R1_ERASE_PARAM = 1 << 27;
export const R1_WP_VIOLATION = 1 << 26;
export const R1_CARD_IS_LOCKED = 1 << 25;
export const R1_LOCK_UNLOCK_FAILED = 1 << 24;
export const R1_COM_CRC_ERROR = 1 << 23;
export const R1_ILLEGAL_COMMAND = 1 << 22;
export const R1_CARD_ECC_FAILED = 1 << 21;
export const R1_CC_ERROR = 1 << 20;
export const R1_ERROR = 1 << 19;
export const R1_UNDERRUN = 1 << 18;
export const R1_OVERRUN = 1 << 17;
export const R1_CID_CSD_OVERWRITE = 1 << 16;
export const R1_WP_ERASE_SKIP = 1 << 15;
export const R1_CARD_ECC_DISABLED = 1 << 14;
export const R1_ERASE_RESET = 1 << 13;
export const R1_STATUS = (x: number): number => x & 0xffffe000;
export const R1_CURRENT_STATE = (x: number): number => (x & 0x00001e00) >>> 9;
export const R1_READY_FOR_DATA = 1 << 8;
export const R1_SWITCH_ERROR = 1 << 7;
export const R1_EXCEPTION_EVENT = 1 << 6;
export const R1_APP_CMD = 1 << 5;

export const R1_STATE_IDLE = 0;
export const R1_STATE_READY = 1;
export const R1_STATE_IDENT = 2;
export const R1_STATE_STBY = 3;
export const R1_STATE_TRAN = 4;
export const R1_STATE_DATA = 5;
export const R1_STATE_RCV = 6;
export const R1_STATE_PRG = 7;
export const R1_STATE_DIS = 8;

/** Ready for data and back in transfer state (mmc_ready_for_data). */
export const mmc_ready_for_data = (status: number): boolean =>
  !!(status & R1_READY_FOR_DATA) && R1_CURRENT_STATE(status) === R1_STATE_TRAN;

// OCR bits.
export const MMC_CARD_BUSY = 0x80000000;
export const MMC_OCR_SECTOR_MODE = 1 << 30;

// EXT_CSD fields (byte offsets).
export const EXT_CSD_CMDQ_MODE_EN = 15;
export const EXT_CSD_FLUSH_CACHE = 32;
export const EXT_CSD_CACHE_CTRL = 33;
export const EXT_CSD_POWER_OFF_NOTIFICATION = 34;
export const EXT_CSD_DATA_SECTOR_SIZE = 61;
export const EXT_CSD_GP_SIZE_MULT = 143;
export const EXT_CSD_PARTITION_SETTING_COMPLETED = 155;
export const EXT_CSD_PARTITION_ATTRIBUTE = 156;
export const EXT_CSD_PARTITION_SUPPORT = 160;
export const EXT_CSD_HPI_MGMT = 161;
export const EXT_CSD_RST_N_FUNCTION = 162;
export const EXT_CSD_BKOPS_EN = 163;
export const EXT_CSD_WR_REL_PARAM = 166;
export const EXT_CSD_RPMB_MULT = 168;
export const EXT_CSD_ERASE_GROUP_DEF = 175;
export const EXT_CSD_PART_CONFIG = 179;
export const EXT_CSD_ERASED_MEM_CONT = 181;
export const EXT_CSD_BUS_WIDTH = 183;
export const EXT_CSD_STROBE_SUPPORT = 184;
export const EXT_CSD_HS_TIMING = 185;
export const EXT_CSD_POWER_CLASS = 187;
export const EXT_CSD_REV = 192;
export const EXT_CSD_STRUCTURE = 194;
export const EXT_CSD_CARD_TYPE = 196;
export const EXT_CSD_DRIVER_STRENGTH = 197;
export const EXT_CSD_OUT_OF_INTERRUPT_TIME = 198;
export const EXT_CSD_PART_SWITCH_TIME = 199;
export const EXT_CSD_SEC_CNT = 212;
export const EXT_CSD_S_A_TIMEOUT = 217;
export const EXT_CSD_REL_WR_SEC_C = 222;
export const EXT_CSD_HC_WP_GRP_SIZE = 221;
export const EXT_CSD_ERASE_TIMEOUT_MULT = 223;
export const EXT_CSD_HC_ERASE_GRP_SIZE = 224;
export const EXT_CSD_BOOT_MULT = 226;
export const EXT_CSD_SEC_TRIM_MULT = 229;
export const EXT_CSD_SEC_ERASE_MULT = 230;
export const EXT_CSD_SEC_FEATURE_SUPPORT = 231;
export const EXT_CSD_TRIM_MULT = 232;
export const EXT_CSD_GENERIC_CMD6_TIME = 248;
export const EXT_CSD_POWER_OFF_LONG_TIME = 247;
export const EXT_CSD_CACHE_SIZE = 249;
export const EXT_CSD_CMDQ_DEPTH = 307;
export const EXT_CSD_CMDQ_SUPPORT = 308;
export const EXT_CSD_HPI_FEATURES = 503;

export const EXT_CSD_PART_CONFIG_ACC_MASK = 0x7;
export const EXT_CSD_PART_CONFIG_ACC_BOOT0 = 0x1;
export const EXT_CSD_PART_CONFIG_ACC_RPMB = 0x3;

export const EXT_CSD_CMD_SET_NORMAL = 1 << 0;

export const EXT_CSD_CARD_TYPE_HS_26 = 1 << 0;
export const EXT_CSD_CARD_TYPE_HS_52 = 1 << 1;
export const EXT_CSD_CARD_TYPE_HS = EXT_CSD_CARD_TYPE_HS_26 | EXT_CSD_CARD_TYPE_HS_52;
export const EXT_CSD_CARD_TYPE_DDR_1_8V = 1 << 2;
export const EXT_CSD_CARD_TYPE_DDR_1_2V = 1 << 3;
export const EXT_CSD_CARD_TYPE_DDR_52 = EXT_CSD_CARD_TYPE_DDR_1_8V | EXT_CSD_CARD_TYPE_DDR_1_2V;
export const EXT_CSD_CARD_TYPE_HS200_1_8V = 1 << 4;
export const EXT_CSD_CARD_TYPE_HS200_1_2V = 1 << 5;
export const EXT_CSD_CARD_TYPE_HS200 = EXT_CSD_CARD_TYPE_HS200_1_8V | EXT_CSD_CARD_TYPE_HS200_1_2V;
export const EXT_CSD_CARD_TYPE_HS400_1_8V = 1 << 6;
export const EXT_CSD_CARD_TYPE_HS400_1_2V = 1 << 7;
export const EXT_CSD_CARD_TYPE_HS400 = EXT_CSD_CARD_TYPE_HS400_1_8V | EXT_CSD_CARD_TYPE_HS400_1_2V;

export const EXT_CSD_BUS_WIDTH_1 = 0;
export const EXT_CSD_BUS_WIDTH_4 = 1;
export const EXT_CSD_BUS_WIDTH_8 = 2;
export const EXT_CSD_DDR_BUS_WIDTH_4 = 5;
export const EXT_CSD_DDR_BUS_WIDTH_8 = 6;

export const EXT_CSD_TIMING_BC = 0;
export const EXT_CSD_TIMING_HS = 1;
export const EXT_CSD_TIMING_HS200 = 2;
export const EXT_CSD_TIMING_HS400 = 3;

export const EXT_CSD_NO_POWER_NOTIFICATION = 0;
export const EXT_CSD_POWER_ON = 1;
export const EXT_CSD_POWER_OFF_SHORT = 2;
export const EXT_CSD_POWER_OFF_LONG = 3;

export const EXT_CSD_WR_REL_PARAM_EN = 1 << 2;
export const EXT_CSD_SEC_GB_CL_EN = 1 << 4;

// CMD6 access modes.
export const MMC_SWITCH_MODE_CMD_SET = 0x00;
export const MMC_SWITCH_MODE_SET_BITS = 0x01;
export const MMC_SWITCH_MODE_CLEAR_BITS = 0x02;
export const MMC_SWITCH_MODE_WRITE_BYTE = 0x03;

// CMD38 arguments.
export const MMC_ERASE_ARG = 0x00000000;
export const MMC_TRIM_ARG = 0x00000001;
export const MMC_DISCARD_ARG = 0x00000003;
