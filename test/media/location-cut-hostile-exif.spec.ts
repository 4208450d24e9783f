import { describe, expect, it } from 'vitest';
import {
  exifSegment,
  jpegWith,
  latitudeBytes,
  phoneExif,
  pngChunk,
  pngWith,
  type Built,
} from '../helpers/exif-builder.js';
import { fixture } from '../helpers/fixtures.js';
import { clean, expectNoPosition } from '../helpers/location-cuts.js';
import { exiftoolTags, locationTags, pngChunks } from '../helpers/location-files.js';

const baseJpeg = fixture('photo-baseline.jpg');
const basePng = fixture('photo.png');

/** Writes a 16- or 32-bit field in the block's byte order. */
const put16 = (b: Built, at: number, n: number) =>
  b.little ? b.bytes.writeUInt16LE(n, at) : b.bytes.writeUInt16BE(n, at);
const put32 = (b: Built, at: number, n: number) =>
  b.little ? b.bytes.writeUInt32LE(n, at) : b.bytes.writeUInt32BE(n, at);

/** A phone's EXIF, damaged by `damage`, in a JPEG. */
function jpegOf(little: boolean, damage: (b: Built) => void = () => {}): Buffer {
  const built = phoneExif(little);
  damage(built);
  return jpegWith(baseJpeg, exifSegment(built.bytes));
}

