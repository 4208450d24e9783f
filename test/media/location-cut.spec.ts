import { open } from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { BufferReader, CountingReader, FileHandleReader } from '../../lib/media/byte-reader.js';
import { planLocationCut } from '../../lib/media/inspect-media.js';
import type { LocationCut } from '../../lib/media/location-cut.js';
import { fixture, fixturePath } from '../helpers/fixtures.js';
import {
  assemble,
  chunksOf,
  exiftoolTags,
  jpegSegments,
  locationTags,
  newBytes,
  pngChunks,
} from '../helpers/location-files.js';

const location = (name: string): Buffer => fixture(`location/${name}`);

async function cutOf(bytes: Buffer, format: 'jpeg' | 'png'): Promise<LocationCut> {
  const cut = await planLocationCut(new BufferReader(bytes), format);
  if (cut === undefined) throw new Error('nothing was removed');
  return cut;
}

/** ExifTool's tags less the location, the serial numbers and what depends on the file's path. */
const otherTags = (tags: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(tags).filter(
      ([name]) => !locationTags({ [name]: 0 }).length && !/^(System|SourceFile)/.test(name),
    ),
  );

const pixels = (bytes: Buffer): Promise<Buffer> => sharp(bytes).raw().toBuffer();

describe.each([
  ['phone-mm.jpg', 'Big-endian (Motorola, MM)'],
  ['phone-ii.jpg', 'Little-endian (Intel, II)'],
])('planLocationCut: a phone JPEG, %s', (name, byteOrder) => {
  const original = location(name);

  it('finds the EXIF GPS IFD and serial numbers and the XMP GPS properties, which ExifTool then no longer sees', async () => {
    const before = exiftoolTags(original);
    expect(before['File:ExifByteOrder']).toBe(byteOrder);
    expect(locationTags(before).length).toBeGreaterThan(15); // the fixture has what it must lose

    const cut = await cutOf(original, 'jpeg');
    expect(cut.removed).toEqual(['gps', 'serial']);
    const cleaned = assemble(original, cut);
    expect(cleaned.length).toBe(cut.size);
    const after = exiftoolTags(cleaned);
    expect(locationTags(after)).toEqual([]);
    expect(after['ExifTool:Warning']).toBeUndefined();
    expect(after).toMatchObject({
      'IFD0:Orientation': 'Rotate 90 CW',
      'IFD0:Make': 'Apple',
      'IFD0:Model': 'iPhone 15 Pro',
      'ExifIFD:DateTimeOriginal': '2024:05:01 10:20:30',
      'ICC_Profile:ProfileDescription': 'sP3C',
      'XMP-dc:Title': 'Spring tea, 250 g',
      'IFD1:ThumbnailLength': 301,
    });
    // Everything else, to the last tag, is as it was.
    expect(otherTags(after)).toEqual(otherTags(before));
  });

  it('edits in place: the same length, and the XMP GPS values and EXIF GPS bytes are gone', async () => {
    const cut = await cutOf(original, 'jpeg');
    const cleaned = assemble(original, cut);
    expect(cleaned.length).toBe(original.length);
    for (const text of ['31,13.825002N', '121,28.422066E', 'F2LXK9ZQ1234', 'GPS']) {
      expect({ text, at: cleaned.indexOf(text) }).toEqual({ text, at: -1 });
    }
    // Our own reading of the result finds nothing more to remove.
    expect(await planLocationCut(new BufferReader(cleaned), 'jpeg')).toBeUndefined();
  });

  it('sends the image data as a range of the original, and every segment length holds', async () => {
    const cut = await cutOf(original, 'jpeg');
    const { sos } = jpegSegments(original);
    const last = cut.pieces.at(-1);
    // One range of the original from before SOS to the end: ICC, tables and the scan data.
    expect(last).toEqual({ start: expect.any(Number), end: original.length });
    expect(!(last instanceof Uint8Array) && last !== undefined && last.start <= sos).toBe(true);
    const cleaned = assemble(original, cut);
    const after = jpegSegments(cleaned); // throws if a length does not lead to the next marker
    expect(cleaned.subarray(after.sos).equals(original.subarray(sos))).toBe(true);
    // Only the two APP1 segments, EXIF and XMP, are new bytes.
    const app1 = jpegSegments(original).segments.filter((s) => s.marker === 0xe1);
    expect(cut.pieces.filter((p) => p instanceof Uint8Array)).toHaveLength(2);
    expect(newBytes(cut)).toBe(app1.reduce((n, s) => n + s.end - s.start, 0));
  });

  it('still decodes, with sharp, to the same pixels', async () => {
    const cleaned = assemble(original, await cutOf(original, 'jpeg'));
    expect((await pixels(cleaned)).equals(await pixels(original))).toBe(true);
  });

  it('reads the file once, through a file handle, and never past the metadata and a window', async () => {
    const handle = await open(fixturePath(`location/${name}`));
    try {
      const reader = new CountingReader(new FileHandleReader(handle, original.length));
      await planLocationCut(reader, 'jpeg');
      expect(reader.reads).toBe(1); // the first 4 KiB hold every segment before the image data
    } finally {
      await handle.close();
    }
  });
});

