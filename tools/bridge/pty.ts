// SPDX-License-Identifier: GPL-2.0
// tools/mmc-bridge --pty: a pseudo-terminal pair made by a socat child (PTY,link=LINK ... STDIO),
// served over the child's stdin/stdout; the host opens LINK as a serial port. A disconnect
// fault, or socat ending on its own, recreates the pty at the same LINK.
import { spawn, type ChildProcess } from 'node:child_process';
import { lstatSync, statSync, unlinkSync } from 'node:fs';
import { UsageError } from '../lib/cli.ts';
import { make_link, os_reason, type link_handler, type transport, type transport_log } from './transports.ts';

const READY_TIMEOUT_MS = 5000;

const exists = (path: string, stat: (p: string) => unknown): boolean => {
  try {
    stat(path);
    return true;
  } catch {
    return false;
  }
};

/** A LINK left by a socat that was killed (dangling) is removed; anything else there is refused. */
function check_link(link: string): void {
  if (!link) throw new UsageError(['--pty needs the path of the link to make']);
  if (/[,:!\s"'\\]/.test(link)) throw new UsageError([`--pty ${link}: socat cannot take a path with , : ! quotes or blanks`]);
  if (!exists(link, lstatSync)) return;
  if (lstatSync(link).isSymbolicLink() && !exists(link, statSync)) return unlinkSync(link);
  throw new UsageError([`--pty ${link}: already exists (another mmc-bridge?); remove it or pick another path`]);
}

/** Start socat and wait until LINK appears; rejects with a UsageError saying why it did not. */
function start_socat(link: string): Promise<ChildProcess> {
  const child = spawn('socat', [`PTY,link=${link},raw,echo=0`, 'STDIO'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  child.stdin!.on('error', () => {}); // EPIPE once socat is gone; its 'exit' says so
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearInterval(poll);
      child.kill('SIGKILL');
      reject(new UsageError([`--pty ${link}: ${why}`]));
    };
    const started = Date.now();
    const poll = setInterval(() => {
      if (exists(link, lstatSync)) {
        clearInterval(poll);
        child.off('exit', exited).off('error', failed).on('error', () => {});
        resolve(child);
      } else if (Date.now() - started > READY_TIMEOUT_MS) fail(`socat made no pty within ${READY_TIMEOUT_MS} ms`);
    }, 10);
    const failed = (e: NodeJS.ErrnoException) =>
      fail(e.code === 'ENOENT' ? 'socat not found: install socat (it makes the pseudo-terminal pair)' : `cannot run socat: ${os_reason(e)}`);
    const exited = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`socat exited (${signal ?? `status ${code}`}): ${stderr.replace(/^\S+ \S+ socat\[\d+\] [A-Z] /gm, '').trim() || 'no message'}`);
    child.once('error', failed);
    child.once('exit', exited);
  });
}

/** Make the pty at @link and serve on it. */
export async function open_pty(link: string, log: transport_log): Promise<transport> {
  check_link(link);
  let child = await start_socat(link);
  let handler: link_handler | null = null;
  let stopping = false;
  const attach = (c: ChildProcess) => {
    child = c;
    const l = make_link(
      (b) => c.stdin!.write(b),
      () => c.kill('SIGTERM'),
    );
    c.stdout!.on('data', (b: Uint8Array) => {
      if (!l.closed) handler!.data(l, b);
    });
    c.once('exit', () => {
      const planned = l.closed;
      l.closed = true;
      handler!.ended(l);
      if (stopping) return;
      if (!planned) log.note(`pty ${link}: socat ended; recreating the pty`);
      start_socat(link).then(attach, (e: Error) => log.fatal(e.message));
    });
  };
  return {
    url: `serial:${link}`,
    serve(h) {
      handler = h;
      attach(child);
    },
    async shutdown() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGTERM lets socat remove LINK.
      await new Promise((r) => {
        child.once('exit', r);
        child.kill('SIGTERM');
        setTimeout(r, 1000).unref();
      });
    },
  };
}
