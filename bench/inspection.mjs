// Times the media inspector on 10 MiB PNG, JPEG and MP4 files (MP4 with moov at the end, a
// fragmented MP4 whose duration is only in its fragments, and a hostile one that runs the walk to
// its read bound), reading from disk through a file handle as the service does, and counts the
// bytes it reads.
// `node bench/inspection.mjs [--quick]` runs it alone, against dist/ (build first). The inspector
// is internal, not in the package's public API, so this imports it from dist/media.
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  bigAppSegments,
  box,
  ftyp,
  fullBox,
  makeJpeg,
  makeMp4,
  makePng,
  mvhd,
  padTo,
  u32,
} from '../test/helpers/media-bytes.mjs';

// dist/media is lib/media compiled, so it has lib/media's types. The specifier is computed so that
// type-checking, which may run before the build, does not look for dist.
/** @param {string} path */
const dist = (path) => new URL(`../dist/media/${path}`, import.meta.url).href;
const { CountingReader, FileHandleReader } =
  /** @type {typeof import('../lib/media/byte-reader.js')} */ (
    await import(dist('byte-reader.js'))
  );
const { inspectMedia } = /** @type {typeof import('../lib/media/inspect-media.js')} */ (
  await import(dist('inspect-media.js'))
);

const MiB = 1024 * 1024;

/**
 * One file's figures.
 * @typedef {object} InspectionRow
 * @property {string} file
 * @property {string} result What the inspector read: format, size or duration, or why not.
 * @property {number} p50Ms
 * @property {number} p99Ms
 * @property {number} bytesRead Per inspection.
 * @property {number} reads Per inspection.
 */

/**
 * Inspects each file `rounds` times; reports the median time and the bytes read per inspection.
 * @param {{ dir: string, quick: boolean }} options
 * @returns {Promise<InspectionRow[]>}
 */
export async function benchInspection({ dir, quick }) {
  const files = {
    'PNG 10 MiB': padTo(makePng(1080, 1920), 10 * MiB),
    'JPEG 10 MiB (SOF after 128 KiB)': makeJpeg({
      width: 1080,
      height: 1920,
      progressive: true,
      appSegments: bigAppSegments(130_000),
      quantizationTable: false,
      size: 10 * MiB,
    }),
    'MP4 10 MiB (moov at end)': makeMp4({
      duration: 15_000n,
      trakBytes: 2000,
      moovAtEnd: true,
      size: 10 * MiB,
    }),
    'MP4 10 MiB fragmented (no mehd, 15 moofs)': fragmentedMp4Of(15, 10 * MiB),
    // The worst a hostile file can ask: fragments until the read bound stops the walk.
    'MP4 10 MiB hostile (5,000 moofs: the read bound)': fragmentedMp4Of(5000, 10 * MiB),
  };
  const rounds = quick ? 200 : 2000;
  /** @type {InspectionRow[]} */
  const rows = [];
  for (const [name, bytes] of Object.entries(files)) {
    // The hostile file takes a hundred times longer a round: fewer rounds give its median as well.
    const fileRounds = name.includes('hostile') ? Math.min(rounds, 50) : rounds;
    // The names say 10 MiB, and the figures are read against that.
    if (bytes.length !== 10 * MiB) throw new Error(`${name}: ${bytes.length} bytes, not 10 MiB`);
    const path = join(dir, name.replace(/\W+/g, '-'));
    await writeFile(path, bytes);
    const handle = await open(path, 'r');
    /** @type {number[]} */
    const times = [];
    let bytesRead = 0;
    let reads = 0;
    /** @type {import('../lib/media/media-format.js').MediaInfo | undefined} */
    let info;
    for (let i = 0; i < fileRounds + 20; i++) {
      const reader = new CountingReader(new FileHandleReader(handle, bytes.length));
      const start = process.hrtime.bigint();
      info = await inspectMedia(reader);
      const ns = Number(process.hrtime.bigint() - start);
      if (i >= 20) times.push(ns); // the first rounds warm up the JIT
      bytesRead = reader.bytesRead;
      reads = reader.reads;
    }
    await handle.close();
    if (!info) throw new Error(`${name} was never inspected`);
    times.sort((a, b) => a - b);
    rows.push({
      file: name,
      result:
        info.format +
        (info.width ? ` ${info.width}×${info.height}` : '') +
        (info.duration ? ` ${Number(info.duration.units) / info.duration.timescale} s` : '') +
        ((info.unreadable ?? info.durationUnknown)
          ? ` (${info.unreadable ?? info.durationUnknown})`
          : ''),
      p50Ms: at(times, Math.floor(times.length / 2)) / 1e6,
      p99Ms: at(times, Math.floor(times.length * 0.99)) / 1e6,
      bytesRead,
      reads,
    });
  }
  return rows;
}

