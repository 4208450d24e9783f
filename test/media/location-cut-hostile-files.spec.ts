import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  exifSegment,
  jpegWith,
  phoneExif,
  pngChunk,
  pngWith,
  segment,
} from '../helpers/exif-builder.js';
import { fixture } from '../helpers/fixtures.js';
import { clean, expectNoPosition, XMP_LATITUDE } from '../helpers/location-cuts.js';
import { exiftoolTags, locationTags, pngChunks } from '../helpers/location-files.js';

const baseJpeg = fixture('photo-baseline.jpg');
const basePng = fixture('photo.png');
const KiB = 1024;

/** An XMP packet whose rdf:Description holds `body`, and `attributes` on the Description. */
const packet = (body: string, attributes = ''): string =>
  `<?xpacket begin='\uFEFF' id='W5M0MpCehiHzreSzNTczkc9d'?>\n` +
  `<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n` +
  `<rdf:Description rdf:about='' xmlns:exif='http://ns.adobe.com/exif/1.0/' ` +
  `xmlns:dc='http://purl.org/dc/elements/1.1/' xmlns:aux='http://ns.adobe.com/exif/1.0/aux/'${attributes}>\n` +
  `${body}\n</rdf:Description></rdf:RDF></x:xmpmeta>\n${' '.repeat(200)}\n<?xpacket end='w'?>`;
const TITLE = `<dc:title><rdf:Alt><rdf:li xml:lang='x-default'>Spring tea</rdf:li></rdf:Alt></dc:title>`;
const GPS = `<exif:GPSLatitude>${XMP_LATITUDE}</exif:GPSLatitude><exif:GPSLongitude>121,28.422066E</exif:GPSLongitude>`;