describe.each([
  ['II', true],
  ['MM', false],
])('hostile EXIF in a JPEG APP1, %s byte order', (_order, little) => {
  it('as a phone writes it: GPS and serials go, ExifTool still reads make and orientation', async () => {
    const { cut, out, reads } = await clean(jpegOf(little), 'jpeg');
    expect(cut?.removed).toEqual(['gps', 'serial']);
    expectNoPosition(out);
    const tags = exiftoolTags(out);
    expect(locationTags(tags)).toEqual([]);
    expect(tags).toMatchObject({ 'IFD0:Make': 'Apple', 'IFD0:Orientation': 'Rotate 90 CW' });
    expect(reads).toBe(1);
  });

  it.each<[string, (b: Built) => void, string[]]>([
    [
      'GPSInfo points outside the segment',
      (b) => put32(b, b.entry('IFD0', 0x8825) + 8, 0xfffffff0),
      ['gps', 'serial'],
    ],
    [
      'GPSLatitude’s value points outside the segment',
      (b) => put32(b, b.entry('GPS', 2) + 8, 0xffffff00),
      ['gps', 'serial'],
    ],
    [
      'GPSLatitude’s value points into IFD0',
      (b) => put32(b, b.entry('GPS', 2) + 8, b.ifd.IFD0!),
      ['gps', 'serial'],
    ],
    [
      'ExifIFD points outside the segment',
      (b) => put32(b, b.entry('IFD0', 0x8769) + 8, 0x7fffffff),
      ['exif'],
    ],
    ['IFD0 is outside the segment', (b) => put32(b, 4, b.bytes.length + 2), ['exif']],
    ['IFD0’s count runs past the segment', (b) => put16(b, b.ifd.IFD0!, 0x4000), ['exif']],
    ['the GPS IFD claims 65,535 entries', (b) => put16(b, b.ifd.GPS!, 0xffff), ['gps', 'serial']],
    [
      'IFD1’s next IFD is IFD0: a loop',
      (b) => put32(b, b.ifd.IFD1! + 2 + 12, b.ifd.IFD0!),
      ['gps', 'serial'],
    ],
    [
      'ExifIFD points back at IFD0',
      (b) => put32(b, b.entry('IFD0', 0x8769) + 8, b.ifd.IFD0!),
      ['gps', 'serial'],
    ],
    [
      'an ExifIFD entry of type IFD points at ExifIFD itself',
      (b) => {
        const entry = b.entry('ExifIFD', 0x9003);
        put16(b, entry + 2, 13);
        put32(b, entry + 4, 1);
        put32(b, entry + 8, b.ifd.ExifIFD!);
      },
      ['gps', 'serial'],
    ],
    [
      'GPSLatitude’s count × size overflows 32 bits (DOUBLE × 0x20000001 wraps to 8)',
      (b) => {
        put16(b, b.entry('GPS', 2) + 2, 12);
        put32(b, b.entry('GPS', 2) + 4, 0x20000001);
      },
      ['gps', 'serial'],
    ],
    [
      'Make’s count × size overflows 32 bits',
      (b) => {
        put16(b, b.entry('IFD0', 0x010f) + 2, 12);
        put32(b, b.entry('IFD0', 0x010f) + 4, 0x20000001);
      },
      ['gps', 'serial'],
    ],
    [
      'GPSInfo’s tag is damaged and IFD1’s next IFD is the GPS IFD',
      (b) => {
        put16(b, b.entry('IFD0', 0x8825), 0x8824);
        put32(b, b.ifd.IFD1! + 2 + 12, b.ifd.GPS!);
      },
      ['gps', 'serial'],
    ],
    [
      'an IFD0 entry has a type EXIF does not define',
      (b) => put16(b, b.entry('IFD0', 0x0110) + 2, 0xcc),
      ['exif'],
    ],
    [
      'no GPSInfo, and Make’s count × size wraps in 32 bits to a span over the GPS IFD',
      (b) => {
        const at = b.entry('IFD0', 0x8825);
        b.bytes.copyWithin(at, at + 12, b.ifd.IFD0! + 2 + 12 * 6 + 4);
        put16(b, b.ifd.IFD0!, 5);
        const make = b.entry('IFD0', 0x010f);
        put16(b, make + 2, 12); // DOUBLE: 8 bytes × 0x20000008 = 2^32 + 64
        put32(b, make + 4, 0x20000008);
        put32(b, make + 8, b.ifd.GPS!);
      },
      ['gps', 'serial'],
    ],
    [
      'a tool took GPSInfo out of IFD0 but left the GPS IFD behind',
      (b) => {
        const at = b.entry('IFD0', 0x8825);
        b.bytes.copyWithin(at, at + 12, b.ifd.IFD0! + 2 + 12 * 6 + 4); // shift up, next IFD too
        put16(b, b.ifd.IFD0!, 5);
      },
      ['gps', 'serial'],
    ],
  ])('%s: no throw, and the position is gone', async (_what, damage, removed) => {
    const hostile = jpegOf(little, damage);
    expect(hostile.includes(latitudeBytes(little))).toBe(true); // there is a position to lose
    const { cut, out, reads } = await clean(hostile, 'jpeg');
    expect(cut?.removed).toEqual(removed);
    expectNoPosition(out);
    expect(reads).toBe(1);
  });

  it('ExifTool sees no GPS where a tool took GPSInfo out, yet the bytes were there to find', async () => {
    const orphaned = jpegOf(little, (b) => {
      const at = b.entry('IFD0', 0x8825);
      b.bytes.copyWithin(at, at + 12, b.ifd.IFD0! + 2 + 12 * 6 + 4);
      put16(b, b.ifd.IFD0!, 5);
    });
    expect(locationTags(exiftoolTags(orphaned))).toEqual([
      'IFD0:CameraSerialNumber',
      'ExifIFD:SerialNumber',
    ]);
    expect((await clean(orphaned, 'jpeg')).cut?.removed).toEqual(['gps', 'serial']);
  });

  it('an APP1 shorter than its TIFF block: the walk breaks off there, and the rest goes', async () => {
    const built = phoneExif(little);
    const short = exifSegment(built.bytes, 2 + 6 + built.ifd.GPS!); // ends before the GPS IFD
    const { cut, out } = await clean(jpegWith(baseJpeg, short), 'jpeg');
    expect(cut?.removed).toEqual(['exif', 'xmp']);
    expectNoPosition(out);
    expect(out.equals(baseJpeg.subarray(0, 2))).toBe(true); // SOI, and nothing after the break
  });

  it('an APP1 that runs past the end of the file (a truncated upload)', async () => {
    const whole = jpegOf(little);
    for (const end of [6, 40, 200, whole.length - baseJpeg.length]) {
      const { cut, out } = await clean(whole.subarray(0, end), 'jpeg');
      expect({ end, removed: cut?.removed }).toEqual({ end, removed: ['exif', 'xmp'] });
      expectNoPosition(out);
    }
  });

  it('an APP1 whose identifier is damaged, or EXIF under another marker, is dropped', async () => {
    const segment = exifSegment(phoneExif(little).bytes);
    const misnamed = Buffer.from(segment);
    misnamed.write('Exiq', 4, 'latin1');
    const remarked = Buffer.from(segment);
    remarked[1] = 0xe4; // APP4
    const both = Buffer.from(remarked);
    both[4] = 0; // "\0xif\0\0", then the TIFF header
    for (const damaged of [misnamed, remarked, both]) {
      const { cut, out } = await clean(jpegWith(baseJpeg, damaged), 'jpeg');
      expect(cut?.removed).toEqual(['exif']);
      expectNoPosition(out);
      expect(out.equals(baseJpeg)).toBe(true);
    }
  });

  it.each([
    ['a reserved marker (0x02–0xBF)', 0x02],
    ['SOS before any frame header', 0xda],
    ['EOI before any frame header', 0xd9],
  ])('EXIF under %s: the segments break off there', async (_what, marker) => {
    const damaged = exifSegment(phoneExif(little).bytes);
    damaged[1] = marker;
    const { cut, out } = await clean(jpegWith(baseJpeg, damaged), 'jpeg');
    expect(cut?.removed).toEqual(['exif', 'xmp']);
    expect(out.equals(baseJpeg.subarray(0, 2))).toBe(true);
  });
});

