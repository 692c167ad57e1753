import { describe, expect, it } from 'vitest';
import { SparseBackend } from '../block/sparse.ts';
import { EmmcCard, type EmmcCardOptions } from './emmc.ts';
import { EXT_CSD } from './emmc_ext_csd.ts';
import { DEVICE_TYPE } from './emmc_options.ts';
import { getBits } from './emmc_regs.ts';
import { R1, r1State } from './emmc_status.ts';
import { LINUX_OCR_ARG, ManualClock, RawHost } from './emmc_testing.ts';

const GiB = 1024 ** 3;
/** A typical "8 GB" part: Linux prints 7.28 GiB. */
const USER_BYTES = 15_269_888 * 512;

const make = (extra: Partial<EmmcCardOptions> = {}) => {
  const clock = new ManualClock();
  const logs: string[] = [];
  const card = new EmmcCard({ clock, user: new SparseBackend({ size: USER_BYTES }), log: (c, m) => logs.push(`${c}: ${m}`), ...extra });
  return { clock, card, host: new RawHost(card, clock), logs };
};

describe('EmmcCard bring-up as Linux does it', () => {
  it('ignores the SDIO/SD probes, then identifies, selects and describes itself', () => {
    const { card, host, clock } = make({ productName: 'MMCPS1', manufacturerId: 0x88, oemId: 0x01, serial: 0xdeadbeef, revision: 0x12, manufactured: { year: 2024, month: 7 } });
    // mmc_rescan_try_freq: SDIO reset, GO_IDLE, SD SEND_IF_COND, SDIO OP_COND, SD APP_CMD: no answers but CMD0's.
    expect(host.cmd(52, 0x8000_0c08).kind).toBe('none');
    expect(host.cmd(0).kind).toBe('none');
    expect(host.cmd(8, 0x1aa).kind).toBe('none');
    expect(host.cmd(5, 0).kind).toBe('none');
    expect(host.cmd(55, 0).kind).toBe('none');
    expect(host.cmd(41, 0).kind).toBe('none');
    // mmc_attach_mmc: CMD1 with arg 0 only asks. Power-up is not done before 1 ms.
    const query = host.word(1, 0);
    expect(query & 0x7fff_ffff).toBe(0x40ff_8080); // sector mode, 2.7-3.6 V and 1.7-1.95 V
    expect(query & 0x8000_0000).toBe(0);
    expect(card.state).toBe('idle');
    // mmc_init_card: CMD0, then CMD1 polled until not busy.
    host.cmd(0);
    expect(host.word(1, LINUX_OCR_ARG) >>> 31).toBe(0);
    expect(card.state).toBe('idle');
    clock.advance(1_000_000);
    expect(host.word(1, LINUX_OCR_ARG) >>> 0).toBe(0xc0ff_8080);
    expect(card.state).toBe('ready');

    const cid = host.reg(2);
    expect(card.state).toBe('ident');
    // mmc_decode_cid (SPEC_VERS 4) + the EXT_CSD_REV >= 5 date rule.
    expect(getBits(cid, 127, 120)).toBe(0x88);
    expect(getBits(cid, 119, 104)).toBe(0x0101); // Linux's 16-bit oemid: CBX = 1 (BGA), OID 0x01
    const name = String.fromCharCode(...Array.from({ length: 6 }, (_, i) => getBits(cid, 103 - 8 * i, 96 - 8 * i)));
    expect(name).toBe('MMCPS1');
    expect(getBits(cid, 55, 48)).toBe(0x12);
    expect(getBits(cid, 47, 16)).toBe(0xdeadbeef);
    expect(getBits(cid, 15, 12)).toBe(7);
    let year = getBits(cid, 11, 8) + 1997;
    if (year < 2010) year += 16;
    expect(year).toBe(2024);
    expect(cid[15]! & 1).toBe(1);

    const r3 = host.word(3, 1 << 16);
    expect(r1State(r3)).toBe('ident'); // the state before the command
    expect(card.state).toBe('stby');
    expect(card.rca).toBe(1);

    const csd = host.reg(9, 1 << 16);
    expect(getBits(csd, 127, 126)).toBe(3);
    expect(getBits(csd, 125, 122)).toBe(4);
    expect(getBits(csd, 73, 62)).toBe(0xfff); // > 2 GiB: the "magic" size
    expect(getBits(csd, 49, 47)).toBe(7);
    expect(getBits(csd, 83, 80)).toBe(9);
    expect(getBits(csd, 103, 96)).toBe(0x32);
    expect(getBits(csd, 95, 84) & (1 << 5)).toBeTruthy(); // erase class: Linux enables discard/trim
    expect(host.reg(10, 1 << 16)).toEqual(cid);

    expect(r1State(host.word(7, 1 << 16))).toBe('stby');
    expect(card.state).toBe('tran');

    const ext = host.read(8, 0, 512);
    expect(card.state).toBe('tran');
    const sec = ext[212]! | (ext[213]! << 8) | (ext[214]! << 16) | (ext[215]! << 24);
    expect(sec >>> 0).toBe(USER_BYTES / 512);
    expect(ext[EXT_CSD.EXT_CSD_REV]).toBe(8);
    expect(ext[EXT_CSD.CSD_STRUCTURE]).toBe(2);
    expect(ext[EXT_CSD.BOOT_SIZE_MULT]).toBe(32); // 4 MiB / 128 KiB
    expect(ext[EXT_CSD.DEVICE_TYPE]).toBe(DEVICE_TYPE.HS26 | DEVICE_TYPE.HS52 | DEVICE_TYPE.DDR52_18_3V | DEVICE_TYPE.HS200_18V);
    expect(ext[EXT_CSD.PARTITION_CONFIG]).toBe(0);
    expect(ext).toEqual(card.extCsd);
  });

  it('reports byte addressing and an exact CSD size at 2 GiB and below', () => {
    const clock = new ManualClock();
    const card = new EmmcCard({ clock, user: new SparseBackend({ size: 2 * GiB }) });
    const host = new RawHost(card, clock);
    expect(host.bringUp() & 0x4000_0000).toBe(0);
    const csd = card.csd;
    const blocks = (getBits(csd, 73, 62) + 1) * 2 ** (getBits(csd, 49, 47) + 2) * 2 ** (getBits(csd, 83, 80) - 9);
    expect(blocks * 512).toBe(2 * GiB);
    // Byte addresses: block 3 is 1536; a misaligned one is an ADDRESS_ERROR.
    expect(host.word(17, 1000) & R1.ADDRESS_ERROR).toBeTruthy();
    host.read(17, 1536, 512);
  });

  it('goes inactive on a CMD1 voltage window it cannot meet', () => {
    const { host, card, clock } = make();
    clock.advance(2_000_000);
    expect(host.cmd(1, 0x0000_0100).kind).toBe('none'); // 2.0-2.1 V only
    expect(card.state).toBe('inactive');
    expect(host.cmd(0).kind).toBe('none');
    expect(card.state).toBe('inactive');
    card.setPower(false);
    card.setPower(true);
    expect(card.state).toBe('idle');
  });
});

