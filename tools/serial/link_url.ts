// SPDX-License-Identifier: GPL-2.0
// Where a serial link goes, as the user writes it: tcp:HOST:PORT or serial:PATH[?baud=N]. Bad input
// is a UsageError naming the part that is wrong.
import { isIP } from 'node:net';
import { UsageError } from '../lib/cli.ts';

export type link_target = { readonly kind: 'tcp'; readonly host: string; readonly port: number } | { readonly kind: 'serial'; readonly path: string; readonly baud: number };

export const DEFAULT_SERIAL_BAUD = 921_600;
/** What a TCP link is charged as: faster than any UART we drive, so the wire never dominates. */
export const TCP_NOMINAL_BAUD = 3_000_000;

const FORMS = 'tcp:HOST:PORT or serial:PATH[?baud=N]';
const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

const bad = (url: string, what: string): UsageError => new UsageError([`link "${url}" ${what}`]);

const parse_port = (url: string, text: string): number => {
  if (text === '') throw bad(url, 'needs a port: tcp:HOST:PORT');
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) throw bad(url, `has a bad port "${text}": 1 to 65535`);
  return port;
};

const parse_tcp = (url: string, rest: string): link_target => {
  let host: string;
  let port_text: string;
  if (rest.startsWith('[')) {
    // [v6]:PORT; the brackets keep the address's colons apart from the port's.
    const end = rest.indexOf(']');
    if (end < 0) throw bad(url, 'has an unclosed "[": tcp:[IPV6]:PORT');
    host = rest.slice(1, end);
    if (isIP(host) !== 6) throw bad(url, `has a bad IPv6 address "${host}"`);
    const after = rest.slice(end + 1);
    if (!after.startsWith(':')) throw bad(url, 'needs a port: tcp:[IPV6]:PORT');
    port_text = after.slice(1);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon < 0) throw bad(url, 'needs a port: tcp:HOST:PORT');
    host = rest.slice(0, colon);
    port_text = rest.slice(colon + 1);
    if (host === '') throw bad(url, 'needs a host: tcp:HOST:PORT');
    if (host.includes(':')) throw bad(url, `has an IPv6 host "${host}" without brackets: tcp:[IPV6]:PORT`);
    if (!HOST_NAME.test(host)) throw bad(url, `has a bad host "${host}"`);
  }
  return { kind: 'tcp', host, port: parse_port(url, port_text) };
};

const parse_serial = (url: string, rest: string): link_target => {
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  if (path === '') throw bad(url, 'needs a device path: serial:PATH[?baud=N]');
  let baud: number | undefined;
  for (const pair of q < 0 ? [] : rest.slice(q + 1).split('&')) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    if (key !== 'baud') throw bad(url, `has an unknown option "${key}": only baud=N`);
    if (baud !== undefined) throw bad(url, 'gives baud twice');
    baud = /^\d{1,9}$/.test(value) ? Number(value) : 0;
    if (baud < 1) throw bad(url, `has a bad baud "${value}": a positive whole number`);
  }
  return { kind: 'serial', path, baud: baud ?? DEFAULT_SERIAL_BAUD };
};

/** The target of the link written @url; throws UsageError with one message if it is not valid. */
export const parse_link_url = (url: string): link_target => {
  const colon = url.indexOf(':');
  const kind = colon < 0 ? '' : url.slice(0, colon);
  const rest = url.slice(colon + 1);
  if (kind === 'tcp') return parse_tcp(url, rest);
  if (kind === 'serial') return parse_serial(url, rest);
  throw bad(url, colon < 0 ? `has no kind: use ${FORMS}` : `has an unknown kind "${kind}": use ${FORMS}`);
};

/** The line rate to charge for @target. */
export const link_url_baud = (target: link_target): number => (target.kind === 'serial' ? target.baud : TCP_NOMINAL_BAUD);

/** @target written back as a link URL, in its canonical form. */
export const format_link_target = (target: link_target): string =>
  target.kind === 'serial' ? `serial:${target.path}?baud=${target.baud}` : `tcp:${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