describe.each([
  ['II', true],
  ['MM', false],
])('hostile EXIF in a PNG eXIf chunk, %s byte order', (_order, little) => {
  const exif = (built = phoneExif(little)) => pngChunk('eXIf', built.bytes);

  it('before or after IDAT, and with ExifTool’s "Exif\\0\\0" prefix, is cleaned in place', async () => {
    const prefixed = pngChunk(
      'eXIf',
      Buffer.concat([Buffer.from('Exif\0\0'), phoneExif(little).bytes]),
    );
    for (const png of [
      pngWith(basePng, [exif()]),
      pngWith(basePng, [], [exif()]),
      pngWith(basePng, [prefixed]),
    ]) {
      const { cut, out } = await clean(png, 'png');
      expect(cut?.removed).toEqual(['gps', 'serial']);
      expect(out.length).toBe(png.length);
      expectNoPosition(out);
      expect(pngChunks(out).every((c) => c.crcOk)).toBe(true);
      expect(exiftoolTags(out)).toMatchObject({ 'IFD0:Make': 'Apple' });
    }
  });

  it('an eXIf with a bad CRC is dropped whole', async () => {
    const good = exif();
    const bad = pngChunk('eXIf', phoneExif(little).bytes, good.readUInt32BE(good.length - 4) ^ 1);
    const { cut, out } = await clean(pngWith(basePng, [bad]), 'png');
    expect(cut?.removed).toEqual(['exif']);
    expect(out.equals(basePng)).toBe(true);
  });

  it('two eXIf chunks, a zxIf, an eXIf whose type is damaged: none keeps a position', async () => {
    const other = phoneExif(!little);
    const png = pngWith(
      basePng,
      [exif(), pngChunk('zxIf', Buffer.from('compressed EXIF, never adopted'))],
      [exif(other), pngChunk('eXIg', phoneExif(little).bytes)],
    );
    const { cut, out } = await clean(png, 'png');
    expect(cut?.removed).toEqual(['gps', 'serial', 'exif']);
    expectNoPosition(out);
    expect(pngChunks(out).map((c) => c.type)).toEqual([
      'IHDR',
      'eXIf',
      'pHYs',
      'IDAT',
      'eXIf',
      'IEND',
    ]);
  });

  it('an eXIf whose type and TIFF header are both damaged has no mark of EXIF, but a bad CRC', async () => {
    const damaged = exif();
    damaged.write('eXIA', 4, 'latin1');
    damaged[8] = 0; // the TIFF header's first byte
    const { cut, out } = await clean(pngWith(basePng, [damaged]), 'png');
    expect(cut?.removed).toEqual(['exif', 'xmp']); // what it was cannot be told
    expect(out.equals(basePng)).toBe(true);
  });
});