const xmpSegment = (text: string | Buffer): Buffer =>
  segment(0xe1, Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0'), Buffer.from(text)]));

describe('hostile JPEG: several blocks, damaged XMP', () => {
  it('cleans every EXIF and XMP block of a file that has several', async () => {
    const jpeg = jpegWith(
      baseJpeg,
      exifSegment(phoneExif(true).bytes),
      xmpSegment(packet(`${TITLE}\n${GPS}`)),
      exifSegment(phoneExif(false).bytes),
      xmpSegment(packet(TITLE, ` exif:GPSLatitude='${XMP_LATITUDE}' aux:SerialNumber='F2LX'`)),
    );
    const { cut, out } = await clean(jpeg, 'jpeg');
    expect(cut?.removed).toEqual(['gps', 'serial']);
    expect(out.length).toBe(jpeg.length);
    expectNoPosition(out);
    const tags = exiftoolTags(out);
    expect(locationTags(tags)).toEqual([]);
    expect(tags).toMatchObject({ 'XMP-dc:Title': 'Spring tea', 'IFD0:Make': 'Apple' });
  });

  it('blanks GPS under any prefix, as attributes, and quoted in a comment; keeps the namespace declarations', async () => {
    const xmp = packet(
      `${TITLE}<!-- was exif:GPSLatitude=${XMP_LATITUDE} --><geo:gpsTrack xmlns:geo='urn:x'>1</geo:gpsTrack>`,
      ` xmlns:GPS='urn:gps' exif:GPSLongitude="121,28.422066E" exif:GPSAltitude='12'`,
    );
    const { cut, out } = await clean(jpegWith(baseJpeg, xmpSegment(xmp)), 'jpeg');
    expect(cut?.removed).toEqual(['gps']);
    expectNoPosition(out);
    expect(out.includes("xmlns:GPS='urn:gps'")).toBe(true);
    expect(out.includes('121,28')).toBe(false);
    const tags = exiftoolTags(out);
    expect(locationTags(tags)).toEqual([]);
    expect(tags['XMP-dc:Title']).toBe('Spring tea');
    expect(tags['ExifTool:Warning']).toBeUndefined();
    expect((await clean(out, 'jpeg')).cut).toBeUndefined(); // read back, and clean
  });

  it.each([
    ['UTF-16', Buffer.from(packet(GPS), 'utf16le')],
    [
      'a DOCTYPE, whose entities could spell a property',
      `<!DOCTYPE x [<!ENTITY g "x">]>${packet(GPS)}`,
    ],
    ['an element never closed', packet(`<exif:GPSLatitude>${XMP_LATITUDE}`)],
    ['a mismatched end tag', packet(`<exif:GPSLatitude>${XMP_LATITUDE}</exif:GPSLatitudX>`)],
    ['an attribute without quotes', packet(GPS, ` exif:GPSLatitude=${XMP_LATITUDE}`)],
  ])('drops XMP it cannot walk whole: %s', async (_what, xmp) => {
    const { cut, out } = await clean(jpegWith(baseJpeg, xmpSegment(xmp)), 'jpeg');
    expect(cut?.removed).toEqual(['xmp']);
    expect(out.equals(baseJpeg)).toBe(true);
  });

  it('blanks an <?xpacket?> whose "?>" is damaged: it swallows the packet, GPS and all', async () => {
    const xmp = packet(`${TITLE}\n${GPS}`).replace('?>\n<x:xmpmeta', '?!\n<x:xmpmeta');
    const { cut, out } = await clean(jpegWith(baseJpeg, xmpSegment(xmp)), 'jpeg');
    expect(cut?.removed).toEqual(['gps']);
    expectNoPosition(out);
  });

  it('keeps segments that are TIFF-shaped but not EXIF: MPF’s APP2, Kodak’s APP3 "Meta"', async () => {
    const tiff = phoneExif(false).bytes.subarray(0, 8);
    const jpeg = jpegWith(
      baseJpeg,
      segment(0xe2, Buffer.concat([Buffer.from('MPF\0'), tiff])),
      segment(0xe3, Buffer.concat([Buffer.from('Meta\0\0'), tiff])),
    );
    expect(await clean(jpeg, 'jpeg')).toMatchObject({ cut: undefined });
  });

  it('drops extended XMP (http://ns.adobe.com/xmp/extension/) whole: a piece may start mid-value', async () => {
    // The piece before ended in <exif:GPSLatitude rdf:value=' and this one is well-formed alone.
    const chunk = Buffer.from(`${XMP_LATITUDE}'/><dc:format>image/jpeg</dc:format>`);
    const head = Buffer.alloc(8);
    head.writeUInt32BE(chunk.length, 0);
    const extended = segment(
      0xe1,
      Buffer.concat([
        Buffer.from('http://ns.adobe.com/xmp/extension/\0'),
        Buffer.alloc(32, 0x41),
        head,
        chunk,
      ]),
    );
    const { cut, out } = await clean(jpegWith(baseJpeg, extended), 'jpeg');
    expect(cut?.removed).toEqual(['xmp']);
    expect(out.equals(baseJpeg)).toBe(true);
  });

  it('where a marker must be and is not, the segment before and the rest of the file go', async () => {
    const app0 = baseJpeg.subarray(2, 20);
    const jpeg = Buffer.concat([
      baseJpeg.subarray(0, 2),
      app0,
      segment(0xfe, Buffer.from('a comment')),
      Buffer.from([0x00, 0x01]),
      exifSegment(phoneExif(true).bytes),
      baseJpeg.subarray(20),
    ]);
    const { cut, out } = await clean(jpeg, 'jpeg');
    expect(cut?.removed).toEqual(['exif', 'xmp']);
    expect(out.equals(Buffer.concat([baseJpeg.subarray(0, 2), app0]))).toBe(true);
  });

  it('keeps fill bytes before a marker (T.81 B.1.1.2) and cleans the segment after them', async () => {
    const jpeg = jpegWith(baseJpeg, Buffer.alloc(5, 0xff), exifSegment(phoneExif(false).bytes));
    const { cut, out } = await clean(jpeg, 'jpeg');
    expect(cut?.removed).toEqual(['gps', 'serial']);
    expectNoPosition(out);
    expect(out.subarray(0, 7).equals(jpeg.subarray(0, 7))).toBe(true); // SOI and the fill bytes
    expect(out.length).toBe(jpeg.length);
  });
});

describe('hostile PNG: text chunks', () => {
  const xmpText = (xmp: string) =>
    Buffer.concat([Buffer.from('XML:com.adobe.xmp\0'), Buffer.from(xmp)]);
  const iTXt = (xmp: string, compressed: boolean) =>
    pngChunk(
      'iTXt',
      Buffer.concat([
        Buffer.from(`XML:com.adobe.xmp\0${compressed ? '\x01' : '\0'}\0\0\0`, 'latin1'),
        compressed ? deflateSync(Buffer.from(xmp)) : Buffer.from(xmp),
      ]),
    );

  it('cleans XMP in tEXt, zTXt and a compressed iTXt (stored plain), before and after IDAT', async () => {
    const xmp = packet(`${TITLE}\n${GPS}`);
    const zTXt = Buffer.concat([
      Buffer.from('XML:com.adobe.xmp\0\0', 'latin1'),
      deflateSync(Buffer.from(xmp)),
    ]);
    const png = pngWith(
      basePng,
      [iTXt(xmp, true), pngChunk('tEXt', xmpText(xmp))],
      [pngChunk('zTXt', zTXt)],
    );
    const { cut, out } = await clean(png, 'png');
    expect(cut?.removed).toEqual(['gps']);
    expectNoPosition(out);
    const chunks = pngChunks(out);
    expect(chunks.every((c) => c.crcOk)).toBe(true);
    expect(chunks.map((c) => c.type)).toEqual([
      'IHDR',
      'iTXt',
      'tEXt',
      'pHYs',
      'IDAT',
      'iTXt',
      'IEND',
    ]);
    const tags = exiftoolTags(out);
    expect(locationTags(tags)).toEqual([]);
    expect(tags['XMP-dc:Title']).toBe('Spring tea');
    // Only the warning that text after IDAT earns, none about the XMP chunks themselves.
    expect(tags['ExifTool:Warning']).toMatch(
      /^\[minor\] Text\/EXIF chunk\(s\) found after PNG IDAT/,
    );
    expect((await clean(out, 'png')).cut).toBeUndefined(); // all three read back, and clean
  });

  it.each([
    ['a bad CRC', pngChunk('iTXt', xmpText('x'), 1)],
    ['compressed XMP that inflates past 1 MiB', iTXt(packet(' '.repeat(1100 * KiB)), true)],
    [
      'compressed XMP that is not zlib',
      pngChunk('iTXt', Buffer.from('XML:com.adobe.xmp\0\x01\0\0\0not zlib', 'latin1')),
    ],
  ])('drops an XMP chunk with %s whole', async (_what, chunk) => {
    const { cut, out } = await clean(pngWith(basePng, [chunk]), 'png');
    expect(cut?.removed).toEqual(['xmp']);
    expect(out.equals(basePng)).toBe(true);
  });

  it('drops ImageMagick’s hex profiles of EXIF and XMP, in tEXt and zTXt, and keeps its ICC one', async () => {
    const hex = (keyword: string, compressed: boolean) => {
      const text = `\nexif\n    ${phoneExif(true).bytes.length}\n${phoneExif(true).bytes.toString('hex')}\n`;
      return compressed
        ? pngChunk('zTXt', Buffer.concat([Buffer.from(`${keyword}\0\0`), deflateSync(text)]))
        : pngChunk('tEXt', Buffer.from(`${keyword}\0${text}`));
    };
    const icc = hex('Raw profile type icc', true);
    const png = pngWith(
      basePng,
      [hex('Raw profile type exif', false), hex('Raw profile type APP1', true), icc],
      [hex('Raw profile type xmp', true)],
    );
    const { cut, out } = await clean(png, 'png');
    expect(cut?.removed).toEqual(['exif', 'xmp']);
    expect(out.equals(pngWith(basePng, [icc]))).toBe(true);
  });

  it('where a chunk length leads nowhere, the chunk before and the rest go: an IDAT that swallowed an eXIf', async () => {
    const exif = pngChunk('eXIf', phoneExif(false).bytes);
    const idat = pngChunk('IDAT', Buffer.alloc(100, 0x55));
    idat.writeUInt32BE(100 + 12 + exif.length + 3, 0); // IDAT's CRC is never read: its length lies
    const png = Buffer.concat([
      basePng.subarray(0, 33),
      idat,
      exif,
      Buffer.alloc(8, 0x41),
      basePng.subarray(33),
    ]);
    const { cut, out } = await clean(png, 'png');
    expect(cut?.removed).toEqual(['exif', 'xmp']);
    expectNoPosition(out);
    expect(out.equals(basePng.subarray(0, 33))).toBe(true); // signature and IHDR
  });

  it('drops a hex profile too large to read by its keyword alone', async () => {
    const hex = Buffer.from(`Raw profile type exif\0\nexif\n${'00'.repeat(600 * KiB)}`);
    const { cut, out, bytesRead } = await clean(pngWith(basePng, [pngChunk('tEXt', hex)]), 'png');
    expect(cut?.removed).toEqual(['exif']);
    expect(out.equals(basePng)).toBe(true);
    expect(bytesRead).toBeLessThan(64 * KiB);
  });
});
