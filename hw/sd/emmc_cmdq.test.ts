import { describe, expect, it } from 'vitest';
import { SparseBackend } from '../block/sparse.ts';
import { EmmcCard } from './emmc.ts';
import { EXT_CSD } from './emmc_ext_csd.ts';
import { R1, r1State } from './emmc_status.ts';
import { ManualClock, RawHost } from './emmc_testing.ts';

/** CMD44 argument: read (DD = 1) or write, task ID, block count. */
const params = (id: number, blocks: number, read: boolean): number => ((read ? 1 << 30 : 0) | (id << 16) | blocks) >>> 0;
const SQS = 1 << 15;

const make = () => {
  const clock = new ManualClock();
  const user = new SparseBackend({ size: 8 * 1024 ** 3 });
  const card = new EmmcCard({ clock, user, cmdq: { depth: 16 } });
  const host = new RawHost(card, clock);
  host.bringUp();
  host.write(64, new Uint8Array(4 * 512).fill(0x3c));
  expect(card.extCsd[EXT_CSD.CMDQ_SUPPORT]).toBe(1);
  expect(card.extCsd[EXT_CSD.CMDQ_DEPTH]).toBe(15);
  expect(host.switch(EXT_CSD.CMDQ_MODE_EN, 1) & R1.SWITCH_ERROR).toBe(0);
  return { clock, card, host, user };
};

describe('EmmcCard command queue', () => {
  it('makes legacy data commands illegal while queueing is on', () => {
    const { host, card } = make();
    expect(host.cmd(17, 64).kind).toBe('none');
    expect(host.status() & R1.ILLEGAL_COMMAND).toBeTruthy();
    expect(host.cmd(23, 1).kind).toBe('none');
    expect(host.status() & R1.ILLEGAL_COMMAND).toBeTruthy();
    expect(card.state).toBe('tran');
  });

  it('queues tasks, reports them in the QSR, executes one and discards the rest', () => {
    const { host, card, user } = make();
    host.word(44, params(3, 4, true));
    host.word(45, 64);
    host.word(44, params(5, 2, false));
    host.word(45, 900);
    host.word(44, params(9, 1, true));
    host.word(45, 0);
    expect(host.word(13, (1 << 16) | SQS)).toBe((1 << 3) | (1 << 5) | (1 << 9));
    // Non-queue commands wait for an empty queue.
    expect(host.cmd(6, (3 << 24) | (EXT_CSD.CMDQ_MODE_EN << 16)).kind).toBe('none');
    expect(host.status() & R1.ILLEGAL_COMMAND).toBeTruthy();
    // A task ID in use, or executing a write task as a read, is refused.
    expect(host.cmd(44, params(3, 1, true)).kind).toBe('none');
    expect(host.cmd(46, 5 << 16).kind).toBe('none');

    expect(r1State(host.word(46, 3 << 16))).toBe('tran');
    expect(card.state).toBe('data');
    const buf = new Uint8Array(4 * 512);
    expect(card.readData(buf)).toBe(buf.length);
    expect(buf.every((b) => b === 0x3c)).toBe(true);
    expect(card.state).toBe('tran');
    expect(host.word(13, (1 << 16) | SQS)).toBe((1 << 5) | (1 << 9));

    host.word(48, (9 << 16) | 2); // discard task 9
    expect(host.word(13, (1 << 16) | SQS)).toBe(1 << 5);
    host.word(48, 1); // discard the queue
    expect(host.word(13, (1 << 16) | SQS)).toBe(0);
    expect(host.cmd(47, 5 << 16).kind).toBe('none');
    const d = new Uint8Array(512);
    user.read(900 * 512, d);
    expect(d.every((b) => b === 0)).toBe(true);
    // With the queue empty, CMD6 is legal again.
    expect(host.switch(EXT_CSD.CMDQ_MODE_EN, 0) & R1.SWITCH_ERROR).toBe(0);
    host.read(17, 64, 512);
  });

  it('runs a queued write with programming busy', () => {
    const { host, card, user } = make();
    host.word(44, params(0, 2, false));
    host.word(45, 4096);
    host.word(47, 0);
    expect(card.state).toBe('rcv');
    expect(card.writeData(new Uint8Array(1024).fill(0xd0))).toBe(1024);
    expect(card.busy).toBe(true);
    host.waitBusy();
    expect(card.state).toBe('tran');
    const d = new Uint8Array(1024);
    user.read(4096 * 512, d);
    expect(d.every((b) => b === 0xd0)).toBe(true);
    expect(host.word(13, (1 << 16) | SQS)).toBe(0);
  });

  it('refuses queue commands while queueing is off', () => {
    const { host } = make();
    host.switch(EXT_CSD.CMDQ_MODE_EN, 0);
    expect(host.cmd(44, params(0, 1, true)).kind).toBe('none');
    expect(host.status() & R1.ILLEGAL_COMMAND).toBeTruthy();
  });
});
