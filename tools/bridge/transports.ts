// SPDX-License-Identifier: GPL-2.0
// The lines tools/mmc-bridge serves on: a TCP listener (one connection at a time) and a serial
// port, as links that deliver bytes and can be closed (the disconnect fault). The pty is in pty.ts.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { SerialPort } from 'serialport';
import { UsageError } from '../lib/cli.ts';

/** One connection: bytes out, and an end the transport recovers from by waiting for the next. */
export interface link {
  readonly closed: boolean;
  send(frame: Uint8Array): void;
  /** Close this connection (the disconnect fault). */
  close(): void;
}

export interface link_handler {
  data(link: link, bytes: Uint8Array): void;
  /** The connection is gone (closed by either side); the next one gets a new link. */
  ended(link: link): void;
}

export interface transport {
  /** What the host's link option takes: tcp:HOST:PORT or serial:PATH. */
  readonly url: string;
  /** Start handing connections and their bytes to @h. */
  serve(h: link_handler): void;
  /** Close every connection and the listener. */
  shutdown(): Promise<void>;
}

/** Where a transport reports what it does about trouble after the start. */
export interface transport_log {
  note(message: string): void;
  /** The line cannot be served any more: report and exit. */
  fatal(message: string): never;
}

export const os_reason = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code;
  const known: Record<string, string> = {
    EADDRINUSE: 'address already in use',
    EADDRNOTAVAIL: 'address not available on this machine',
    EACCES: 'permission denied',
    ENOTFOUND: 'unknown host',
    ENOENT: 'no such file or directory',
  };
  return (code && known[code]) ?? (e as Error).message.replace(/^Error: /, '');
};

/** A link writing with @write; close() runs @end once, and the owner reports 'ended'. */
export interface open_link extends link {
  closed: boolean;
}

export function make_link(write: (b: Uint8Array) => void, end: () => void): open_link {
  const l: open_link = {
    closed: false,
    send(frame: Uint8Array) {
      if (!l.closed) write(frame);
    },
    close() {
      if (l.closed) return;
      l.closed = true;
      end();
    },
  };
  return l;
}

/**
 * Listen on @host:@port (0: any free port), one connection at a time. A second one waits until
 * the first has closed (a host reconnecting can be seen before its old connection's end); a
 * third is refused.
 */
export async function open_tcp(host: string, port: number, log: transport_log): Promise<transport> {
  const server = createServer({ noDelay: true });
  let handler: link_handler | null = null;
  let active: Socket | null = null;
  let waiting: Socket | null = null;
  const attach = (s: Socket) => {
    active = s;
    const l = make_link(
      (b) => s.write(b),
      () => s.end(() => s.destroy()),
    );
    s.on('data', (b: Uint8Array) => {
      if (!l.closed) handler!.data(l, b);
    });
    s.on('error', () => {}); // a reset by the peer; 'close' follows
    s.on('close', () => {
      l.closed = true;
      if (active === s) active = null;
      handler!.ended(l);
      const next = waiting;
      waiting = null;
      if (next && !next.destroyed) attach(next);
    });
  };
  server.on('connection', (s) => {
    // Before serve(): the card does not exist yet (cannot happen, serve() follows in the same task).
    if (!handler) return void s.destroy();
    if (!active) return attach(s);
    if (waiting) {
      log.note(`tcp: refused a third connection from ${s.remoteAddress}:${s.remotePort}`);
      return void s.destroy();
    }
    // Its bytes stay in the socket (no 'data' listener yet) until the active connection closes.
    waiting = s;
    s.on('error', () => {});
    s.once('close', () => {
      if (waiting === s) waiting = null;
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new UsageError([`--tcp ${host}:${port}: cannot listen: ${os_reason(e)}`])));
    server.listen(port, host, () => resolve());
  });
  server.on('error', (e) => log.note(`tcp: ${e.message}`));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `tcp:${host.includes(':') ? `[${host}]` : host}:${bound}`,
    serve(h) {
      handler = h;
    },
    async shutdown() {
      waiting?.destroy();
      active?.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

const open_port = (path: string, baud: number): Promise<SerialPort> =>
  new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate: baud, autoOpen: false });
    port.open((e) => (e ? reject(e) : resolve(port)));
  });

/** Serve on the tty @path. A closed port (disconnect fault, unplugged adapter) is reopened. */
export async function open_serial(path: string, baud: number, log: transport_log): Promise<transport> {
  let port: SerialPort;
  try {
    port = await open_port(path, baud);
  } catch (e) {
    throw new UsageError([`--serial ${path}: cannot open: ${os_reason(e)}`]);
  }
  let handler: link_handler | null = null;
  let stopping = false;
  const attach = (p: SerialPort) => {
    port = p;
    const l = make_link(
      (b) => p.write(b),
      () => p.close(),
    );
    p.on('data', (b: Uint8Array) => {
      if (!l.closed) handler!.data(l, b);
    });
    p.on('error', (e) => log.note(`serial ${path}: ${e.message}`));
    p.on('close', () => {
      l.closed = true;
      handler!.ended(l);
      if (!stopping) setTimeout(reopen, 100);
    });
  };
  const reopen = (tries = 0): void => {
    if (stopping) return;
    open_port(path, baud).then(attach, (e: unknown) => {
      if (tries >= 50) log.fatal(`serial ${path}: cannot reopen: ${os_reason(e)}`);
      setTimeout(() => reopen(tries + 1), 200);
    });
  };
  return {
    url: `serial:${path}`,
    serve(h) {
      handler = h;
      attach(port);
    },
    async shutdown() {
      stopping = true;
      if (port.isOpen) await new Promise((r) => port.close(r));
    },
  };
}
