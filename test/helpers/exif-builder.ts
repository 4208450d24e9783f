// EXIF built field by field, for the hostile location-cut specs: a TIFF block laid out as
// ExifTool lays it out (each IFD's table, then its values), whose offsets a test then damages.
import { crc32 } from 'node:zlib';

interface Field {
  type: number;
  count: number;
  data: Buffer;
}
type Value = Field | { ifd: string };

export interface IfdSpec {
  entries: [tag: number, value: Value][];
  /** The IFD that follows in the chain (IFD0 → IFD1). */
  next?: string;
}

export interface Built {
  bytes: Buffer;
  little: boolean;
  /** Where each IFD's table starts. */
  ifd: Record<string, number>;
  /** Where an entry starts, by "IFD:tag". */
  entry: (ifd: string, tag: number) => number;
  /** Where an entry's value is (in the entry when it fits in 4 bytes), by "IFD:tag". */
  value: (ifd: string, tag: number) => number;
}

const SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 10: 8, 12: 8, 13: 4 };

/** A TIFF block of the given IFDs, IFD0 first, little-endian (II) or big-endian (MM). */
export function buildTiff(little: boolean, ifds: Record<string, IfdSpec>): Built {
  const names = Object.keys(ifds);
  const ifdAt: Record<string, number> = {};
  const valueAt = new Map<string, number>();
  let at = 8;
  for (const name of names) {
    const spec = ifds[name]!;
    ifdAt[name] = at;
    at += 2 + 12 * spec.entries.length + 4;
    for (const [tag, value] of spec.entries) {
      if ('ifd' in value || value.data.length <= 4) continue;
      valueAt.set(`${name}:${tag}`, at);
      at += value.data.length + (value.data.length % 2); // word-aligned, as TIFF wants
    }
  }
  const bytes = Buffer.alloc(at);
  const w16 = (n: number, i: number) =>
    little ? bytes.writeUInt16LE(n, i) : bytes.writeUInt16BE(n, i);
  const w32 = (n: number, i: number) =>
    little ? bytes.writeUInt32LE(n, i) : bytes.writeUInt32BE(n, i);
  bytes.write(little ? 'II' : 'MM', 0, 'latin1');
  w16(42, 2);
  w32(8, 4);
  for (const name of names) {
    const spec = ifds[name]!;
    const table = ifdAt[name]!;
    w16(spec.entries.length, table);
    spec.entries.forEach(([tag, value], i) => {
      const entry = table + 2 + 12 * i;
      w16(tag, entry);
      if ('ifd' in value) {
        w16(4, entry + 2);
        w32(1, entry + 4);
        w32(ifdAt[value.ifd]!, entry + 8);
        return;
      }
      w16(value.type, entry + 2);
      w32(value.count, entry + 4);
      const out = valueAt.get(`${name}:${tag}`);
      if (out === undefined) value.data.copy(bytes, entry + 8);
      else {
        w32(out, entry + 8);
        value.data.copy(bytes, out);
      }
    });
    w32(spec.next === undefined ? 0 : ifdAt[spec.next]!, table + 2 + 12 * spec.entries.length);
  }
  const entry = (ifd: string, tag: number): number => {
    const index = ifds[ifd]!.entries.findIndex(([t]) => t === tag);
    return ifdAt[ifd]! + 2 + 12 * index;
  };
  return {
    bytes,
    little,
    ifd: ifdAt,
    entry,
    value: (ifd, tag) => valueAt.get(`${ifd}:${tag}`) ?? entry(ifd, tag) + 8,
  };
}

