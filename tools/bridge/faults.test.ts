// SPDX-License-Identifier: GPL-2.0
// Fault specs and FaultyDevice: each fault does exactly what it says to the request it names,
// requests are numbered as the device sees them, and the device's counters still see the line.
import { describe, expect, it } from 'vitest';
import { SparseBackend } from '../../hw/block/sparse.ts';
import { EmmcCard } from '../../hw/sd/emmc.ts';
import { VirtualClock } from '../../kernel/time/clock.ts';
import { SERIAL_OK } from '../../lib/mmc_serial/errors.ts';
import { FRAME_RETRANSMIT, FrameDecoder, encode_frame, type decoded } from '../../lib/mmc_serial/frame.ts';
import {
  CMD_DATA_WRITE,
  CMD_WAIT_BUSY,
  POWER_ON,
  RSP_NONE,
  RSP_R1,
  RSP_R1B,
  RSP_R2,
  RSP_R3,
  STATE_DATA_OUT,
  cmd_message,
  decode_message,
  encode_message,
  type serial_message,
} from '../../lib/mmc_serial/messages.ts';
import { BridgeDevice } from './device.ts';
import { FaultPlan, FaultSpecError, parse_fault } from './faults.ts';
import { FaultyDevice, type link_action } from './faulty_device.ts';
import { concat_bytes } from '../testing/bytes.ts';

const RCA = 1;
const status: serial_message = { type: 'status' };

/** A card brought to transfer state directly on the device; faults apply from request 1 on. */
function make(specs: string[]) {
  const clock = new VirtualClock();
  const user = new SparseBackend({ size: 64 << 20 });
  const card = new EmmcCard({ clock, user, poweredOn: false });
  const dev = new BridgeDevice(card, clock);
  const host = new Host();
  const direct = (m: serial_message) => dev.receive(host.frame(m));
  direct({ type: 'hello', version: 1, max_payload: 4100 });
  direct({ type: 'power', op: POWER_ON });
  clock.advance_to(clock.now + 2_000_000); // past the 1 ms power-up
  direct(cmd_message(0, RSP_NONE));
  direct(cmd_message(1, RSP_R3, 0x40ff8080));
  direct(cmd_message(2, RSP_R2));
  direct(cmd_message(3, RSP_R1, RCA << 16));
  direct(cmd_message(7, RSP_R1B, RCA << 16, { flags: CMD_WAIT_BUSY }));
  expect(card.state).toBe('tran');
  const faulty = new FaultyDevice(dev, new FaultPlan(specs.map(parse_fault)));
  return { clock, user, card, dev, faulty, host };
}

interface heard {
  reports: decoded[];
  messages: (serial_message & { seq: number })[];
  action: link_action;
}

/** Encodes requests, and decodes what came back as a host's receiver would. */
class Host {
  seq = 100;
  frame(m: serial_message, seq = ++this.seq, flags = 0): Uint8Array {
    const { type, payload } = encode_message(m);
    return encode_frame(type, seq, flags, payload);
  }
  line(faulty: FaultyDevice, bytes: Uint8Array): heard {
    const { replies, action } = faulty.receive(bytes);
    const dec = new FrameDecoder();
    const reports = replies.flatMap((r) => dec.push(r));
    const messages = reports.flatMap((d) => {
      if (d.kind !== 'frame') return [];
      const m = decode_message(d.type, d.payload);
      if ('error' in m) throw new Error(m.error);
      return [{ ...m, seq: d.seq }];
    });
    return { reports, messages, action };
  }
  send(faulty: FaultyDevice, m: serial_message): heard {
    return this.line(faulty, this.frame(m));
  }
}

describe('parse_fault', () => {
  it('parses every form with its defaults', () => {
    expect(parse_fault('garbage@3')).toEqual({ kind: 'garbage', at: 3, bytes: 16 });
    expect(parse_fault('garbage@1:7')).toEqual({ kind: 'garbage', at: 1, bytes: 7 });
    expect(parse_fault('drop@3x2')).toEqual({ kind: 'drop', at: 3, count: 2 });
    expect(parse_fault('drop@5')).toEqual({ kind: 'drop', at: 5, count: 1 });
    expect(parse_fault('corrupt@2')).toEqual({ kind: 'corrupt', at: 2, count: 1 });
    expect(parse_fault('stall@4')).toEqual({ kind: 'stall', at: 4 });
    expect(parse_fault('disconnect@9')).toEqual({ kind: 'disconnect', at: 9 });
    expect(parse_fault('kill@12')).toEqual({ kind: 'kill', at: 12 });
  });

  it('refuses anything else, naming the spec and the accepted forms', () => {
    for (const bad of ['', 'drop', 'drop@0', 'drop@x2', 'drop@2x0', 'garbage@2x3', 'drop@2:3', 'stall@2x2', 'kill@-1', 'explode@3', 'garbage@1:99999999'])
      expect(() => parse_fault(bad), bad).toThrow(FaultSpecError);
    expect(() => parse_fault('drop@0')).toThrow(/--fault 'drop@0'.*garbage@N\[:BYTES\].*kill@N/);
  });
});

