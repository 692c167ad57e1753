// SPDX-License-Identifier: GPL-2.0
// tools/mmc-bridge's command line: the options, their checks (every bad value is a UsageError or
// a commander error, exit status 2) and the --help text.
import { Command, InvalidArgumentError } from 'commander';
import { parse_size } from '../../init/units.ts';
import { UsageError } from '../lib/cli.ts';
import type { gpt_part } from '../lib/mkdisk.ts';
import { FaultSpecError, parse_fault, type bridge_fault } from './faults.ts';

export type bridge_transport =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'serial'; path: string; baud: number }
  | { kind: 'pty'; link: string };

export interface bridge_options {
  image: string;
  /** --create: the size of a new image. */
  create?: number;
  gpt?: gpt_part[];
  transport: bridge_transport;
  latency_ms: number;
  faults: bridge_fault[];
  journal?: string;
}

export const DEFAULT_BAUD = 921600;

const EXAMPLES = `
Examples:
  $ tools/mmc-bridge --image card.img --create 8GiB --gpt boot:4MiB,pstore:4MiB --tcp 127.0.0.1:0
  mmc-bridge: serving card.img on tcp:127.0.0.1:40123
  $ tools/mmc-bridge --image card.img --pty /tmp/mmc0 --journal writes.jsonl
  mmc-bridge: serving card.img on serial:/tmp/mmc0
  $ tools/mmc-bridge --image card.img --serial /dev/ttyUSB0 --baud 3000000 --latency 2
  $ tools/mmc-bridge --image card.img --tcp 127.0.0.1:5555 --fault corrupt@12 --fault kill@40

The image is the card's user area; its size is the capacity (a nonzero multiple of 512). The
card is an eMMC model (boot partitions in memory) served with the mmc_serial protocol
(docs/serial-protocol.md); the ready line's last word is what the host's link option takes.
Faults count the good request frames the bridge receives, from 1, retransmissions included:
  garbage@N[:BYTES]   BYTES (default 16) noise bytes before request N's replies
  drop@N[xCOUNT]      no replies to requests N..N+COUNT-1 (they are executed)
  corrupt@N[xCOUNT]   one bit flipped in each reply frame to those requests
  stall@N             request N and all later ones are neither executed nor answered
  disconnect@N        request N is not executed; the connection is closed (pty: recreated)
  kill@N              request N is not executed; the bridge dies as if by SIGKILL
--journal appends {"part":"user","offset":N,"length":N} per write the media received, before
the reply is sent. SIGTERM or SIGINT: flush the image, print the counters, exit 0.
Exit status: 0 after SIGTERM/SIGINT, 2 on any bad input (one message on stderr).`;

const usage = (message: string): never => {
  throw new UsageError([message]);
};

/** A size in bytes ("64MiB", "8GiB", "2048s", "4096"): nonzero, whole 512-byte sectors. */
function sector_size(what: string, v: string): number {
  const n = parse_size(v);
  if (n === null || n === 0 || n % 512 !== 0) usage(`${what} '${v}': expected a nonzero size in whole 512-byte sectors, e.g. 4MiB, 1GiB, 2048s`);
  return n!;
}

function parse_gpt(v: string): gpt_part[] {
  return v.split(',').map((item) => {
    const colon = item.lastIndexOf(':');
    const name = colon < 0 ? '' : item.slice(0, colon);
    if (!name) usage(`--gpt '${item}': expected NAME:SIZE, e.g. pstore:4MiB`);
    if (name.length > 36) usage(`--gpt '${item}': a GPT name has at most 36 characters`);
    return { name, sectors: sector_size(`--gpt ${name}`, item.slice(colon + 1)) / 512 };
  });
}

function parse_tcp(v: string): { host: string; port: number } {
  const colon = v.lastIndexOf(':');
  const host = colon < 0 ? '' : v.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = /^\d{1,5}$/.test(v.slice(colon + 1)) ? Number(v.slice(colon + 1)) : -1;
  if (!host || port < 0 || port > 65535) usage(`--tcp '${v}': expected HOST:PORT, e.g. 127.0.0.1:5555 (port 0: any free port)`);
  return { host, port };
}

const int_arg = (min: number, max: number, what: string) => (v: string): number => {
  const n = /^\d+$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected ${what}, ${min}..${max}.`);
  return n;
};

const collect_fault = (v: string, prev: bridge_fault[] | undefined): bridge_fault[] => {
  try {
    return [...(prev ?? []), parse_fault(v)];
  } catch (e) {
    if (e instanceof FaultSpecError) throw new UsageError(e.messages);
    throw e;
  }
};

interface raw_options {
  image?: string;
  create?: string;
  gpt?: string;
  tcp?: string;
  serial?: string;
  pty?: string;
  baud?: number;
  latency: number;
  fault?: bridge_fault[];
  journal?: string;
}

/** Parse @argv (without node and the script); throws UsageError or CommanderError (--help too). */
export function parse_options(argv: readonly string[]): bridge_options {
  const program = new Command('tools/mmc-bridge')
    .description('Serve an eMMC card model over an image file to an mmc_serial host, on TCP, a serial port or a pseudo-terminal.')
    .option('--image <file>', 'raw image of the user area (required), opened read-write')
    .option('--create <size>', 'create the image as a sparse file of this size if it does not exist')
    .option('--gpt <name:size,...>', 'partition a newly created image with a GPT of these partitions')
    .option('--tcp <host:port>', 'listen on HOST:PORT, one connection at a time (port 0: any free port)')
    .option('--serial <path>', 'serve on a serial port (tty)')
    .option('--baud <n>', `baud rate for --serial (default ${DEFAULT_BAUD})`, int_arg(50, 100_000_000, 'a baud rate'))
    .option('--pty <link>', 'create a pseudo-terminal (with socat) whose host side is the symlink LINK')
    .option('--latency <ms>', 'delay each batch of replies by MS milliseconds', int_arg(0, 60_000, 'milliseconds'), 0)
    .option('--fault <spec>', 'inject a line fault (repeatable; see below)', collect_fault)
    .option('--journal <file>', 'append a JSON line for every write the card media received')
    .addHelpText('after', EXAMPLES)
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  program.parse(argv, { from: 'user' });
  const o = program.opts<raw_options>();
  if (!o.image) usage('--image FILE is required');
  const given = (['tcp', 'serial', 'pty'] as const).filter((k) => o[k] !== undefined);
  if (given.length !== 1)
    usage(given.length ? `give one transport, not ${given.map((k) => `--${k}`).join(' and ')}` : 'give a transport: --tcp HOST:PORT, --serial PATH or --pty LINK');
  if (o.baud !== undefined && given[0] !== 'serial') usage('--baud applies to --serial only');
  const transport: bridge_transport =
    given[0] === 'tcp'
      ? { kind: 'tcp', ...parse_tcp(o.tcp!) }
      : given[0] === 'serial'
        ? { kind: 'serial', path: o.serial!, baud: o.baud ?? DEFAULT_BAUD }
        : { kind: 'pty', link: o.pty! };
  return {
    image: o.image!,
    ...(o.create !== undefined ? { create: sector_size('--create', o.create) } : {}),
    ...(o.gpt !== undefined ? { gpt: parse_gpt(o.gpt) } : {}),
    transport,
    latency_ms: o.latency,
    faults: o.fault ?? [],
    ...(o.journal !== undefined ? { journal: o.journal } : {}),
  };
}