/**
 * The element at `index`, which must be there.
 * @param {number[]} values
 * @param {number} index
 * @returns {number}
 */
function at(values, index) {
  const value = values[index];
  if (value === undefined) throw new Error(`no value at ${index} of ${values.length}`);
  return value;
}

/**
 * A fragmented MP4 of `seconds`, `size` bytes, shaped as ffmpeg's `-movflags
 * frag_keyframe+empty_moov` writes it: mvhd and mdhd durations 0, no mehd, then one moof + mdat a
 * second, each with a 30 fps video traf (per-sample sizes, flags and composition offsets) and a
 * 44.1 kHz AAC traf (per-sample sizes), both with tfdt.
 * @param {number} seconds
 * @param {number} size
 * @returns {Buffer}
 */
export function fragmentedMp4Of(seconds, size) {
  /** @typedef {{ id: number, timescale: number, perSecond: number, duration: number, fields: number }} Track */
  /** @type {Track[]} */
  const tracks = [
    { id: 1, timescale: 15_360, perSecond: 30, duration: 512, fields: 0xe00 }, // size, flags, cto
    { id: 2, timescale: 44_100, perSecond: 43, duration: 1024, fields: 0x200 }, // size
  ];
  /** @param {Track} track */
  const trak = ({ id, timescale }) =>
    box(
      'trak',
      fullBox('tkhd', 0, 3, u32(0, 0, id), Buffer.alloc(68)),
      box('mdia', fullBox('mdhd', 0, 0, u32(0, 0, timescale, 0, 0))),
    );
  const moov = box(
    'moov',
    mvhd(1000, 0n),
    ...tracks.map(trak),
    box('mvex', ...tracks.map(({ id }) => fullBox('trex', 0, 0, u32(id, 1, 0, 0, 0)))),
  );
  const head = Buffer.concat([ftyp('iso5', 'iso5', 'iso6', 'mp41'), moov]);
  /**
   * @param {Track} track
   * @param {number} second
   */
  const traf = ({ id, perSecond, duration, fields }, second) => {
    const entry = Buffer.alloc(4 * (fields.toString(2).split('1').length - 1), 1);
    return box(
      'traf',
      fullBox('tfhd', 0, 0x20008, u32(id, duration)),
      fullBox('tfdt', 0, 0, u32(second * perSecond * duration)),
      fullBox(
        'trun',
        0,
        0x1 | fields,
        u32(perSecond, 0),
        ...Array.from({ length: perSecond }, () => entry),
      ),
    );
  };
  const moofs = Array.from({ length: seconds }, (_, s) =>
    box('moof', fullBox('mfhd', 0, 0, u32(s + 1)), ...tracks.map((t) => traf(t, s))),
  );
  const media = size - head.length - moofs.reduce((sum, m) => sum + m.length + 8, 0);
  const fragments = moofs.flatMap((m, s) => {
    const bytes = Math.floor(media / seconds) + (s === seconds - 1 ? media % seconds : 0);
    return [m, box('mdat', Buffer.alloc(bytes, 0x11))];
  });
  return Buffer.concat([head, ...fragments]);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = await mkdtemp(join(tmpdir(), 'wecom-inspection-'));
  try {
    console.table(await benchInspection({ dir, quick: process.argv.includes('--quick') }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
