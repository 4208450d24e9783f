import { open } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BufferReader, CountingReader, FileHandleReader } from '../../lib/media/byte-reader.js';
import { inspectMedia } from '../../lib/media/inspect-media.js';
import { fixture, fixturePath } from '../helpers/fixtures.js';
import {
  bigAppSegments,
  box,
  ftyp,
  makeJpeg,
  makeMp4,
  makePng,
  mvhd,
} from '../helpers/media-bytes.mjs';

const inspect = (bytes: Uint8Array) => inspectMedia(new BufferReader(bytes));

describe('inspectMedia: formats from the bytes', () => {
  it.each([
    ['photo.png', 'png'],
    ['photo-baseline.jpg', 'jpeg'],
    ['photo-progressive.jpg', 'jpeg'],
    ['photo.gif', 'gif'],
    ['photo.bmp', 'bmp'],
    ['photo.webp', 'webp'],
    ['clip-moov-end.mp4', 'mp4'],
    ['clip-faststart.mp4', 'mp4'],
    ['clip.mov', 'quicktime'],
  ])('%s is %s', async (name, format) => {
    expect((await inspect(fixture(name))).format).toBe(format);
  });

  it('recognises HEIC and AVIF by their ftyp brands', async () => {
    expect((await inspect(Buffer.concat([ftyp('heic', 'mif1', 'heic'), box('meta')]))).format).toBe(
      'heic',
    );
    expect((await inspect(Buffer.concat([ftyp('avif', 'mif1', 'avif'), box('meta')]))).format).toBe(
      'avif',
    );
  });

  it('never trusts a name: a PNG is a PNG whatever it is called', async () => {
    expect((await inspect(makePng(3, 2))).format).toBe('png');
  });

  it('calls random bytes unknown', async () => {
    expect((await inspect(Buffer.from('hello, world: not media'))).format).toBe('unknown');
  });
});

describe('PNG', () => {
  it('reads width and height from IHDR', async () => {
    expect(await inspect(fixture('photo.png'))).toEqual({ format: 'png', width: 64, height: 48 });
    expect(await inspect(makePng(1080, 10_800))).toMatchObject({ width: 1080, height: 10_800 });
  });

  it('reports a PNG cut inside its signature or IHDR as truncated', async () => {
    const png = makePng(10, 10);
    expect(await inspect(png.subarray(0, 12))).toEqual({
      format: 'png',
      unreadable: 'truncated PNG: no IHDR',
    });
    for (const cut of [20, 30, 32]) {
      expect(await inspect(png.subarray(0, cut))).toEqual({
        format: 'png',
        unreadable: 'truncated PNG: the file ends inside IHDR',
      });
    }
  });

  it('reports a PNG cut anywhere after its IHDR as truncated: it must end with IEND', async () => {
    const png = fixture('photo.png');
    for (const cut of [33, 40, 45, png.length - 12, png.length - 1]) {
      expect(await inspect(png.subarray(0, cut))).toEqual({
        format: 'png',
        unreadable: 'truncated PNG: the file does not end with an IEND chunk',
      });
    }
  });

  it('checks IEND with one 12-byte read at the end and IDAT by its header, never reading the image data', async () => {
    const png = makePng(1080, 10_800);
    const reader = new CountingReader(new BufferReader(png));
    expect(await inspectMedia(reader)).toEqual({ format: 'png', width: 1080, height: 10_800 });
    expect({ reads: reader.reads, bytesRead: reader.bytesRead }).toEqual({
      reads: 4, // sniff, signature + IHDR, IEND, the first IDAT's header
      bytesRead: Math.min(64, png.length) + 33 + 12 + 8,
    });
  });

  it('reports a PNG without image data (no IDAT) as unreadable, whatever chunks it holds', async () => {
    const png = makePng(10, 10);
    const idat = png.indexOf('IDAT') - 4;
    const idatEnd = idat + 12 + png.readUInt32BE(idat);
    const noIdat = Buffer.concat([png.subarray(0, idat), png.subarray(idatEnd)]);
    expect(await inspect(noIdat)).toEqual({
      format: 'png',
      unreadable: 'corrupt PNG: no image data (IDAT) before IEND',
    });
    // A flood of ancillary chunks before any IDAT stops at a bound.
    const text = Buffer.from([0, 0, 0, 0, 0x74, 0x45, 0x58, 0x74, 0, 0, 0, 0]);
    const flood = Buffer.concat([png.subarray(0, 33), ...Array(1500).fill(text), png.subarray(33)]);
    expect((await inspect(flood)).unreadable).toBe(
      'corrupt PNG: no image data (IDAT) within the first 1000 chunks',
    );
  });

  it('does not take bytes after IEND: a padded file does not end the way a PNG must', async () => {
    const padded = Buffer.concat([makePng(10, 10), Buffer.alloc(100)]);
    expect((await inspect(padded)).unreadable).toMatch(/^truncated PNG/);
  });

  it('reports an IHDR whose CRC does not match its bytes as truncated or damaged', async () => {
    const bad = makePng(10, 10);
    bad.writeUInt32BE(11, 16); // the width, under the CRC
    expect((await inspect(bad)).unreadable).toMatch(
      /^truncated or damaged PNG: the IHDR CRC is 0x[0-9A-F]{8}, its bytes give 0x[0-9A-F]{8}$/,
    );
  });

  it('reports an IHDR of zero pixels, its CRC right', async () => {
    const bad = makePng(10, 10);
    bad.writeUInt32BE(0, 16);
    bad.writeUInt32BE(crc32(bad.subarray(12, 29)), 29);
    expect((await inspect(bad)).unreadable).toBe('corrupt PNG: IHDR gives 0 × 10 px');
  });
});

