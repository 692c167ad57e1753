// SPDX-License-Identifier: GPL-2.0
// A bridge device on a byte stream: whatever carries the line (a TCP socket, a serial port, a
// pseudo-terminal) hands its bytes to the device and sends back the reply frames, in order.
import type { Duplex } from 'node:stream';
import type { BridgeDevice } from './device.ts';

/** Serve @device on @stream until the stream ends. */
export const serve_stream = (device: BridgeDevice, stream: Duplex): void => {
  stream.on('data', (bytes: Uint8Array) => {
    for (const frame of device.receive(bytes)) stream.write(frame);
  });
};
