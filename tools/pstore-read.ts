// SPDX-License-Identifier: GPL-2.0
// tools/pstore-read: the files Linux's pstore filesystem would show for a pstore/blk area in a
// raw image (a dd of the partition or of the card), written into a directory. pstore_blk's
// parameters and size normalisation (fs/pstore/blk.c) give the zones, pstore/zone reads them
// (fs/pstore/zone_offline.ts), and fs/pstore/records.ts decompresses and names them as
// fs/pstore/platform.c and inode.c do. The image is opened read-only and never written.
import 'reflect-metadata';
import { chmodSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { EIO } from '../include/linux/errno.h.ts';
import { PSTORE_TYPE_DMESG, type pstore_record, type timespec64 } from '../include/linux/pstore.h.ts';
import { COMPRESS_PROFILES, pstore_compressor, type compress_profile } from '../fs/pstore/compress.ts';
import { pstore_file_of, pstore_type_to_name } from '../fs/pstore/records.ts';
import { kmsg_dump_reason_str, PSZ_BUFFER_HDR_SIZE, PSZ_KMSG_HDR_SIZE } from '../fs/pstore/zone_format.ts';
import { psz_read_records } from '../fs/pstore/zone_offline.ts';
import { default_config } from '../scripts/kconfig/index.ts';
import { run_cli, UsageError } from './lib/cli.ts';
import { openFileHandle, type NodeFileHandle } from './lib/node-file.ts';

const EXAMPLES = `
Examples:
  $ tools/pstore-read card.img --out pstore/
  $ ls -l pstore/
  -r--r--r-- 1 user user 28777 Jan  1  2024 dmesg-pstore_blk-0
  $ tools/pstore-read mmcblk0p5.img --out p5/ --profile none --json
  {"type":"dmesg","id":0,"reason":"Oops","counter":1,"time":"2024-01-01T00:00:03.419615970Z",...}
  $ tools/pstore-read disk.img --offset 0x100000 --size 1M --kmsg-size 32 --out out/

The area is --size bytes from --offset (default: the rest of the image). Sizes default to
pstore_blk's from the shipped Kconfig and are normalised as pstore_blk does (KiB to bytes; a
size that is not a multiple of 4 KiB becomes ALIGN(KiB, 4096) bytes, Linux's quirk). Files get
mode 0444; dmesg files get the record's time as mtime. --profile picks the kernel whose
decompression is modelled: 6.1, 6.6, or none (compressed records stay *.enc.z).
Exit status: 0 on success, 2 on any bad input (one message each on stderr).`;

const BYTES = /^(0x[0-9a-f]+|[0-9]+)([kmg]?)$/i;
const MULT: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

function parseBytes(v: string): number {
  const m = BYTES.exec(v);
  const n = m ? Number(m[1]) * MULT[m[2]!.toLowerCase()]! : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a byte count: decimal or 0x hex, optionally with a K, M or G suffix.');
  return n;
}

function parseKib(v: string): number {
  const n = /^-?[0-9]+$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || Math.abs(n) > 0x7fffffff) throw new InvalidArgumentError('expected a whole number of KiB (0 or less turns the zone off).');
  return n;
}

function parseCpus(v: string): number {
  const n = /^[0-9]+$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 8192) throw new InvalidArgumentError('expected a number of possible CPUs, 1..8192.');
  return n;
}

interface Options {
  out: string;
  offset: number;
  size?: number;
  kmsgSize: number;
  pmsgSize: number;
  consoleSize: number;
  ftraceSize: number;
  nrCpus: number;
  profile: compress_profile;
  json?: boolean;
}

/** pstore_blk's module parameter defaults in the shipped config: a symbol that is not set is 0. */
function blkDefaults() {
  const c = default_config();
  const kib = (sym: string): number => (typeof c[sym] === 'number' ? c[sym] : 0);
  return {
    kmsgSize: kib('PSTORE_BLK_KMSG_SIZE'),
    pmsgSize: kib('PSTORE_BLK_PMSG_SIZE'),
    consoleSize: kib('PSTORE_BLK_CONSOLE_SIZE'),
    ftraceSize: kib('PSTORE_BLK_FTRACE_SIZE'),
    nrCpus: typeof c['NR_CPUS'] === 'number' ? c['NR_CPUS'] : 1,
    profile: (c['PSTORE_COMPRESS'] === 'y' ? c['PSTORE_COMPRESS_PROFILE'] : 'none') as compress_profile,
  };
}