describe('planLocationCut: a JPEG with GPS in its XMP only', () => {
  const original = location('xmp-gps-only.jpg');

  it('blanks the XMP properties and leaves the EXIF segment as it was', async () => {
    const cut = await cutOf(original, 'jpeg');
    expect(cut.removed).toEqual(['gps', 'serial']); // aux:SerialNumber, exifEX:BodySerialNumber
    const cleaned = assemble(original, cut);
    const after = exiftoolTags(cleaned);
    expect(locationTags(after)).toEqual([]);
    expect(otherTags(after)).toEqual(otherTags(exiftoolTags(original)));
    const exif = (bytes: Buffer) => jpegSegments(bytes).segments.find((s) => s.marker === 0xe1)!;
    const before = exif(original);
    expect(cut.pieces[0]).toEqual({ start: 0, end: before.end }); // SOI and EXIF, unread copies of neither
    expect((await pixels(cleaned)).equals(await pixels(original))).toBe(true);
  });
});

describe('planLocationCut: a PNG with eXIf and an XMP iTXt', () => {
  const original = location('phone.png');

  it('removes the GPS IFD, the serials and the XMP GPS; keeps the rest; every CRC holds', async () => {
    const before = exiftoolTags(original);
    expect(locationTags(before).length).toBeGreaterThan(15);
    const cut = await cutOf(original, 'png');
    expect(cut.removed).toEqual(['gps', 'serial']);
    const cleaned = assemble(original, cut);
    expect(cleaned.length).toBe(original.length);
    const after = exiftoolTags(cleaned);
    expect(locationTags(after)).toEqual([]);
    expect(after['ExifTool:Warning']).toBeUndefined();
    expect(after).toMatchObject({ 'IFD0:Orientation': 'Rotate 90 CW', 'IFD0:Make': 'Apple' });
    expect(otherTags(after)).toEqual(otherTags(before));
    expect(pngChunks(cleaned).filter((c) => !c.crcOk)).toEqual([]);
    expect(cleaned.indexOf('31,13.825002N')).toBe(-1);
    expect(await planLocationCut(new BufferReader(cleaned), 'png')).toBeUndefined();
  });

  it('sends IDAT as ranges of the original, and the image decodes to the same pixels', async () => {
    const cut = await cutOf(original, 'png');
    const idat = pngChunks(original).find((c) => c.type === 'IDAT')!;
    const last = cut.pieces.at(-1);
    expect(last).toEqual({ start: expect.any(Number), end: original.length });
    expect(!(last instanceof Uint8Array) && last !== undefined && last.start <= idat.start).toBe(
      true,
    );
    const cleaned = assemble(original, cut);
    expect(chunksOf(cleaned, 'IDAT').equals(chunksOf(original, 'IDAT'))).toBe(true);
    expect((await pixels(cleaned)).equals(await pixels(original))).toBe(true);
  });
});

describe('planLocationCut: nothing to remove', () => {
  it.each([
    ['location/clean.jpg', 'jpeg'],
    ['location/clean.png', 'png'],
    ['photo-baseline.jpg', 'jpeg'],
    ['photo.png', 'png'],
  ] as const)('%s goes byte for byte', async (name, format) => {
    const bytes = fixture(name);
    expect(locationTags(exiftoolTags(bytes))).toEqual([]);
    expect(await planLocationCut(new BufferReader(bytes), format)).toBeUndefined();
  });

  it('passes other formats by, unread', async () => {
    const reader = new CountingReader(new BufferReader(fixture('clip-faststart.mp4')));
    expect(await planLocationCut(reader, 'mp4')).toBeUndefined();
    expect(reader.reads).toBe(0);
  });
});
