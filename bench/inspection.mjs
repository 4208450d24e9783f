// Times the media inspector on 10 MiB PNG, JPEG and MP4 files (MP4 with moov at the end, and a
// fragmented MP4 whose duration is only in its fragments), reading from disk through a file handle
// as the service does, and counts the bytes it reads.
// `node bench/inspection.mjs [--quick]` runs it alone, against dist/ (build first). The inspector
// is internal, not in the package's public API, so this imports it from dist/media.
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CountingReader, FileHandleReader, inspectMedia } from '../dist/media/index.js';
import { jpegOf, mp4Of, pngOf } from './media-files.mjs';

const MiB = 1024 * 1024;

/** Inspects each file `rounds` times; reports the median time and the bytes read per inspection. */
export async function benchInspection({ dir, quick }) {
  const files = {
    'PNG 10 MiB': pngOf(1080, 1920, 10 * MiB),
    'JPEG 10 MiB (SOF after 128 KiB)': jpegOf(1080, 1920, 10 * MiB),
    'MP4 10 MiB (moov at end)': mp4Of(15, 10 * MiB),
    'MP4 10 MiB fragmented (no mehd, 15 moofs)': fragmentedMp4Of(15, 10 * MiB),
  };
  const rounds = quick ? 200 : 2000;
  const rows = [];
  for (const [name, bytes] of Object.entries(files)) {
    const path = join(dir, name.replace(/\W+/g, '-'));
    await writeFile(path, bytes);
    const handle = await open(path, 'r');
    const times = [];
    let bytesRead = 0;
    let reads = 0;
    let info;
    for (let i = 0; i < rounds + 20; i++) {
      const reader = new CountingReader(new FileHandleReader(handle, bytes.length));
      const start = process.hrtime.bigint();
      info = await inspectMedia(reader);
      const ns = Number(process.hrtime.bigint() - start);
      if (i >= 20) times.push(ns); // the first rounds warm up the JIT
      bytesRead = reader.bytesRead;
      reads = reader.reads;
    }
    await handle.close();
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
      p50Ms: times[Math.floor(times.length / 2)] / 1e6,
      p99Ms: times[Math.floor(times.length * 0.99)] / 1e6,
      bytesRead,
      reads,
    });
  }
  return rows;
}

/**
 * A fragmented MP4 of `seconds`, `size` bytes, shaped as ffmpeg's `-movflags
 * frag_keyframe+empty_moov` writes it: mvhd and mdhd durations 0, no mehd, then one moof + mdat a
 * second, each with a 30 fps video traf (per-sample sizes, flags and composition offsets) and a
 * 44.1 kHz AAC traf (per-sample sizes), both with tfdt.
 */
export function fragmentedMp4Of(seconds, size) {
  const box = (type, ...payload) => {
    const body = Buffer.concat(payload);
    const head = Buffer.alloc(8);
    head.writeUInt32BE(8 + body.length, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, body]);
  };
  const u32 = (...values) => {
    const bytes = Buffer.alloc(4 * values.length);
    values.forEach((v, i) => bytes.writeUInt32BE(v, 4 * i));
    return bytes;
  };
  const full = (type, version, flags, ...fields) =>
    box(type, u32(version * 2 ** 24 + flags), ...fields);
  const tracks = [
    { id: 1, timescale: 15_360, perSecond: 30, duration: 512, fields: 0xe00 }, // size, flags, cto
    { id: 2, timescale: 44_100, perSecond: 43, duration: 1024, fields: 0x200 }, // size
  ];
  const trak = ({ id, timescale }) =>
    box(
      'trak',
      full('tkhd', 0, 3, u32(0, 0, id), Buffer.alloc(68)),
      box('mdia', full('mdhd', 0, 0, u32(0, 0, timescale, 0, 0))),
    );
  const moov = box(
    'moov',
    full('mvhd', 0, 0, u32(0, 0, 1000, 0), Buffer.alloc(80)),
    ...tracks.map(trak),
    box('mvex', ...tracks.map(({ id }) => full('trex', 0, 0, u32(id, 1, 0, 0, 0)))),
  );
  const head = Buffer.concat([
    box('ftyp', Buffer.from('iso5\0\0\x02\0iso5iso6mp41', 'latin1')),
    moov,
  ]);
  const traf = ({ id, perSecond, duration, fields }, second) => {
    const entry = Buffer.alloc(4 * (fields.toString(2).split('1').length - 1), 1);
    return box(
      'traf',
      full('tfhd', 0, 0x20008, u32(id, duration)),
      full('tfdt', 0, 0, u32(second * perSecond * duration)),
      full('trun', 0, 0x1 | fields, u32(perSecond, 0), ...Array(perSecond).fill(entry)),
    );
  };
  const moofs = Array.from({ length: seconds }, (_, s) =>
    box('moof', full('mfhd', 0, 0, u32(s + 1)), ...tracks.map((t) => traf(t, s))),
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
