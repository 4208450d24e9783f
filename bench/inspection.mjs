// Times the media inspector on 10 MiB PNG, JPEG and MP4 files (MP4 with moov at the end), reading
// from disk through a file handle as the service does, and counts the bytes it reads.
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { CountingReader, FileHandleReader, inspectMedia } from 'nestjs-wecom-media';

const MiB = 1024 * 1024;

function pngOf(width, height, size) {
  const chunk = (type, data) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1000))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return Buffer.concat([png, Buffer.alloc(size - png.length)]);
}

function jpegOf(width, height, size) {
  const segment = (marker, payload) => {
    const head = Buffer.from([0xff, marker, 0, 0]);
    head.writeUInt16BE(payload.length + 2, 2);
    return Buffer.concat([head, payload]);
  };
  const sof = Buffer.alloc(15);
  sof[0] = 8;
  sof.writeUInt16BE(height, 1);
  sof.writeUInt16BE(width, 3);
  // 128 KiB of EXIF/ICC before the frame, as phone photos have.
  const apps = Array.from({ length: 2 }, () => segment(0xe1, Buffer.alloc(65_000)));
  const head = Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    ...apps,
    segment(0xc2, sof),
    segment(0xda, Buffer.alloc(10)),
  ]);
  return Buffer.concat([
    head,
    Buffer.alloc(size - head.length - 2, 0x5a),
    Buffer.from([0xff, 0xd9]),
  ]);
}

function mp4Of(seconds, size) {
  const box = (type, ...payload) => {
    const body = Buffer.concat(payload);
    const head = Buffer.alloc(8);
    head.writeUInt32BE(8 + body.length, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, body]);
  };
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(1000, 12);
  mvhd.writeUInt32BE(seconds * 1000, 16);
  const ftyp = box('ftyp', Buffer.from('isom\0\0\0\0isomiso2avc1mp41', 'latin1'));
  const moov = box('moov', box('mvhd', mvhd), box('trak', Buffer.alloc(2000)));
  const mdat = box('mdat', Buffer.alloc(size - ftyp.length - moov.length - 8, 0x11));
  return Buffer.concat([ftyp, mdat, moov]); // moov at the end
}

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
