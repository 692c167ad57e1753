// SPDX-License-Identifier: GPL-2.0
// The serial port of a link, in a process of its own (see start_serial in link_worker.ts): opens
// PATH at BAUD, reopens it every RETRY_MS while it is lost, and frames what it says on stdout: a
// type byte (D data, U up, N down, F first open failed), a 32-bit little-endian length, the
// payload. What arrives on stdin goes to the port. Usage: serial-child.mjs PATH BAUD RETRY_MS
//
// A port whose device is gone counts as lost even if serialport says nothing: when a pty's other
// end dies, its poller sometimes never reports the hangup (about 1 run in 15 on a loaded machine),
// while the device node is gone at once (/dev/pts/N, as /dev/ttyUSBn on unplug).
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';

const [path, baud, retry] = process.argv.slice(2);
const baudRate = Number(baud);
const retry_ms = Number(retry);
const send = (type, payload, then) => {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeUInt32LE(payload.length, 1);
  process.stdout.write(Buffer.concat([head, payload]), then);
};
process.stdout.on('error', () => process.exit(0));
let live = null, first = true;
const open = () => {
  const p = new SerialPort({ path, baudRate, autoOpen: false });
  p.on('data', (b) => live === p && send('D', b));
  p.on('error', () => p.isOpen && p.close());
  const lost = () => {
    if (live !== p) return;
    live = null;
    clearInterval(watch);
    send('N', Buffer.alloc(0));
    setTimeout(open, retry_ms);
  };
  let watch;
  p.on('close', lost);
  p.open((e) => {
    if (e && first) return send('F', Buffer.from(e.message.replace(/^Error: /, '')), () => process.exit(1));
    if (e) return setTimeout(open, retry_ms);
    first = false;
    live = p;
    send('U', Buffer.alloc(0));
    watch = setInterval(() => {
      if (existsSync(path)) return;
      lost();
      if (p.isOpen) p.close(() => {});
    }, retry_ms);
  });
};
process.stdin.on('data', (b) => live && live.write(b));
process.stdin.on('end', () => process.exit(0));
open();