describe('JPEG', () => {
  it('reads baseline and progressive frames', async () => {
    expect(await inspect(fixture('photo-baseline.jpg'))).toEqual({
      format: 'jpeg',
      width: 64,
      height: 48,
    });
    expect(await inspect(fixture('photo-progressive.jpg'))).toEqual({
      format: 'jpeg',
      width: 64,
      height: 48,
    });
    expect(await inspect(makeJpeg({ width: 1081, height: 500, progressive: true }))).toMatchObject({
      width: 1081,
      height: 500,
    });
  });

  it('finds the SOF after more than 128 KB of EXIF/ICC, reading only segment headers', async () => {
    const real = fixture('photo-baseline.jpg');
    const app = bigAppSegments(200 * 1024).map((payload) => {
      const head = Buffer.from([0xff, 0xe2, 0, 0]);
      head.writeUInt16BE(payload.length + 2, 2);
      return Buffer.concat([head, payload]);
    });
    const spliced = Buffer.concat([real.subarray(0, 2), ...app, real.subarray(2)]);
    const reader = new CountingReader(new BufferReader(spliced));
    expect(await inspectMedia(reader)).toEqual({ format: 'jpeg', width: 64, height: 48 });
    expect(reader.bytesRead).toBeLessThan(1024);
  });

  it('reports truncated and corrupt JPEGs', async () => {
    const real = fixture('photo-baseline.jpg');
    expect((await inspect(real.subarray(0, 3))).unreadable).toMatch(/^truncated JPEG/);
    expect((await inspect(real.subarray(0, 30))).unreadable).toMatch(/^truncated JPEG/);
    const noFrame = Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x04, 0, 0, 0xff, 0xd9]);
    expect((await inspect(noFrame)).unreadable).toBe(
      'corrupt JPEG: no start-of-frame before the image data',
    );
    const garbage = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0, 0, 0x12, 0x34, 0, 0]);
    expect((await inspect(garbage)).unreadable).toMatch(/^corrupt JPEG: expected a marker/);
  });

  it('reports a JPEG cut inside its start-of-frame segment as truncated', async () => {
    const jpeg = makeJpeg({ width: 300, height: 200 });
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    const sofEnd = sof + 2 + jpeg.readUInt16BE(sof + 2);
    // Past the size fields (sof + 9) but short of the component table's end.
    for (const cut of [sof + 9, sof + 10, sofEnd - 1]) {
      expect(await inspect(jpeg.subarray(0, cut))).toEqual({
        format: 'jpeg',
        unreadable: 'truncated JPEG: the start-of-frame is cut off',
      });
    }
    // Whole up to its frame, but no image data after it: cut short all the same.
    expect(await inspect(jpeg.subarray(0, sofEnd))).toEqual({
      format: 'jpeg',
      unreadable: 'truncated JPEG: no image data (SOS) after the frame',
    });
  });

  it('reports a JPEG whose image data has no end (EOI) as truncated, wherever it is cut', async () => {
    const jpeg = makeJpeg({ width: 300, height: 200, size: 5000 });
    const sos = jpeg.indexOf(Buffer.from([0xff, 0xda]));
    for (const cut of [sos + 14, sos + 100, jpeg.length - 2, jpeg.length - 1]) {
      expect(await inspect(jpeg.subarray(0, cut))).toEqual({
        format: 'jpeg',
        unreadable: 'truncated JPEG: the image data has no end (EOI)',
      });
    }
    expect(await inspect(jpeg)).toEqual({ format: 'jpeg', width: 300, height: 200 });
  });

  it('finds the end of a JPEG followed by something else (a motion photo’s video, a trailer)', async () => {
    const jpeg = makeJpeg({ width: 300, height: 200, size: 5000 });
    const trailer = Buffer.concat([Buffer.from('ftypmp42'), Buffer.alloc(200_000, 0x11)]);
    expect(await inspect(Buffer.concat([jpeg, trailer]))).toEqual({
      format: 'jpeg',
      width: 300,
      height: 200,
    });
    // A progressive JPEG: scans with tables between them, the EOI after the last.
    const scan = (n: number) =>
      Buffer.concat([Buffer.from([0xff, 0xda, 0, 4, n, 0]), Buffer.alloc(300, 0x33)]);
    const dht = Buffer.from([0xff, 0xc4, 0, 5, 0xff, 0xd9, 0x00]); // a table holding FF D9
    const progressive = Buffer.concat([
      jpeg.subarray(0, jpeg.length - 2),
      dht,
      scan(2),
      dht,
      scan(3),
    ]);
    expect(
      await inspect(Buffer.concat([progressive, Buffer.from([0xff, 0xd9]), trailer])),
    ).toMatchObject({ width: 300 });
    expect((await inspect(Buffer.concat([progressive, trailer.subarray(8)]))).unreadable).toBe(
      'truncated JPEG: the image data has no end (EOI)',
    );
  });
});

