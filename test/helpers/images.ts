// Real images for the fit tests, made by sharp (not mocked): a phone photo with GPS in its EXIF,
// one stored sideways, web formats, transparency, a large noisy PNG, and a decode bomb.
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { makePng } from './media-bytes.mjs';

/** A marker in the photo's GPS IFD: its presence in a file means the location went with it. */
export const GPS_MARKER = 'GPS-MARKER-31.2304N-121.4737E';

/** A smooth colour gradient of `width` × `height` (cheap to encode, like a real photo's sky). */
function gradient(width: number, height: number, channels: 3 | 4 = 3): Sharp {
  const pixels = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * channels;
      pixels[at] = (x * 255) / width;
      pixels[at + 1] = (y * 255) / height;
      pixels[at + 2] = 128;
      if (channels === 4) pixels[at + 3] = x < width / 2 ? 255 : 64; // half see-through
    }
  }
  return sharp(pixels, { raw: { width, height, channels } });
}

/** A phone photo: a JPEG of `width` × `height`, GPS in its EXIF, and an EXIF orientation. */
export function phonePhoto(width: number, height: number, orientation = 1): Promise<Buffer> {
  return gradient(width, height)
    .jpeg({ quality: 92 })
    .withMetadata({ orientation })
    .withExifMerge({ IFD3: { GPSMapDatum: GPS_MARKER, GPSLatitudeRef: 'N' } })
    .toBuffer();
}

export const pngOf = (width: number, height: number): Promise<Buffer> =>
  gradient(width, height).png().toBuffer();

export const webpOf = (width: number, height: number): Promise<Buffer> =>
  gradient(width, height).webp().toBuffer();

export const gifOf = (width: number, height: number): Promise<Buffer> =>
  gradient(width, height).gif().toBuffer();

export const avifOf = (width: number, height: number): Promise<Buffer> =>
  gradient(width, height).avif().toBuffer();

export const tiffOf = (width: number, height: number): Promise<Buffer> =>
  gradient(width, height).tiff().toBuffer();

/** A WebP with an alpha channel that is really used: it must stay transparent (a PNG). */
export const transparentWebp = (width: number, height: number): Promise<Buffer> =>
  gradient(width, height, 4).webp({ lossless: true }).toBuffer();

/** A PNG of random pixels, over `bytes` long: noise does not compress, so it is large. */
export async function noisyPng(bytes: number): Promise<Buffer> {
  const side = Math.ceil(Math.sqrt(bytes / 3)) + 8;
  const png = await sharp(randomBytes(side * side * 3), {
    raw: { width: side, height: side, channels: 3 },
  })
    .png({ compressionLevel: 0 })
    .toBuffer();
  if (png.length <= bytes) throw new Error(`noise of ${side}² px made only ${png.length} bytes`);
  return png;
}

/** A small PNG whose header claims 50 000 × 50 000 px: decoding it would take 10 GB. */
export function decodeBomb(): Buffer {
  const png = Buffer.from(makePng(8, 8));
  png.writeUInt32BE(50_000, 16);
  png.writeUInt32BE(50_000, 20);
  // The IHDR CRC over the new size, so that the file reads as a real, enormous PNG.
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(png.subarray(12, 29)), 0);
  crc.copy(png, 29);
  return png;
}

/** What sharp reads of an image: its format, its upright size, and whether metadata came along. */
export async function describe(bytes: Buffer): Promise<{
  format: string;
  width: number;
  height: number;
  orientation?: number;
  hasExif: boolean;
  hasAlpha: boolean;
}> {
  const m = await sharp(bytes).metadata();
  return {
    format: m.format,
    width: m.width ?? 0,
    height: m.height ?? 0,
    orientation: m.orientation,
    hasExif: m.exif !== undefined,
    hasAlpha: m.hasAlpha === true,
  };
}

/** A PNG with an alpha channel that is really used (half of it see-through). */
export const transparentPng = (width: number, height: number): Promise<Buffer> =>
  gradient(width, height, 4).png().toBuffer();

/** A transparent PNG of random pixels: neither PNG nor a palette PNG makes it small. */
export const noisyTransparentPng = (side: number): Promise<Buffer> =>
  sharp(randomBytes(side * side * 4), { raw: { width: side, height: side, channels: 4 } })
    .png()
    .toBuffer();

/** A phone photo with a Display P3 colour profile, which fitting must keep. */
export const p3Photo = (width: number, height: number): Promise<Buffer> =>
  gradient(width, height).withIccProfile('p3').jpeg({ quality: 90 }).toBuffer();

/** An animated GIF of `frames` frames of `width` × `height`: fitting keeps the first. */
export function animatedGif(width: number, height: number, frames: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * frames * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7) & 0xff;
  return sharp(pixels, { raw: { width, height: height * frames, channels: 3, pageHeight: height } })
    .gif({ loop: 0 })
    .toBuffer();
}

/** A solid-colour WebP of `side`² px: a few KB that decode to `side`² × 3 bytes. */
export const solidWebp = (side: number): Promise<Buffer> =>
  sharp({ create: { width: side, height: side, channels: 3, background: '#808080' } })
    .webp()
    .toBuffer();

/** A PNG of `width` × `height` whose pixel data (IDAT) is damaged, its header intact. */
export async function damagedPng(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await pngOf(width, height));
  const idat = png.indexOf('IDAT', 0, 'latin1');
  // Overwrite the compressed data after the zlib header, leaving the chunk's length and CRC.
  png.fill(0xaa, idat + 10, Math.min(png.length - 20, idat + 400));
  return png;
}

/** "RIFF…WEBP" and then nothing a decoder can read. */
export const garbageWebp = (): Buffer =>
  Buffer.concat([Buffer.from('RIFF\x00\x10\x00\x00WEBPVP8 ', 'latin1'), randomBytes(4096)]);

/** Whether sharp finds an ICC colour profile in `bytes`. */
export async function hasIccProfile(bytes: Buffer): Promise<boolean> {
  return (await sharp(bytes).metadata()).icc !== undefined;
}
