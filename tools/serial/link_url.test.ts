// SPDX-License-Identifier: GPL-2.0
// Link URLs: each accepted form gives its target, each bad one a UsageError naming the bad part.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../lib/cli.ts';
import { format_link_target, link_url_baud, parse_link_url } from './link_url.ts';

describe('parse_link_url', () => {
  it.each([
    ['tcp:localhost:4000', { kind: 'tcp', host: 'localhost', port: 4000 }],
    ['tcp:127.0.0.1:1', { kind: 'tcp', host: '127.0.0.1', port: 1 }],
    ['tcp:board-3.lab.example:65535', { kind: 'tcp', host: 'board-3.lab.example', port: 65535 }],
    ['tcp:[::1]:4000', { kind: 'tcp', host: '::1', port: 4000 }],
    ['tcp:[fe80::1:2]:22', { kind: 'tcp', host: 'fe80::1:2', port: 22 }],
    ['serial:/dev/ttyUSB0', { kind: 'serial', path: '/dev/ttyUSB0', baud: 921600 }],
    ['serial:/dev/ttyUSB0?baud=115200', { kind: 'serial', path: '/dev/ttyUSB0', baud: 115200 }],
    ['serial:/tmp/x y/tty?baud=3000000', { kind: 'serial', path: '/tmp/x y/tty', baud: 3000000 }],
  ])('%s', (url, target) => {
    expect(parse_link_url(url)).toEqual(target);
  });

  it.each([
    ['tcp:localhost', 'link "tcp:localhost" needs a port: tcp:HOST:PORT'],
    ['tcp:localhost:', 'needs a port'],
    ['tcp::4000', 'needs a host'],
    ['tcp:h:0', 'bad port "0"'],
    ['tcp:h:65536', 'bad port "65536"'],
    ['tcp:h:40x', 'bad port "40x"'],
    ['tcp:h:-1', 'bad port "-1"'],
    ['tcp:::1:4000', 'IPv6 host "::1" without brackets'],
    ['tcp:[::1:4000', 'unclosed "["'],
    ['tcp:[::1]4000', 'needs a port'],
    ['tcp:[nope]:4000', 'bad IPv6 address "nope"'],
    ['tcp:bad host:4000', 'bad host "bad host"'],
    ['udp:h:4000', 'unknown kind "udp"'],
    ['/dev/ttyUSB0', 'has no kind'],
    ['serial:', 'needs a device path'],
    ['serial:?baud=9600', 'needs a device path'],
    ['serial:/dev/ttyS0?speed=9600', 'unknown option "speed"'],
    ['serial:/dev/ttyS0?baud=9600&parity=none', 'unknown option "parity"'],
    ['serial:/dev/ttyS0?baud=fast', 'bad baud "fast"'],
    ['serial:/dev/ttyS0?baud=0', 'bad baud "0"'],
    ['serial:/dev/ttyS0?baud=', 'bad baud ""'],
    ['serial:/dev/ttyS0?baud=9600&baud=9600', 'gives baud twice'],
  ])('%s is refused', (url, message) => {
    let error: unknown;
    try {
      parse_link_url(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    const messages = (error as UsageError).messages;
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(`link "${url}"`);
    expect(messages[0]).toContain(message);
  });
});

describe('link_url_baud and format_link_target', () => {
  it('charge serial links their baud and TCP a nominal 3 Mbaud', () => {
    expect(link_url_baud(parse_link_url('serial:/dev/ttyS0?baud=115200'))).toBe(115200);
    expect(link_url_baud(parse_link_url('serial:/dev/ttyS0'))).toBe(921600);
    expect(link_url_baud(parse_link_url('tcp:h:1'))).toBe(3_000_000);
  });

  it('write a target back in a form that parses to the same target', () => {
    for (const url of ['tcp:[::1]:4000', 'tcp:h:1', 'serial:/dev/ttyS0']) {
      const target = parse_link_url(url);
      expect(parse_link_url(format_link_target(target))).toEqual(target);
    }
    expect(format_link_target(parse_link_url('serial:/dev/ttyS0'))).toBe('serial:/dev/ttyS0?baud=921600');
  });
});
