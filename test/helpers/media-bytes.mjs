// Real media bytes, built field by field: PNG chunks with their CRC, JPEG marker segments and
// ISO BMFF boxes. One implementation for the Vitest specs, the bench and the soak run; plain Node
// ESM with JSDoc types, so the scripts import it as it is and the specs get its types.
import { crc32, deflateSync } from 'node:zlib';

/**
 * A real PNG of `width` × `height`, 1-bit greyscale, so that even 1080 × 10800 stays small.
 * @param {number} width
 * @param {number} height
 * @returns {Buffer}
 */
export function makePng(width, height) {
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

/**
 * A PNG chunk: length, type, data and the CRC of type and data.
 * @param {string} type
 * @param {Buffer} data
 * @returns {Buffer}
 */
function chunk(type, data) {
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
 * @param {Buffer} png
 * @param {number} size
 * @returns {Buffer}
 */
export function padTo(png, size) {
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

/**
 * Big-endian 32-bit fields, one after the other.
 * @param {...number} values
 * @returns {Buffer}
 */
export function u32(...values) {
  const bytes = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => bytes.writeUInt32BE(v, 4 * i));
  return bytes;
}

/**
 * Big-endian 64-bit fields, one after the other.
 * @param {...bigint} values
 * @returns {Buffer}
 */
export function u64(...values) {
  const bytes = Buffer.alloc(8 * values.length);
  values.forEach((v, i) => bytes.writeBigUInt64BE(v, 8 * i));
  return bytes;
}

/**
 * An ISO BMFF box.
 * @param {string} type
 * @param {...Buffer} payload
 * @returns {Buffer}
 */
export function box(type, ...payload) {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

/**
 * An ISO BMFF full box: a box whose payload starts with a version byte and 24 bits of flags.
 * @param {string} type
 * @param {number} version
 * @param {number} flags
 * @param {...Buffer} fields
 * @returns {Buffer}
 */
export function fullBox(type, version, flags, ...fields) {
  return box(
    type,
    Buffer.from([version, (flags >> 16) & 0xff, (flags >> 8) & 0xff, flags & 0xff]),
    ...fields,
  );
}

/**
 * An `ftyp` box with the given major brand and compatible brands.
 * @param {string} major
 * @param {...string} compatible
 * @returns {Buffer}
 */
export function ftyp(major, ...compatible) {
  const minor = Buffer.alloc(4);
  return box(
    'ftyp',
    Buffer.from(major, 'latin1'),
    minor,
    Buffer.from(compatible.join(''), 'latin1'),
  );
}

/**
 * An `mvhd` box, version 0 or 1.
 * @param {number} timescale
 * @param {bigint} duration
 * @param {0 | 1} [version]
 * @returns {Buffer}
 */
export function mvhd(timescale, duration, version = 0) {
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

/**
 * @typedef {object} Mp4Shape
 * @property {number} [timescale]
 * @property {bigint} duration Duration in timescale units.
 * @property {0 | 1} [version]
 * @property {number} [mdatBytes] Size of the `mdat` payload.
 * @property {number} [size] Size of the whole file: the `mdat` payload fills what the other boxes
 *   leave (instead of `mdatBytes`).
 * @property {number} [trakBytes] Bytes of padding (a `free` box) in the `trak`: none unless told.
 * @property {boolean} [moovAtEnd]
 * @property {boolean} [fragmented] Announce fragments (an empty `mvex`), as `-movflags
 *   empty_moov` does, but write none.
 * @property {string} [major]
 * @property {string[]} [compatible]
 */

/**
 * A track as real files have one: its header (tkhd) and its media header (mdhd, which declares no
 * duration: mvhd gives the movie's), and `padding` bytes more.
 * @param {number} padding
 * @returns {Buffer}
 */
function track(padding) {
  const tkhd = fullBox('tkhd', 0, 3, Buffer.alloc(8), u32(1), Buffer.alloc(68));
  const mdhd = fullBox('mdhd', 0, 0, Buffer.alloc(8), u32(1000), u32(0), Buffer.alloc(4));
  return box(
    'trak',
    tkhd,
    box('mdia', mdhd),
    ...(padding > 0 ? [box('free', Buffer.alloc(padding))] : []),
  );
}

/**
 * A structurally valid MP4: ftyp, then moov (mvhd and one track) and mdat in either order.
 * @param {Mp4Shape} shape
 * @returns {Buffer}
 */
export function makeMp4(shape) {
  const moov = box(
    'moov',
    mvhd(shape.timescale ?? 1000, shape.duration, shape.version ?? 0),
    track(shape.trakBytes ?? 0),
    ...(shape.fragmented ? [box('mvex')] : []),
  );
  const head = ftyp(
    shape.major ?? 'isom',
    ...(shape.compatible ?? ['isom', 'iso2', 'avc1', 'mp41']),
  );
  const mdatBytes =
    shape.size === undefined ? (shape.mdatBytes ?? 64) : shape.size - head.length - moov.length - 8;
  if (mdatBytes < 0) throw new Error(`an MP4 of these boxes takes more than ${shape.size} bytes`);
  const mdat = box('mdat', Buffer.alloc(mdatBytes, 0x11));
  return Buffer.concat(shape.moovAtEnd ? [head, mdat, moov] : [head, moov, mdat]);
}

/**
 * A JPEG marker segment with its length.
 * @param {number} marker
 * @param {Buffer} payload
 * @returns {Buffer}
 */
function segment(marker, payload) {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/**
 * @typedef {object} JpegShape
 * @property {number} width
 * @property {number} height
 * @property {boolean} [progressive] SOF2 rather than SOF0.
 * @property {Buffer[]} [appSegments] The APPn payloads: the first in APP0, the others in APP1.
 * @property {boolean} [quantizationTable] A DQT segment between the APPn segments and the frame
 *   (true unless told).
 * @property {number} [size] Size of the whole file: the scan data fills what the segments leave
 *   (32 bytes without it).
 */

/**
 * A JPEG built segment by segment: SOI, the given APPn payloads, a start-of-frame (SOF0 baseline or
 * SOF2 progressive) of `width` × `height`, then a scan and EOI.
 * @param {JpegShape} opts
 * @returns {Buffer}
 */
export function makeJpeg(opts) {
  const sof = Buffer.alloc(15);
  sof.writeUInt8(8, 0);
  sof.writeUInt16BE(opts.height, 1);
  sof.writeUInt16BE(opts.width, 3);
  sof.writeUInt8(3, 5);
  const apps = (
    opts.appSegments ?? [Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')]
  ).map((p, i) => segment(i === 0 ? 0xe0 : 0xe1, p));
  const head = Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    ...apps,
    ...(opts.quantizationTable === false ? [] : [segment(0xdb, Buffer.alloc(65))]),
    segment(opts.progressive ? 0xc2 : 0xc0, sof),
    segment(0xda, Buffer.alloc(10)),
  ]);
  const scanBytes = opts.size === undefined ? 32 : opts.size - head.length - 2;
  if (scanBytes < 0) throw new Error(`a JPEG of these segments takes more than ${opts.size} bytes`);
  return Buffer.concat([head, Buffer.alloc(scanBytes, 0x5a), Buffer.from([0xff, 0xd9])]);
}

/**
 * Large APPn payloads (EXIF, ICC) in 65 000-byte segments, `total` bytes in all.
 * @param {number} total
 * @returns {Buffer[]}
 */
export function bigAppSegments(total) {
  /** @type {Buffer[]} */
  const out = [];
  for (let left = total; left > 0; left -= 65_000)
    out.push(Buffer.alloc(Math.min(65_000, left), 0x45));
  return out;
}

/** A 1 × 1 GIF. */
export const GIF_BYTES = Buffer.from(
  'R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==',
  'base64',
);