/**
 * pstore_blk's check_size(): KiB to bytes, 0 or less is off. A byte count that is not
 * 4096-aligned becomes ALIGN(<KiB number>, 4096) bytes (so 6 KiB gives 4096 bytes), with
 * Linux's "must align to 4096" message.
 */
function normaliseSize(name: string, kib: number, notes: string[]): number {
  if (kib <= 0) return 0;
  if ((kib * 1024) % 4096 === 0) return kib * 1024;
  const bytes = Math.ceil(kib / 4096) * 4096;
  notes.push(`pstore_blk: ${name} must align to 4096 (${kib} KiB becomes ${bytes} bytes)`);
  return bytes;
}

const reasonOf = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return (e as Error).message;
};

function openImage(path: string): NodeFileHandle {
  let regular: boolean;
  try {
    regular = statSync(path).isFile();
  } catch (e) {
    throw new UsageError([`${path}: cannot read: ${reasonOf(e)}`]);
  }
  if (!regular) throw new UsageError([`${path}: not a regular file (give an image made with dd)`]);
  try {
    return openFileHandle(path, { readOnly: true });
  } catch (e) {
    throw new UsageError([`${path}: cannot read: ${reasonOf(e)}`]);
  }
}

/** --out must be missing (it is created once the image has been read) or an empty directory. */
function checkOut(dir: string): boolean {
  // An empty path is no directory: mkdir('') would fail only after the image was read, with a stack.
  if (!dir) throw new UsageError(['--out: the path is empty (give a directory)']);
  let st;
  try {
    st = statSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new UsageError([`--out ${dir}: ${reasonOf(e)}`]);
  }
  if (!st.isDirectory()) throw new UsageError([`--out ${dir}: exists and is not a directory`]);
  if (readdirSync(dir).length) throw new UsageError([`--out ${dir}: directory is not empty`]);
  return true;
}

/** A timespec64 as UTC ISO 8601 with nanoseconds, or sec.nsec when Date cannot hold it. */
function isoTime(t: timespec64): string {
  const d = new Date(t.tv_sec * 1000);
  const ns = String(t.tv_nsec).padStart(9, '0');
  return Number.isNaN(d.getTime()) ? `${t.tv_sec}.${ns}` : `${d.toISOString().slice(0, 19)}.${ns}Z`;
}