describe('EmmcCard card status', () => {
  it('answers nothing to an illegal command and reports ILLEGAL_COMMAND once, in the next R1', () => {
    const { host, logs } = make();
    host.bringUp();
    expect(host.cmd(2).kind).toBe('none'); // ALL_SEND_CID in tran: wrong state
    expect(logs.at(-1)).toMatch(/CMD2 ALL_SEND_CID in state tran/);
    const s = host.status();
    expect(s & R1.ILLEGAL_COMMAND).toBeTruthy();
    expect(r1State(s)).toBe('tran');
    expect(s & R1.READY_FOR_DATA).toBeTruthy();
    expect(host.status() & R1.ILLEGAL_COMMAND).toBe(0);
    expect(host.cmd(60).kind).toBe('none'); // no such command
    expect(host.status() & R1.ILLEGAL_COMMAND).toBeTruthy();
  });

  it('drops a command with a bad CRC and reports COM_CRC_ERROR once, in the next R1', () => {
    const { host, card } = make();
    host.bringUp();
    card.corruptNextCommand();
    expect(host.cmd(17, 0).kind).toBe('none');
    expect(card.state).toBe('tran');
    const s = host.status();
    expect(s & R1.COM_CRC_ERROR).toBeTruthy();
    expect(s & R1.ILLEGAL_COMMAND).toBe(0);
    expect(host.status() & R1.COM_CRC_ERROR).toBe(0);
  });

  it('answers addressed commands only for its own RCA, without flagging the others', () => {
    const { host } = make();
    host.bringUp();
    expect(host.cmd(13, 2 << 16).kind).toBe('none');
    expect(host.status() & R1.ILLEGAL_COMMAND).toBe(0);
  });

  it('deselects on CMD7 to another RCA (no response) and reselects on its own', () => {
    const { host, card } = make();
    host.bringUp();
    expect(host.cmd(7, 0).kind).toBe('none');
    expect(card.state).toBe('stby');
    expect(r1State(host.word(7, 1 << 16))).toBe('stby');
    expect(card.state).toBe('tran');
  });

  it('is silent when unpowered and forgets RCA, state and EXT_CSD modes over a power cycle', () => {
    const { host, card } = make();
    host.bringUp();
    host.switch(EXT_CSD.BUS_WIDTH, 2);
    card.setPower(false);
    expect(host.cmd(13, 1 << 16).kind).toBe('none');
    expect(host.cmd(0).kind).toBe('none');
    card.setPower(true);
    expect(card.state).toBe('idle');
    expect(card.extCsd[EXT_CSD.BUS_WIDTH]).toBe(0);
    host.clock.advance(1_000_000);
    host.bringUp();
    expect(card.state).toBe('tran');
  });

  it('resets the volatile EXT_CSD fields on CMD0 but keeps the boot configuration', () => {
    const { host, card } = make();
    host.bringUp();
    host.switch(EXT_CSD.PARTITION_CONFIG, 0x08 | 1); // boot from boot0, access boot0
    host.switch(EXT_CSD.HS_TIMING, 1);
    host.cmd(0);
    expect(card.extCsd[EXT_CSD.PARTITION_CONFIG]).toBe(0x08);
    expect(card.extCsd[EXT_CSD.HS_TIMING]).toBe(0);
    card.setPower(false);
    card.setPower(true);
    expect(card.extCsd[EXT_CSD.PARTITION_CONFIG]).toBe(0x08);
  });

  it('derives readLatencyNs from TAAC and NSAC', () => {
    const { card } = make({ timing: { taacNs: 90_000, nsacClocks: 2600 } });
    // 90 us rounds up to the TAAC code 100 us; 2600 clocks at the 26 MHz legacy clock = 100 us.
    expect(card.readLatencyNs).toBe(200_000);
    const csd = card.csd;
    expect(getBits(csd, 119, 112)).toBe((1 << 3) | 5); // mant 1.0 x 100 us
    expect(getBits(csd, 111, 104)).toBe(26);
  });
});
