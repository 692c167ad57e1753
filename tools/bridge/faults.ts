// SPDX-License-Identifier: GPL-2.0
// Line faults for a bridge device, as tools/mmc-bridge --fault spells them: which request is not
// executed, which replies are lost, corrupted or preceded by noise. Pure (no Node APIs, no
// transport), so in-process tests and the simulated machine can inject the same faults.
import { FRAME_OVERHEAD, HEADER_LEN, SOF0 } from '../../lib/mmc_serial/frame.ts';

/** One fault; @at is the 1-based index of a good request frame the device received. */
export type bridge_fault =
  | { kind: 'garbage'; at: number; bytes: number }
  | { kind: 'drop' | 'corrupt'; at: number; count: number }
  | { kind: 'stall' | 'disconnect' | 'kill'; at: number };

/** What to do with a request: run it, or not (stall: silently; disconnect/kill: end the link/process). */
export type request_action = 'execute' | 'stall' | 'disconnect' | 'kill';

export const FAULT_FORMS = 'garbage@N[:BYTES], drop@N[xCOUNT], corrupt@N[xCOUNT], stall@N, disconnect@N, kill@N (N, COUNT, BYTES >= 1)';

/** A fault spec that does not parse. Same shape as tools/lib/cli.ts UsageError, which needs Node. */
export class FaultSpecError extends Error {
  readonly messages: readonly string[];
  constructor(message: string) {
    super(message);
    this.messages = [message];
  }
}

const DEFAULT_GARBAGE = 16;
const MAX_GARBAGE = 1 << 20;
const SPEC = /^(garbage|drop|corrupt|stall|disconnect|kill)@(\d+)(?:(:|x)(\d+))?$/;

/** Parse one --fault spec; throws FaultSpecError naming the spec and the accepted forms. */
export function parse_fault(spec: string): bridge_fault {
  const bad = (why: string): never => {
    throw new FaultSpecError(`--fault '${spec}': ${why}; accepted: ${FAULT_FORMS}`);
  };
  const m = SPEC.exec(spec.trim());
  if (!m) return bad('not a fault spec');
  const kind = m[1]!;
  const at = Number(m[2]);
  const sep = m[3];
  const arg = m[4] === undefined ? undefined : Number(m[4]);
  if (!Number.isSafeInteger(at) || at < 1) bad('N must be a request index >= 1');
  if (arg !== undefined && (!Number.isSafeInteger(arg) || arg < 1)) bad('the count must be >= 1');
  switch (kind) {
    case 'garbage':
      if (sep === 'x') bad('garbage takes :BYTES, not xCOUNT');
      if (arg !== undefined && arg > MAX_GARBAGE) bad(`at most ${MAX_GARBAGE} garbage bytes`);
      return { kind, at, bytes: arg ?? DEFAULT_GARBAGE };
    case 'drop':
    case 'corrupt':
      if (sep === ':') bad(`${kind} takes xCOUNT, not :BYTES`);
      return { kind, at, count: arg ?? 1 };
    default:
      if (sep !== undefined) bad(`${kind} takes no count`);
      return { kind: kind as 'stall' | 'disconnect' | 'kill', at };
  }
}

/** @n bytes of line noise, none of them SOF0 (so a receiver counts every one as garbage). */
export function garbage_bytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const b = (0x11 + 0x3b * i) & 0xff;
    out[i] = b === SOF0 ? 0x00 : b;
  }
  return out;
}

/**
 * A copy of reply @frame with one bit flipped where the CRC covers it but the length field does
 * not (a payload byte, or the type byte of an empty frame), so a receiver sees a bad CRC at once.
 */
export function corrupt_frame(frame: Uint8Array): Uint8Array {
  const out = frame.slice();
  const payload = frame.length - FRAME_OVERHEAD;
  const at = payload > 0 ? 2 + HEADER_LEN + (payload >> 1) : 2;
  out[at]! ^= 0x10;
  return out;
}

/**
 * The faults of one bridge run. For each good request frame, in order, the device asks
 * on_request(index) whether to execute it and, if executed, passes its reply frames through
 * shape(index, replies) before sending them. Precedence for one index: kill, disconnect, stall.
 */
export class FaultPlan {
  readonly faults: readonly bridge_fault[];

  constructor(faults: readonly bridge_fault[]) {
    this.faults = [...faults];
  }

  on_request(index: number): request_action {
    const at = (kind: bridge_fault['kind']) => this.faults.some((f) => f.kind === kind && f.at === index);
    if (at('kill')) return 'kill';
    if (at('disconnect')) return 'disconnect';
    if (this.faults.some((f) => f.kind === 'stall' && index >= f.at)) return 'stall';
    return 'execute';
  }

  /** The bytes to send for request @index's @replies: corrupted, dropped, garbage in front. */
  shape(index: number, replies: readonly Uint8Array[]): Uint8Array[] {
    const hits = (kind: 'drop' | 'corrupt') =>
      this.faults.some((f) => f.kind === kind && index >= f.at && index < f.at + f.count);
    let out = hits('corrupt') ? replies.map(corrupt_frame) : [...replies];
    if (hits('drop')) out = [];
    let noise = 0;
    for (const f of this.faults) if (f.kind === 'garbage' && f.at === index) noise += f.bytes;
    return noise > 0 ? [garbage_bytes(noise), ...out] : out;
  }
}