describe('FaultyDevice', () => {
  it('without faults answers every request, counting retransmissions as requests', () => {
    const { faulty, host } = make([]);
    const f = host.frame(cmd_message(13, RSP_R1, RCA << 16));
    expect(host.line(faulty, f).messages).toMatchObject([{ type: 'cmd_resp', status: SERIAL_OK }]);
    expect(host.line(faulty, f).messages).toMatchObject([{ type: 'cmd_resp', status: SERIAL_OK }]);
    expect(faulty.requests).toBe(2);
    expect(faulty.device.counters.duplicates).toBe(1);
  });

  it('corrupt@2: request 2’s reply fails CRC; its retransmission gets the cached, intact reply', () => {
    const { faulty, host, dev } = make(['corrupt@2']);
    expect(host.send(faulty, status).messages).toHaveLength(1);
    const m = cmd_message(13, RSP_R1, RCA << 16);
    const first = host.frame(m);
    const heard = host.line(faulty, first);
    expect(heard.messages).toEqual([]);
    // The receiver rejects it and rescans: the rest of the frame is garbage.
    expect(heard.reports).toMatchObject([{ kind: 'bad_crc', seq: host.seq }, { kind: 'garbage', bytes: 12 + 20 - 2 }]); // CMD_RESP frame less its SOF
    const again = host.line(faulty, host.frame(m, host.seq, FRAME_RETRANSMIT));
    expect(again.messages).toMatchObject([{ type: 'cmd_resp', status: SERIAL_OK, seq: host.seq }]);
    expect(dev.counters.duplicates).toBe(1);
  });

  it('drop@3x2 drops the replies to requests 3 and 4 only, which still run', () => {
    const { faulty, host, dev } = make(['drop@3x2']);
    const frames0 = dev.counters.frames;
    const counts = [1, 2, 3, 4, 5].map(() => host.send(faulty, status).messages.length);
    expect(counts).toEqual([1, 1, 0, 0, 1]);
    expect(dev.counters.frames - frames0).toBe(5);
  });

  it('garbage@1:7 puts 7 noise bytes before request 1’s reply, which still decodes', () => {
    const { faulty, host } = make(['garbage@1:7', 'garbage@2']);
    const one = host.send(faulty, status);
    expect(one.reports.map((r) => r.kind)).toEqual(['garbage', 'frame']);
    expect(one.reports[0]).toEqual({ kind: 'garbage', bytes: 7 });
    expect(one.messages).toMatchObject([{ type: 'status_resp', seq: host.seq }]);
    expect(host.send(faulty, status).reports[0]).toEqual({ kind: 'garbage', bytes: 16 });
    expect(host.send(faulty, status).reports.map((r) => r.kind)).toEqual(['frame']);
  });

  it('stall@4: the CMD24 data (request 4) never reaches the card, and nothing is answered after', () => {
    const { faulty, host, dev, user } = make(['stall@4']);
    expect(host.send(faulty, cmd_message(13, RSP_R1, RCA << 16)).messages).toHaveLength(1);
    const write = host.send(faulty, cmd_message(24, RSP_R1, 0x10000, { flags: CMD_DATA_WRITE | CMD_WAIT_BUSY, blksz: 512, blocks: 1 }));
    expect(write.messages).toMatchObject([{ type: 'cmd_resp', status: SERIAL_OK }]);
    const cmd_seq = host.seq;
    expect(host.send(faulty, status).messages).toMatchObject([{ type: 'status_resp', state: STATE_DATA_OUT }]);
    const frames = dev.counters.frames;
    const data = new Uint8Array(512).fill(0x5c);
    expect(host.send(faulty, { type: 'data', cmd_seq, block_index: 0, data })).toMatchObject({ messages: [], action: 'none' });
    expect(host.send(faulty, status).messages).toEqual([]);
    expect(faulty.requests).toBe(5);
    expect(dev.counters.frames).toBe(frames);
    expect(dev.counters.blocks_written).toBe(0);
    const stored = new Uint8Array(512);
    user.read(0x10000, stored);
    expect(stored.every((b) => b === 0)).toBe(true);
  });

  it('disconnect@2 ends the link at request 2: neither it nor what followed on the line runs', () => {
    const { faulty, host, dev } = make(['disconnect@2']);
    const frames = dev.counters.frames;
    const line = concat_bytes(host.frame(status), host.frame(cmd_message(13, RSP_R1, RCA << 16)), host.frame(status));
    const heard = host.line(faulty, line);
    expect(heard.action).toBe('disconnect');
    expect(heard.messages.map((m) => m.type)).toEqual(['status_resp']);
    expect(dev.counters.frames - frames).toBe(1);
    // The next connection: numbering goes on.
    expect(host.send(faulty, status)).toMatchObject({ action: 'none', messages: [{ type: 'status_resp' }] });
    expect(faulty.requests).toBe(3);
  });

  it('kill@1 asks for the process to die without running the request', () => {
    const { faulty, host, card } = make(['kill@1']);
    const heard = host.send(faulty, cmd_message(6, RSP_R1B, 0x03b90100)); // a SWITCH would leave the card busy
    expect(heard).toMatchObject({ action: 'kill', messages: [] });
    expect(card.busy).toBe(false);
  });

  it('keeps the device counters of the raw line and the replies attributed past a truncated frame', () => {
    const { faulty, host, dev } = make(['drop@2']);
    const c0 = { ...dev.counters };
    // A header claiming 30 payload bytes, cut short: it can be judged only after bytes that come
    // after the next good frame, yet each good frame must be answered as itself.
    const truncated = Uint8Array.from([0xa5, 0x5a, 0x06, 0x00, 0x01, 0x00, 30, 0x00, 1, 2, 3]);
    const frames = [1, 2, 3, 4].map(() => host.frame(status));
    const seqs = [host.seq - 3, host.seq - 2, host.seq - 1, host.seq];
    const noise = Uint8Array.from([0x00, 0x13, 0xff]);
    const heard = host.line(faulty, concat_bytes(noise, truncated, ...frames));
    expect(heard.messages.map((m) => m.seq)).toEqual([seqs[0], seqs[2], seqs[3]]);
    expect(dev.counters.frames - c0.frames).toBe(4);
    expect(dev.counters.bad_crc - c0.bad_crc).toBe(1);
    expect(dev.counters.garbage_bytes - c0.garbage_bytes).toBe(3 + truncated.length - 2);
  });
});
