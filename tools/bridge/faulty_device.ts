// SPDX-License-Identifier: GPL-2.0
// A BridgeDevice behind a FaultPlan: finds each good request frame on the line, numbers it, and
// executes it, withholds it or ends the link as the plan says, shaping the replies. Pure.
import { FrameDecoder, encode_frame } from '../../lib/mmc_serial/frame.ts';
import type { BridgeDevice } from './device.ts';
import type { FaultPlan } from './faults.ts';

/** What the transport must do after sending @replies: nothing, close the link, or die. */
export type link_action = 'none' | 'disconnect' | 'kill';

export interface faulty_result {
  replies: Uint8Array[];
  action: link_action;
}

/**
 * The line is decoded here, not in the BridgeDevice: each good frame is re-encoded (the same
 * bytes) and fed alone, so every device.receive() call answers exactly one request and the reply
 * can be attributed to it. Feeding raw slices would not do: a bad header whose claimed length
 * reaches past the next good frame makes a receiver hold that frame until later bytes arrive.
 * What the device's decoder would have counted (garbage, bad CRC, oversize) is added to its
 * counters instead, so they read as if it had seen the raw line.
 */
export class FaultyDevice {
  /** Good request frames seen so far: the index of the last one. */
  requests = 0;
  private decoder = new FrameDecoder();

  constructor(
    readonly device: BridgeDevice,
    readonly plan: FaultPlan,
  ) {}

  /** Bytes from the link; the frames to send, in order, and what to do afterwards. */
  receive(bytes: Uint8Array): faulty_result {
    const replies: Uint8Array[] = [];
    const c = this.device.counters;
    for (const d of this.decoder.push(bytes)) {
      if (d.kind === 'garbage') c.garbage_bytes += d.bytes;
      else if (d.kind === 'bad_crc') c.bad_crc++;
      else if (d.kind === 'oversize') c.oversize++;
      else {
        const index = ++this.requests;
        const action = this.plan.on_request(index);
        if (action === 'stall') continue;
        if (action !== 'execute') {
          // The link ends here: what followed this request on it is gone too.
          this.end_link();
          return { replies, action };
        }
        const out = this.device.receive(encode_frame(d.type, d.seq, d.flags, d.payload));
        replies.push(...this.plan.shape(index, out));
      }
    }
    return { replies, action: 'none' };
  }

  /** The connection ended: a partial frame on it will never be completed. */
  end_link(): void {
    this.decoder = new FrameDecoder();
  }
}