async function main(argv: readonly string[]): Promise<void> {
  const d = blkDefaults();
  const program = new Command('tools/pstore-read')
    .description("Write the files Linux's pstore filesystem would show for a pstore/blk area of a raw image.")
    .argument('<image>', 'raw image: the pstore partition or a whole card, as dd copies it')
    .requiredOption('--out <dir>', 'directory for the files; created if missing, else it must be empty')
    .option('--offset <bytes>', 'start of the pstore area in the image', parseBytes, 0)
    .option('--size <bytes>', 'size of the area (default: the rest of the image)', parseBytes)
    .option('--kmsg-size <kib>', 'pstore_blk.kmsg_size: one dmesg zone, KiB', parseKib, d.kmsgSize)
    .option('--pmsg-size <kib>', 'pstore_blk.pmsg_size, KiB', parseKib, d.pmsgSize)
    .option('--console-size <kib>', 'pstore_blk.console_size, KiB', parseKib, d.consoleSize)
    .option('--ftrace-size <kib>', 'pstore_blk.ftrace_size, all CPUs, KiB', parseKib, d.ftraceSize)
    .option('--nr-cpus <n>', 'possible CPUs of the writer (nr_cpu_ids): how the ftrace area is cut', parseCpus, d.nrCpus)
    .addOption(new Option('--profile <profile>', 'whose decompression: Linux 6.1, 6.6+, or none').choices(COMPRESS_PROFILES).default(d.profile))
    .option('--json', 'print one JSON object per record instead of a line per file')
    .addHelpText('after', EXAMPLES)
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  program.parse(argv, { from: 'user' });
  const o = program.opts<Options>();
  const path = program.args[0]!;
  const outExists = checkOut(o.out);

  const notes: string[] = [];
  const kmsg_size = normaliseSize('kmsg_size', o.kmsgSize, notes);
  const sizes = {
    kmsg_size,
    pmsg_size: normaliseSize('pmsg_size', o.pmsgSize, notes),
    console_size: normaliseSize('console_size', o.consoleSize, notes),
    ftrace_size: normaliseSize('ftrace_size', o.ftraceSize, notes),
  };

  const image = openImage(path);
  let records: pstore_record[];
  try {
    if (o.offset > image.size) throw new UsageError([`${path}: --offset ${o.offset} is past the end of the image (${image.size} bytes)`]);
    const total_size = o.size ?? image.size - o.offset;
    if (o.offset + total_size > image.size)
      throw new UsageError([`${path}: image is ${image.size} bytes, smaller than --offset + --size = ${o.offset + total_size}`]);
    const read = async (buf: Uint8Array, off: number): Promise<number> => {
      if (off < 0 || off + buf.length > total_size) return -EIO;
      try {
        image.read(buf, o.offset + off);
      } catch {
        return -EIO;
      }
      return buf.length;
    };
    const r = await psz_read_records({ total_size, ...sizes, nr_cpus: o.nrCpus }, read);
    if (!r.ok) throw new UsageError([...notes, `${path}: ${r.error}`]);
    notes.push(...r.warnings);
    records = r.records;
  } finally {
    image.close();
  }
  for (const n of notes) process.stderr.write(`pstore-read: ${n}\n`);

  if (!outExists) {
    try {
      mkdirSync(o.out, { recursive: true });
    } catch (e) {
      throw new UsageError([`--out ${o.out}: cannot create: ${reasonOf(e)}`]);
    }
  }
  const compressor = pstore_compressor(o.profile);
  // pstore/zone's pstore_info.bufsize: a kmsg zone's data area less the kmsg header.
  const bufsize = kmsg_size - PSZ_BUFFER_HDR_SIZE - PSZ_KMSG_HDR_SIZE;
  const names = new Set<string>();
  const now = Date.now() / 1000;
  for (const record of records) {
    const file = pstore_file_of(record, 'pstore_blk', compressor, bufsize);
    const dmesg = record.type === PSTORE_TYPE_DMESG;
    if (dmesg && record.compressed && file.record.compressed && compressor.name)
      process.stderr.write(`pstore-read: ${file.name}: does not decompress with profile ${o.profile}; kept compressed\n`);
    // pstore_mkfile(): a second file of the same name is not made (-EEXIST).
    const fresh = !names.has(file.name);
    if (fresh) {
      names.add(file.name);
      const p = join(o.out, file.name);
      writeFileSync(p, file.data, { flag: 'wx', mode: 0o444 });
      chmodSync(p, 0o444);
      if (file.mtime) utimesSync(p, now, file.mtime.tv_sec + file.mtime.tv_nsec / 1e9);
    }
    const time = dmesg && record.time.tv_sec !== 0 ? isoTime(record.time) : null;
    if (o.json) {
      const obj = {
        type: pstore_type_to_name(record.type),
        id: record.id,
        reason: dmesg ? kmsg_dump_reason_str(record.reason) : null,
        counter: dmesg ? record.count : null,
        time,
        compressed: record.compressed,
        size: file.data.length,
        file: fresh ? file.name : null,
      };
      process.stdout.write(`${JSON.stringify(obj)}\n`);
    } else if (fresh) {
      const what = dmesg ? `  ${kmsg_dump_reason_str(record.reason)} #${record.count}${record.compressed ? ' (compressed)' : ''}${time ? `  ${time}` : ''}` : '';
      process.stdout.write(`${file.name}  ${file.data.length} bytes${what}\n`);
    }
  }
  if (!o.json && !records.length) process.stdout.write('no records\n');
}

await run_cli('pstore-read', () => main(process.argv.slice(2)));
