// SPDX-License-Identifier: GPL-2.0
// tools/mmc-bridge: the device end of docs/serial-protocol.md as a process. Serves our eMMC card
// model over an image file on TCP, a serial port or a pty, with optional latency and line faults.
import { openSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { BlockBackend } from '../include/hw/block.h.ts';
import { FileBackend } from '../hw/block/file.ts';
import { MonitoredBackend } from '../hw/block/monitor.ts';
import { SparseBackend } from '../hw/block/sparse.ts';
import { EmmcCard } from '../hw/sd/emmc.ts';
import { VirtualClock } from '../kernel/time/clock.ts';
import { BridgeDevice } from './bridge/device.ts';
import { FaultPlan } from './bridge/faults.ts';
import { FaultyDevice } from './bridge/faulty_device.ts';
import { check_image, open_image } from './bridge/image.ts';
import { parse_options, type bridge_transport } from './bridge/options.ts';
import { open_pty } from './bridge/pty.ts';
import { open_serial, open_tcp, os_reason, type link, type transport, type transport_log } from './bridge/transports.ts';
import { run_cli, UsageError } from './lib/cli.ts';

const NAME = 'mmc-bridge';
const BOOT_BYTES = 4 << 20;

const log: transport_log = {
  note: (m) => void process.stderr.write(`${NAME}: ${m}\n`),
  fatal: (m) => {
    process.stderr.write(`${NAME}: ${m}\n`);
    process.exit(1);
  },
};

const open_transport = (t: bridge_transport): Promise<transport> =>
  t.kind === 'tcp' ? open_tcp(t.host, t.port, log) : t.kind === 'serial' ? open_serial(t.path, t.baud, log) : open_pty(t.link, log);

/** --journal: one JSON line per media write, written before the reply that could report it. */
function open_journal(path: string): (part: string) => (offset: number, length: number) => void {
  let fd: number;
  try {
    fd = openSync(path, 'a');
  } catch (e) {
    throw new UsageError([`--journal ${path}: cannot open: ${os_reason(e)}`]);
  }
  return (part) => (offset, length) => void writeSync(fd, `${JSON.stringify({ part, offset, length })}\n`);
}

async function main(argv: readonly string[]): Promise<void> {
  const o = parse_options(argv);
  const plan = check_image(o.image, o.create, o.gpt, log.note);
  // The line first: if it cannot be served, a new image is not even created, nor a new journal
  // (opening it first left an empty one behind a line that failed).
  const line = await open_transport(o.transport);
  let file;
  let journal: ReturnType<typeof open_journal> | null;
  try {
    journal = o.journal === undefined ? null : open_journal(o.journal);
    file = open_image(plan);
  } catch (e) {
    await line.shutdown();
    throw e;
  }
  const image = new FileBackend({ file });
  const watch = (b: BlockBackend, part: string): BlockBackend => (journal ? new MonitoredBackend(b, journal(part)) : b);
  // The virtual clock follows real time, so a host polling CMD1 or STATUS sees the card get
  // ready; the device's own waits (busy, power cycle) move it ahead, never back.
  const clock = new VirtualClock();
  const t0 = performance.now();
  const card = new EmmcCard({
    clock,
    user: watch(image, 'user'),
    boot0: watch(new SparseBackend({ size: BOOT_BYTES }), 'boot0'),
    boot1: watch(new SparseBackend({ size: BOOT_BYTES }), 'boot1'),
    poweredOn: false,
  });
  const device = new BridgeDevice(card, clock);
  const faulty = new FaultyDevice(device, new FaultPlan(o.faults));
  const dying = new WeakSet<link>();

  // No fsync after each DATA_END: a write() reached the file (the page cache) before the reply
  // was built, so it survives the bridge being killed; fsync only guards against the machine
  // running the bridge losing power, which is not the card's power loss the bridge models
  // (that is POWER OFF) and would cost a disk flush per request. Clean ends do flush.
  line.serve({
    data(l, bytes) {
      if (dying.has(l)) return;
      clock.advance_to(Math.round((performance.now() - t0) * 1e6));
      const { replies, action } = faulty.receive(bytes);
      if (action === 'kill') return void process.kill(process.pid, 'SIGKILL');
      if (action === 'disconnect') dying.add(l);
      const deliver = () => {
        for (const r of replies) l.send(r);
        if (action === 'disconnect') l.close();
      };
      if (o.latency_ms > 0) setTimeout(deliver, o.latency_ms);
      else deliver();
    },
    ended() {
      faulty.end_link();
      image.flush();
    },
  });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    image.flush();
    const c = device.counters;
    log.note(
      `frames ${c.frames}, garbage bytes ${c.garbage_bytes}, bad CRC ${c.bad_crc}, oversize ${c.oversize}, duplicates ${c.duplicates}, ` +
        `malformed ${c.malformed}, unsupported ${c.unsupported}, blocks written ${c.blocks_written}, blocks read ${c.blocks_read}`,
    );
    await line.shutdown();
    file.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.stdout.write(`${NAME}: serving ${o.image} on ${line.url}\n`);
}

await run_cli(NAME, () => main(process.argv.slice(2)));
// A failed start may leave a listener or a child behind: bad input ends the process here.
if (process.exitCode) process.exit();