describe('MP4', () => {
  const seconds = (info: Awaited<ReturnType<typeof inspect>>) =>
    info.duration ? Number(info.duration.units) / info.duration.timescale : undefined;

  it('reads the duration from mvhd, moov first or last', async () => {
    expect(seconds(await inspect(fixture('clip-faststart.mp4')))).toBeCloseTo(2, 1);
    expect(seconds(await inspect(fixture('clip-moov-end.mp4')))).toBeCloseTo(2, 1);
    expect(seconds(await inspect(fixture('clip-30.0s.mp4')))).toBe(30);
    expect(seconds(await inspect(fixture('clip-30.1s.mp4')))).toBeCloseTo(30.1, 3);
  });

  it('reads mvhd version 0 and version 1 (64-bit)', async () => {
    expect(await inspect(makeMp4({ duration: 12_345n, timescale: 1000 }))).toMatchObject({
      duration: { units: 12_345n, timescale: 1000 },
    });
    expect(
      await inspect(makeMp4({ duration: 2n ** 33n, timescale: 90_000, version: 1 })),
    ).toMatchObject({
      duration: { units: 2n ** 33n, timescale: 90_000 },
    });
  });

  it('gives durationUnknown, not 0, when mvhd has no duration and there are no fragments', async () => {
    for (const [duration, version] of [
      [0n, 0],
      [0xffffffffn, 0],
      [0n, 1],
      [0xffffffffffffffffn, 1],
    ] as const) {
      expect(await inspect(makeMp4({ duration, version }))).toEqual({
        format: 'mp4',
        durationUnknown: 'MP4 without fragments whose mvhd and tracks give no duration',
      });
    }
  });

  it('skips a 10 MiB mdat without reading it, reading under 64 KiB', async () => {
    const file = makeMp4({ duration: 20_000n, mdatBytes: 10 * 1024 * 1024, moovAtEnd: true });
    const reader = new CountingReader(new BufferReader(file));
    expect(await inspectMedia(reader)).toMatchObject({
      format: 'mp4',
      duration: { units: 20_000n },
    });
    expect(reader.bytesRead).toBeLessThan(64 * 1024);
  });

  it('reads through a file handle too', async () => {
    const handle = await open(fixturePath('clip-moov-end.mp4'), 'r');
    try {
      const { size } = await handle.stat();
      const reader = new CountingReader(new FileHandleReader(handle, size));
      expect((await inspectMedia(reader)).format).toBe('mp4');
      // Box headers, mvhd, each track's tkhd, mdhd and stts: never the media data.
      expect(reader.bytesRead).toBeLessThan(1024);
    } finally {
      await handle.close();
    }
  });

  it('handles 64-bit box sizes and a final box that runs to the end', async () => {
    const large = Buffer.alloc(16);
    large.writeUInt32BE(1, 0);
    large.write('mdat', 4, 'latin1');
    large.writeBigUInt64BE(16n + 100n, 8);
    const toEnd = Buffer.concat([box('moov', mvhd(600, 1200n))]);
    toEnd.writeUInt32BE(0, 0);
    const file = Buffer.concat([ftyp('mp42', 'isom'), large, Buffer.alloc(100), toEnd]);
    expect(await inspect(file)).toMatchObject({ duration: { units: 1200n, timescale: 600 } });
  });

  it('reports truncated and corrupt MP4s', async () => {
    const whole = makeMp4({ duration: 5000n, moovAtEnd: true, mdatBytes: 1000 });
    expect((await inspect(whole.subarray(0, whole.length - 20))).unreadable).toMatch(
      /^truncated MP4/,
    );
    expect(
      (await inspect(Buffer.concat([ftyp('isom', 'mp41'), box('mdat', Buffer.alloc(50))])))
        .unreadable,
    ).toBe('truncated MP4: no moov box');
    expect(
      (await inspect(Buffer.concat([ftyp('isom'), box('moov', box('trak'))]))).unreadable,
    ).toBe('corrupt MP4: moov has no mvhd box');
    const zeroScale = makeMp4({ duration: 10n, timescale: 0 });
    expect((await inspect(zeroScale)).unreadable).toBe('corrupt MP4: mvhd timescale is 0');
    const tiny = Buffer.concat([ftyp('isom'), Buffer.from([0, 0, 0, 3, 0x6d, 0x6f, 0x6f, 0x76])]);
    expect((await inspect(tiny)).unreadable).toMatch(
      /^corrupt MP4: "moov" box at byte \d+ has size 3/,
    );
  });
});
