// Real media bytes for the bench and the soak run, padded to a given size.
import { crc32, deflateSync } from 'node:zlib';

/**
 * A PNG of `width` × `height` (8-bit greyscale), padded to `size` bytes by a private ancillary
 * chunk (`paDd`) before IEND: decoders skip it, and the file still ends with IEND, as a whole PNG
 * must. Padding needs at least 12 bytes (an empty chunk); a smaller gap cannot be filled.
 */
export function pngOf(width, height, size = 0) {
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
  const image = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc((width + 1) * height))),
  ]);
  const iend = chunk('IEND', Buffer.alloc(0));
  const gap = size - image.length - iend.length;
  if (gap > 0 && gap < 12) throw new Error(`cannot pad a ${image.length + 12}-byte PNG to ${size}`);
  const padding = gap > 0 ? [chunk('paDd', Buffer.alloc(gap - 12, 7))] : [];
  return Buffer.concat([image, ...padding, iend]);
}

/** A progressive JPEG header of `width` × `height` after 128 KiB of APP1 segments, padded to `size`. */
export function jpegOf(width, height, size) {
  const segment = (marker, payload) => {
    const head = Buffer.from([0xff, marker, 0, 0]);
    head.writeUInt16BE(payload.length + 2, 2);
    return Buffer.concat([head, payload]);
  };
  const sof = Buffer.alloc(15);
  sof[0] = 8;
  sof.writeUInt16BE(height, 1);
  sof.writeUInt16BE(width, 3);
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

/** An MP4 of `seconds`, `size` bytes, with `moov` after `mdat`. */
export function mp4Of(seconds, size) {
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
  return Buffer.concat([ftyp, mdat, moov]);
}
