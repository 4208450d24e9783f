import { crc32, deflateSync } from 'node:zlib';

/** A real PNG of `width` × `height`, 1-bit greyscale, so that even 1080 × 10800 stays small. */
export function makePng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(1, 8); // bit depth
  ihdr.writeUInt8(0, 9); // greyscale
  const row = Buffer.alloc(1 + Math.ceil(width / 8)); // filter byte + pixels
  const raw = Buffer.alloc(row.length * height);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** The IEND chunk that ends every PNG. */
const IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

/**
 * Pads a PNG to exactly `size` bytes with a private ancillary chunk (`paDd`) before its IEND:
 * decoders skip such a chunk, and the file still ends with IEND, as a whole PNG must (the
 * inspector reads bytes after IEND as a cut file). The gap must be 0 or at least 12 bytes, the
 * size of an empty chunk.
 */
export function padTo(png: Buffer, size: number): Buffer {
  const gap = size - png.length;
  if (gap < 0) throw new Error(`cannot pad ${png.length} bytes down to ${size}`);
  if (gap === 0) return png;
  if (gap < 12) throw new Error(`cannot pad ${png.length} bytes by ${gap}: a chunk takes 12`);
  const iend = png.length - IEND.length;
  if (!png.subarray(iend).equals(IEND)) {
    throw new Error('padTo pads PNGs: these bytes do not end with IEND');
  }
  return Buffer.concat([
    png.subarray(0, iend),
    chunk('paDd', Buffer.alloc(gap - 12)),
    png.subarray(iend),
  ]);
}

/** An ISO BMFF box. */
export function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

/** An `ftyp` box with the given major brand and compatible brands. */
export function ftyp(major: string, ...compatible: string[]): Buffer {
  const minor = Buffer.alloc(4);
  return box(
    'ftyp',
    Buffer.from(major, 'latin1'),
    minor,
    Buffer.from(compatible.join(''), 'latin1'),
  );
}

/** An `mvhd` box, version 0 or 1. */
export function mvhd(timescale: number, duration: bigint, version: 0 | 1 = 0): Buffer {
  const body = Buffer.alloc(version === 1 ? 112 : 100);
  body.writeUInt8(version, 0);
  if (version === 1) {
    body.writeUInt32BE(timescale, 20);
    body.writeBigUInt64BE(duration, 24);
  } else {
    body.writeUInt32BE(timescale, 12);
    body.writeUInt32BE(Number(duration), 16);
  }
  return box('mvhd', body);
}

export interface Mp4Shape {
  timescale?: number;
  /** Duration in timescale units. */
  duration: bigint;
  version?: 0 | 1;
  /** Size of the `mdat` payload. */
  mdatBytes?: number;
  moovAtEnd?: boolean;
  /** Announce fragments (an empty `mvex`), as `-movflags empty_moov` does, but write none. */
  fragmented?: boolean;
  major?: string;
  compatible?: string[];
}

/** A structurally valid MP4: ftyp, then moov and mdat in either order. */
export function makeMp4(shape: Mp4Shape): Buffer {
  const moov = box(
    'moov',
    mvhd(shape.timescale ?? 1000, shape.duration, shape.version ?? 0),
    box('trak'),
    ...(shape.fragmented ? [box('mvex')] : []),
  );
  const mdat = box('mdat', Buffer.alloc(shape.mdatBytes ?? 64, 0x11));
  const head = ftyp(
    shape.major ?? 'isom',
    ...(shape.compatible ?? ['isom', 'iso2', 'avc1', 'mp41']),
  );
  return Buffer.concat(shape.moovAtEnd ? [head, mdat, moov] : [head, moov, mdat]);
}

/** A JPEG marker segment with its length. */
function segment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/**
 * A JPEG built segment by segment: SOI, the given APPn payloads, a start-of-frame (SOF0 baseline or
 * SOF2 progressive) of `width` × `height`, then a scan and EOI.
 */
export function makeJpeg(opts: {
  width: number;
  height: number;
  progressive?: boolean;
  appSegments?: Buffer[];
}): Buffer {
  const sof = Buffer.alloc(15);
  sof.writeUInt8(8, 0);
  sof.writeUInt16BE(opts.height, 1);
  sof.writeUInt16BE(opts.width, 3);
  sof.writeUInt8(3, 5);
  const apps = (
    opts.appSegments ?? [Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')]
  ).map((p, i) => segment(i === 0 ? 0xe0 : 0xe1, p));
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    ...apps,
    segment(0xdb, Buffer.alloc(65)),
    segment(opts.progressive ? 0xc2 : 0xc0, sof),
    segment(0xda, Buffer.alloc(10)),
    Buffer.alloc(32, 0x5a),
    Buffer.from([0xff, 0xd9]),
  ]);
}

/** Large APPn payloads (EXIF, ICC) in 65 000-byte segments, `total` bytes in all. */
export function bigAppSegments(total: number): Buffer[] {
  const out: Buffer[] = [];
  for (let left = total; left > 0; left -= 65_000)
    out.push(Buffer.alloc(Math.min(65_000, left), 0x45));
  return out;
}

export const GIF_BYTES = Buffer.from(
  'R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==',
  'base64',
);
