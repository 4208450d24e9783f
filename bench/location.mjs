// Times planLocationCut on a 10 MiB phone-style JPEG: a 12 MP photo (4032 × 3024, an iPhone's
// size; noise, so that it is as large as a real one) with the metadata of the phone fixture (EXIF
// with GPS, serials and a thumbnail, XMP with GPS, a Display P3 profile), read from disk through a
// file handle as the service reads it. Prints the median and p99 time per plan, and the reads and
// bytes each plan asks for.
// `node bench/location.mjs [--quick]` runs it alone, against dist/ (`npm run build` first). The
// cut is internal, not in the package's public API, so this imports it from dist/media.
import { readFile, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

// The specifiers are computed so that type-checking, which may run before the build, does not
// look for dist; dist/media is lib/media compiled, so it has lib/media's types.
/** @param {string} file */
const dist = (file) => new URL(`../dist/media/${file}`, import.meta.url).href;
const { CountingReader, FileHandleReader } =
  /** @type {typeof import('../lib/media/byte-reader.js')} */ (
    await import(dist('byte-reader.js'))
  );
const { planLocationCut } = /** @type {typeof import('../lib/media/inspect-media.js')} */ (
  await import(dist('inspect-media.js'))
);

const MiB = 1024 * 1024;
const quick = process.argv.includes('--quick');

/**
 * The segments of a JPEG between SOI and SOS that are metadata: APP0–APP15 and COM.
 * @param {Buffer} jpeg
 * @returns {Buffer[]}
 */
function metadataSegments(jpeg) {
  const segments = [];
  for (let at = 2; jpeg[at] === 0xff && jpeg[at + 1] !== 0xda;) {
    const end = at + 2 + jpeg.readUInt16BE(at + 2);
    const marker = jpeg[at + 1] ?? 0;
    if ((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe)
      segments.push(jpeg.subarray(at, end));
    at = end;
  }
  return segments;
}

/**
 * A 10 MiB phone-style JPEG: sharp's photo with the phone fixture's metadata after its SOI, and
 * a trailer after EOI to make up the size exactly, as some phones append one.
 * @returns {Promise<Buffer>}
 */
async function phoneJpeg() {
  const photo = await sharp({
    create: {
      width: 4032,
      height: 3024,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .jpeg({ quality: 95 })
    .toBuffer();
  const phone = await readFile(new URL('../test/fixtures/location/phone-mm.jpg', import.meta.url));
  const jpeg = Buffer.concat([photo.subarray(0, 2), ...metadataSegments(phone), photo.subarray(2)]);
  if (jpeg.length > 10 * MiB) throw new Error(`the photo is ${jpeg.length} bytes, over 10 MiB`);
  return Buffer.concat([jpeg, Buffer.alloc(10 * MiB - jpeg.length)]);
}

const dir = await mkdtemp(join(tmpdir(), 'wecom-location-'));
try {
  const path = join(dir, 'phone.jpg');
  const bytes = await phoneJpeg();
  await writeFile(path, bytes);
  const handle = await open(path, 'r');
  const rounds = quick ? 500 : 5000;
  const warmUp = 200;
  /** @type {number[]} */
  const times = [];
  let reads = 0;
  let bytesRead = 0;
  let removed = '';
  for (let i = 0; i < warmUp + rounds; i++) {
    const reader = new CountingReader(new FileHandleReader(handle, bytes.length));
    const start = process.hrtime.bigint();
    const cut = await planLocationCut(reader, 'jpeg');
    const ns = Number(process.hrtime.bigint() - start);
    if (i >= warmUp) times.push(ns); // the first rounds warm up the JIT and the page cache
    reads = reader.reads;
    bytesRead = reader.bytesRead;
    removed = cut?.removed.join(', ') ?? 'nothing';
  }
  await handle.close();
  times.sort((a, b) => a - b);
  /** @param {number} q */
  const ms = (q) => ((times[Math.floor(times.length * q)] ?? NaN) / 1e6).toFixed(3);
  console.table([
    {
      file: `phone-style JPEG, ${(bytes.length / MiB).toFixed(1)} MiB`,
      removed,
      'median ms': ms(0.5),
      'p99 ms': ms(0.99),
      reads,
      'bytes read': bytesRead,
      rounds,
    },
  ]);
} finally {
  await rm(dir, { recursive: true, force: true });
}
