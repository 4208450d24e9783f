import { type ByteReader, fourcc, startsWith, u32 } from './byte-reader.js';
import { inspectJpeg } from './jpeg.js';
import { planJpegCut } from './jpeg-location.js';
import type { LocationCut } from './location-cut.js';
import type { MediaInfo, MediaFormat } from './media-format.js';
import { inspectMp4 } from './mp4.js';
import { inspectPng, planPngCut } from './png.js';

/**
 * Learns a file's format, and for PNG, JPEG and MP4 its size or duration, from its bytes alone.
 * Never throws for bad bytes: what cannot be read is reported in `unreadable`.
 */
export async function inspectMedia(reader: ByteReader): Promise<MediaInfo> {
  const head = await reader.read(0, SNIFF_BYTES);
  const format = detectFormat(head);
  switch (format) {
    case 'png':
      return inspectPng(reader);
    case 'jpeg':
      return inspectJpeg(reader);
    case 'mp4':
      return inspectMp4(reader);
    default:
      return { format };
  }
}

/** How many leading bytes {@link detectFormat} needs. */
const SNIFF_BYTES = 64;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SOI = [0xff, 0xd8, 0xff];
const GIF = [0x47, 0x49, 0x46, 0x38]; // "GIF8"
const RIFF = [0x52, 0x49, 0x46, 0x46];
const WEBP = [0x57, 0x45, 0x42, 0x50];
const BMP = [0x42, 0x4d];
/** TIFF, little-endian ("II*\0") and big-endian ("MM\0*"). */
const TIFF_LE = [0x49, 0x49, 0x2a, 0x00];
const TIFF_BE = [0x4d, 0x4d, 0x00, 0x2a];

const MP4_BRANDS = new Set([
  'isom',
  'iso2',
  'iso3',
  'iso4',
  'iso5',
  'iso6',
  'iso7',
  'iso8',
  'iso9',
  'mp41',
  'mp42',
  'mp71',
  'avc1',
  'dash',
  'msnv',
  'M4V ',
  'M4VP',
  'f4v ',
]);
const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

/**
 * Names the format of a file from its first bytes (at least {@link SNIFF_BYTES} where the file has
 * them). Never looks at a name or a declared content type.
 */
function detectFormat(head: Uint8Array): MediaFormat {
  if (startsWith(head, PNG_SIGNATURE)) return 'png';
  if (startsWith(head, JPEG_SOI)) return 'jpeg';
  if (startsWith(head, GIF)) return 'gif';
  if (startsWith(head, RIFF) && startsWith(head, WEBP, 8)) return 'webp';
  if (head.length >= 8 && fourcc(head, 4) === 'ftyp') return isoBrandFormat(head);
  if (startsWith(head, TIFF_LE) || startsWith(head, TIFF_BE)) return 'tiff';
  if (startsWith(head, BMP) && head.length >= 14 && u32le(head, 2) > 0) return 'bmp';
  return 'unknown';
}

/** Classifies an ISO base media file by the brands of its leading `ftyp` box. */
function isoBrandFormat(head: Uint8Array): MediaFormat {
  const boxEnd = Math.min(u32(head, 0), head.length);
  if (boxEnd < 16) return 'unknown';
  const major = fourcc(head, 8);
  // QuickTime's own brand wins: a .mov that also lists isom is still not MP4 to WeCom.
  if (major === 'qt  ') return 'quicktime';
  const brands = [major];
  for (let i = 16; i + 4 <= boxEnd; i += 4) brands.push(fourcc(head, i));
  // AVIF files also list the generic HEIF brand mif1: look for AVIF first.
  if (brands.some((b) => AVIF_BRANDS.has(b))) return 'avif';
  if (brands.some((b) => HEIF_BRANDS.has(b))) return 'heic';
  if (major.startsWith('3gp') || major.startsWith('3g2')) return '3gp';
  if (brands.some((b) => MP4_BRANDS.has(b))) return 'mp4';
  return 'unknown';
}

function u32le(b: Uint8Array, i: number): number {
  return (
    ((b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16)) + (b[i + 3] ?? 0) * 2 ** 24
  );
}

/**
 * Plans how to send a photo without its location: the EXIF GPS IFD, XMP GPS properties and the
 * camera's serial number go (PIPL counts a precise location as sensitive personal information);
 * orientation, make, model, dates, the ICC profile and all else stay. Reads only the metadata (a
 * few small reads for a phone photo); the image data is passed on as ranges of the original,
 * never read or copied, and only the segments or chunks that change become new bytes.
 *
 * Never throws for bad bytes and never sends a location it could not walk past: a block it
 * cannot walk safely is dropped whole, and a file whose structure breaks off is sent only up to
 * the break (the segment or chunk before it excluded, as its length may be the lie). A file that
 * does not even start as `format` says breaks off at its first byte: the cut is empty.
 *
 * @returns undefined when there is nothing to remove, so the file goes byte for byte, and for
 * formats other than JPEG and PNG.
 */
export async function planLocationCut(
  reader: ByteReader,
  format: MediaFormat,
): Promise<LocationCut | undefined> {
  switch (format) {
    case 'jpeg':
      return planJpegCut(reader);
    case 'png':
      return planPngCut(reader);
    default:
      return undefined;
  }
}