/** Field values, in the block's byte order. */
export const values = (little: boolean) => {
  const numbers = (type: number, ns: number[]): Field => {
    const size = SIZES[type]!;
    const data = Buffer.alloc(size * ns.length);
    ns.forEach((n, i) => {
      if (size === 2 && little) data.writeUInt16LE(n, 2 * i);
      else if (size === 2) data.writeUInt16BE(n, 2 * i);
      else if (little) data.writeUInt32LE(n, 4 * i);
      else data.writeUInt32BE(n, 4 * i);
    });
    return { type, count: ns.length, data };
  };
  return {
    ascii: (text: string): Field => {
      const data = Buffer.from(`${text}\0`, 'latin1');
      return { type: 2, count: data.length, data };
    },
    short: (...ns: number[]) => numbers(3, ns),
    long: (...ns: number[]) => numbers(4, ns),
    rational: (...pairs: [number, number][]): Field => ({
      type: 5,
      count: pairs.length,
      data: numbers(4, pairs.flat()).data,
    }),
    ifd: (name: string): Value => ({ ifd: name }),
  };
};

/** Latitude 31° 13' 49.50" as three rationals: bytes no other field of these files holds. */
export const LATITUDE: [number, number][] = [
  [31, 1],
  [13, 1],
  [4950, 100],
];

/** The latitude's bytes in a block of the given byte order. */
export const latitudeBytes = (little: boolean): Buffer => values(little).rational(...LATITUDE).data;

/** A phone's EXIF: IFD0 with make, orientation and a camera serial, ExifIFD, GPS, and IFD1. */
export function phoneExif(little: boolean): Built {
  const v = values(little);
  return buildTiff(little, {
    IFD0: {
      entries: [
        [0x010f, v.ascii('Apple')],
        [0x0110, v.ascii('iPhone 15 Pro')],
        [0x0112, v.short(6)],
        [0x8769, v.ifd('ExifIFD')],
        [0x8825, v.ifd('GPS')],
        [0xc62f, v.ascii('F2LXK9ZQ1234')],
      ],
      next: 'IFD1',
    },
    ExifIFD: {
      entries: [
        [0x9003, v.ascii('2024:05:01 10:20:30')],
        [0xa431, v.ascii('F2LXK9ZQ1234')],
      ],
    },
    GPS: {
      entries: [
        [0x0001, v.ascii('N')],
        [0x0002, v.rational(...LATITUDE)],
        [0x0003, v.ascii('E')],
        [0x0004, v.rational([121, 1], [28, 1], [2532, 100])],
      ],
    },
    IFD1: { entries: [[0x0103, v.short(6)]] },
  });
}

/** A JPEG APP1 EXIF segment around a TIFF block (marker, length, "Exif\0\0", block). */
export function exifSegment(tiff: Buffer, declaredLength = 2 + 6 + tiff.length): Buffer {
  const head = Buffer.from([0xff, 0xe1, declaredLength >> 8, declaredLength & 0xff]);
  return Buffer.concat([head, Buffer.from('Exif\0\0', 'latin1'), tiff]);
}

/** A JPEG segment of any marker around a payload. */
export function segment(marker: number, payload: Buffer): Buffer {
  const length = payload.length + 2;
  return Buffer.concat([Buffer.from([0xff, marker, length >> 8, length & 0xff]), payload]);
}

/** `base` (a JPEG) with segments put in after its SOI. */
export const jpegWith = (base: Buffer, ...segments: Buffer[]): Buffer =>
  Buffer.concat([base.subarray(0, 2), ...segments, base.subarray(2)]);

/** A PNG chunk; `crc` overrides the right one. */
export function pngChunk(type: string, data: Buffer, crc?: number): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(crc ?? crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, tail]);
}

/** `base` (a PNG) with chunks put in after IHDR, and others before IEND. */
export function pngWith(base: Buffer, early: Buffer[], late: Buffer[] = []): Buffer {
  const ihdrEnd = 8 + 12 + 13;
  const iend = base.length - 12;
  return Buffer.concat([
    base.subarray(0, ihdrEnd),
    ...early,
    base.subarray(ihdrEnd, iend),
    ...late,
    base.subarray(iend),
  ]);
}
