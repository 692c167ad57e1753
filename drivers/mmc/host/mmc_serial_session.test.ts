// The host end of the link against the bridge's device end, over an in-process line that can
// lose, corrupt and pad replies: retransmission with the same seq answered from the device's
// cache, bounded silence ending in -ETIMEDOUT, stale replies dropped, HELLO after a reconnect.
import { describe, expect, it } from 'vitest';
import { EIO, ETIMEDOUT } from '../../../include/linux/errno.h.ts';
import { SparseBackend } from '../../../hw/block/sparse.ts';
import { EmmcCard } from '../../../hw/sd/emmc.ts';
import { VirtualClock } from '../../../kernel/time/clock.ts';
import { FRAME_RETRANSMIT, FrameDecoder } from '../../../lib/mmc_serial/frame.ts';
import { LoopLink, type loop_peer } from '../../../lib/mmc_serial/loop_link.ts';
import { MSG_HELLO, POWER_ON, RSP_NONE, RSP_R3, cmd_message } from '../../../lib/mmc_serial/messages.ts';
import { BridgeDevice } from '../../../tools/bridge/device.ts';
import { mmc_serial_session } from './mmc_serial_session.ts';

/** What the line does to the device's replies to the n-th request frame (1-based). */
type line_fault = (n: number, replies: readonly Uint8Array[]) => readonly Uint8Array[];

const setup = (fault: line_fault = (_n, r) => r) => {
  const clock = new VirtualClock();
  const card = new EmmcCard({ clock, user: new SparseBackend({ size: 64 << 20 }), poweredOn: false });
  const device = new BridgeDevice(card, clock);
  const sent: { type: number; seq: number; flags: number }[] = [];
  const watch = new FrameDecoder();
  const peer: loop_peer = (bytes) => {
    for (const f of watch.push(bytes)) if (f.kind === 'frame') sent.push({ type: f.type, seq: f.seq, flags: f.flags });
    return { replies: fault(sent.length, device.receive(bytes)) };
  };
  const link = new LoopLink(peer);
  const s = new mmc_serial_session(link, { reply_timeout_ms: 100, retries: 3 });
  return { card, device, link, s, sent };
};

const CMD1 = cmd_message(1, RSP_R3, 0x40ff8080);

const flip = (f: Uint8Array): Uint8Array => {
  const g = f.slice();
  g[g.length - 5]! ^= 0x10;
  return g;
};

describe('mmc_serial_session', () => {
  it('says HELLO first, then numbers requests and returns their replies', () => {
    const { s, sent, card } = setup();
    expect(s.transact({ type: 'power', op: POWER_ON }).err).toBe(0);
    const ex = s.transact(CMD1);
    expect(ex.err).toBe(0);
    expect(ex.replies[0]).toMatchObject({ type: 'cmd_resp', status: 0 });
    expect(sent.map((f) => [f.type, f.seq])).toEqual([[MSG_HELLO, 1], [0x02, 2], [0x04, 3]]);
    expect(s.device).toMatchObject({ version: 1, max_blocks: 128 });
    expect(card.powered).toBe(true);
  });

  it('skips garbage in front of a reply', () => {
    const { s } = setup((n, r) => (n === 2 ? [Uint8Array.of(0x00, 0xa5, 0x13, 0x5a), ...r] : r));
    expect(s.transact({ type: 'power', op: POWER_ON }).err).toBe(0);
    expect(s.stats.garbage_bytes).toBe(4);
    expect(s.stats.retransmits).toBe(0);
  });

  it('resends a request whose reply came corrupt, and the device answers from its cache without running it again', () => {
    const { s, sent, device } = setup((n, r) => (n === 3 ? r.map(flip) : r));
    s.transact({ type: 'power', op: POWER_ON });
    const ex = s.transact(CMD1);
    expect(ex.err).toBe(0);
    expect(ex.replies[0]).toMatchObject({ type: 'cmd_resp', status: 0 });
    expect(sent.slice(2).map((f) => [f.seq, f.flags & FRAME_RETRANSMIT])).toEqual([[3, 0], [3, FRAME_RETRANSMIT]]);
    expect(s.stats).toMatchObject({ bad_crc: 1, retransmits: 1 });
    expect(device.counters.duplicates).toBe(1);
  });

  it('fails with -ETIMEDOUT after the retries when every reply is lost, having waited each timeout', () => {
    const { s, sent } = setup((n, r) => (n >= 3 ? [] : r));
    s.transact({ type: 'power', op: POWER_ON });
    const ex = s.transact(CMD1);
    expect(ex.err).toBe(-ETIMEDOUT);
    expect(ex.waited_ms).toBe(400);
    expect(sent.length).toBe(2 + 4);
    expect(s.stats.timeouts).toBe(1);
  });

  it('says HELLO again after a request that got no reply at all', () => {
    const { s, sent } = setup((n, r) => (n >= 3 && n <= 6 ? [] : r));
    s.transact({ type: 'power', op: POWER_ON });
    expect(s.transact(CMD1).err).toBe(-ETIMEDOUT);
    expect(s.transact(CMD1).err).toBe(0);
    expect(sent.slice(6).map((f) => f.type)).toEqual([MSG_HELLO, 0x04]);
  });

  it('drops a late reply to an earlier request', () => {
    let held: readonly Uint8Array[] = [];
    const { s } = setup((n, r) => {
      if (n === 2) {
        held = r;
        return [];
      }
      return n === 4 ? [...held, ...r] : r;
    });
    expect(s.transact({ type: 'power', op: POWER_ON }).err).toBe(0);
    const ex = s.transact(CMD1);
    expect(ex.err).toBe(0);
    expect(ex.replies).toEqual([expect.objectContaining({ type: 'cmd_resp' })]);
    expect(s.stats).toMatchObject({ stale: 1, retransmits: 1 });
  });

  it('gives a dropped link one timeout to come back, fails with -EIO if it does not, and resynchronises once it is back', () => {
    const { s, link, sent } = setup();
    s.transact({ type: 'power', op: POWER_ON });
    link.up = false;
    const ex = s.transact(cmd_message(0, RSP_NONE));
    expect(ex).toMatchObject({ err: -EIO, waited_ms: 100 });
    link.reconnect();
    expect(s.transact(CMD1).err).toBe(0);
    expect(sent.slice(2).map((f) => f.type)).toEqual([MSG_HELLO, 0x04]);
    expect(s.stats.resyncs).toBe(1);
  });
});
