// The bridge device over a real TCP connection on loopback: the handshake and a command answered
// across the socket, the request sent in pieces with garbage in front.
import { createServer, connect, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { EmmcCard } from '../../hw/sd/emmc.ts';
import { SparseBackend } from '../../hw/block/sparse.ts';
import { VirtualClock } from '../../kernel/time/clock.ts';
import { FrameDecoder, encode_frame } from '../../lib/mmc_serial/frame.ts';
import { decode_message, encode_message, POWER_ON, type serial_message } from '../../lib/mmc_serial/messages.ts';
import { BridgeDevice } from './device.ts';
import { serve_stream } from './serve.ts';

describe('serve_stream over TCP', () => {
  it('answers HELLO and POWER sent in pieces after garbage, reply by reply', async () => {
    const clock = new VirtualClock();
    const card = new EmmcCard({ clock, user: new SparseBackend({ size: 64 << 20 }), poweredOn: false });
    const device = new BridgeDevice(card, clock);
    const server = createServer((socket) => serve_stream(device, socket));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    try {
      const decoder = new FrameDecoder();
      const replies: serial_message[] = [];
      const got = new Promise<void>((resolve) =>
        socket.on('data', (b: Uint8Array) => {
          for (const f of decoder.push(b)) if (f.kind === 'frame') replies.push(decode_message(f.type, f.payload) as serial_message);
          if (replies.length === 2) resolve();
        }),
      );
      const frame = (seq: number, m: serial_message) => {
        const { type, payload } = encode_message(m);
        return encode_frame(type, seq, 0, payload);
      };
      const hello = frame(1, { type: 'hello', version: 1, max_payload: 4100 });
      const power = frame(2, { type: 'power', op: POWER_ON });
      const bytes = new Uint8Array([0x00, 0xa5, 0x13, ...hello, ...power]);
      for (let i = 0; i < bytes.length; i += 5) socket.write(bytes.subarray(i, i + 5));
      await got;
      expect(replies.map((r) => r.type)).toEqual(['hello_ack', 'ack']);
      expect(device.counters.garbage_bytes).toBe(3);
      expect(card.powered).toBe(true);
    } finally {
      socket.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});
