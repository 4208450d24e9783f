import { describe, expect, it } from 'vitest';
import { exifSegment, jpegWith, phoneExif, pngChunk, pngWith } from '../helpers/exif-builder.js';
import { fixture } from '../helpers/fixtures.js';
import { clean, expectNoPosition } from '../helpers/location-cuts.js';

// Hostile shapes that cost a walk the most: its reads and its time stay bounded, and a position
// past the bound is not sent either.
const baseJpeg = fixture('photo-baseline.jpg');
const basePng = fixture('photo.png');
const KiB = 1024;

describe('read bounds', () => {
  const emptyComments = (n: number) =>
    Buffer.concat(Array<Buffer>(n).fill(Buffer.from([0xff, 0xfe, 0x00, 0x02])));

  it('10,000 empty segments before the EXIF: found and cleaned in a few reads', async () => {
    const jpeg = jpegWith(baseJpeg, emptyComments(10_000), exifSegment(phoneExif(true).bytes));
    const { cut, out, reads } = await clean(jpeg, 'jpeg');
    expect(cut?.removed).toEqual(['gps', 'serial']);
    expectNoPosition(out);
    expect(reads).toBeLessThanOrEqual(8);
  });

  it('70,000 segments before the image data: the walk stops at its bound, soon', async () => {
    const jpeg = jpegWith(baseJpeg, emptyComments(70_000), exifSegment(phoneExif(true).bytes));
    const started = performance.now();
    const { cut, out, reads } = await clean(jpeg, 'jpeg');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(cut?.removed).toEqual(['exif', 'xmp']);
    expectNoPosition(out);
    expect(reads).toBeLessThanOrEqual(16);
  });

  it('4 MiB of fill bytes: read through in 64 KiB reads', async () => {
    const jpeg = jpegWith(
      baseJpeg,
      Buffer.alloc(4096 * KiB, 0xff),
      exifSegment(phoneExif(true).bytes),
    );
    const { cut, out, reads, bytesRead } = await clean(jpeg, 'jpeg');
    expect(cut?.removed).toEqual(['gps', 'serial']);
    expectNoPosition(out);
    expect(reads).toBeLessThanOrEqual(80);
    expect(bytesRead).toBeLessThanOrEqual(jpeg.length + 128 * KiB);
  });

  it('a 10 MiB PNG of 8 KiB IDAT chunks with eXIf at the end: IDAT headers only are read', async () => {
    const idat = pngChunk('IDAT', Buffer.alloc(8 * KiB, 0x55));
    const png = pngWith(
      basePng,
      [],
      [...Array<Buffer>(1280).fill(idat), pngChunk('eXIf', phoneExif(true).bytes)],
    );
    const { cut, out, reads, bytesRead } = await clean(png, 'png');
    expect(cut?.removed).toEqual(['gps', 'serial']);
    expectNoPosition(out);
    expect(reads).toBeLessThanOrEqual(1300);
    expect(bytesRead).toBeLessThan(64 * KiB);
  });

  it('100,000 empty chunks: the walk stops at its bound, soon', async () => {
    const tiny = pngChunk('tIMe', Buffer.alloc(0));
    const png = pngWith(basePng, [
      ...Array<Buffer>(100_000).fill(tiny),
      pngChunk('eXIf', phoneExif(true).bytes),
    ]);
    const started = performance.now();
    const { cut, out, reads } = await clean(png, 'png');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(cut?.removed).toEqual(['exif', 'xmp']);
    expectNoPosition(out);
    expect(reads).toBeLessThanOrEqual(64);
  });
});
