// Times the media inspector on 10 MiB PNG, JPEG and MP4 files (MP4 with moov at the end), reading
// from disk through a file handle as the service does, and counts the bytes it reads.
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CountingReader, FileHandleReader, inspectMedia } from 'nestjs-wecom-media';
import { jpegOf, mp4Of, pngOf } from './media-files.mjs';

const MiB = 1024 * 1024;

/** Inspects each file `rounds` times; reports the median time and the bytes read per inspection. */
export async function benchInspection({ dir, quick }) {
  const files = {
    'PNG 10 MiB': pngOf(1080, 1920, 10 * MiB),
    'JPEG 10 MiB (SOF after 128 KiB)': jpegOf(1080, 1920, 10 * MiB),
    'MP4 10 MiB (moov at end)': mp4Of(15, 10 * MiB),
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
        (info.duration ? ` ${Number(info.duration.units) / info.duration.timescale} s` : ''),
      p50Ms: times[Math.floor(times.length / 2)] / 1e6,
      p99Ms: times[Math.floor(times.length * 0.99)] / 1e6,
      bytesRead,
      reads,
    });
  }
  return rows;
}
