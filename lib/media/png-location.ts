import { crc32 } from 'node:zlib';
import type { ByteReader } from './byte-reader.js';
import { fourcc, startsWith, u32 } from './byte-reader.js';
import { CutPlan, type LocationCut } from './cut-plan.js';
import { removeExifLocation } from './exif.js';
import { carriedMetadata } from './metadata-signatures.js';
import { pngChunk, textRole, xmpChunk, xmpText } from './png-text.js';
import { BudgetReader, ReadLimitReached, type ReadLimits } from './read-budget.js';
import { ReadWindow } from './read-window.js';
import { removeXmpLocation } from './xmp-location.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const EXIF_PREFIX = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]; // "Exif\0\0", which ExifTool accepts
/** Chunks whose data is image data, never metadata: only their headers are read. */
const IMAGE_DATA = new Set(['IDAT', 'fdAT']);
const TEXT = new Set(['tEXt', 'zTXt', 'iTXt']);

/**
 * The bound on one walk, hostile file or not. Headers are read 8 bytes at a time where chunks lie
 * apart (IDAT after IDAT), through a growing window where they crowd; other chunks are read
 * whole, up to {@link MAX_CHUNK_READ}. 16,384 reads and 32 MiB are more than any PNG within
 * WeCom's 10 MiB needs; more chunks than {@link MAX_CHUNKS} are not walked.
 */
const MAX_CHUNK_READ = 1024 * 1024;
const LIMITS: ReadLimits = {
  reads: 16_384,
  bytes: 32 * 1024 * 1024,
  readBytes: MAX_CHUNK_READ + 12,
};
const MAX_CHUNKS = 65_536;
/** A text chunk's keyword is at most 79 bytes and a NUL. */
const KEYWORD_BYTES = 80;

/**
 * Plans a PNG without its location. Walks the chunks to IEND, eXIf and text chunks before or after
 * the image data alike, reading IDAT headers only. eXIf and XMP text chunks are edited (their CRC
 * recomputed); any chunk with a bad CRC, ImageMagick's hex profiles of EXIF or XMP, and any chunk
 * that carries EXIF or XMP where neither belongs are dropped. When the chunks break off (a length or
 * type that cannot be, a chunk past the end of the file, the read bound reached), the chunk before
 * the break may be the one whose length lied: it and the rest of the file go.
 */
export async function planPngCut(file: ByteReader): Promise<LocationCut | undefined> {
  const plan = new CutPlan();
  const walk = { plan, lastChunk: 0 };
  try {
    const window = new ReadWindow(new BudgetReader(file, LIMITS), 8, 64 * 1024);
    if (!(await walkChunks(window, walk))) breakOff(walk);
  } catch (error) {
    if (!(error instanceof ReadLimitReached)) throw error;
    breakOff(walk);
  }
  return plan.finish();
}

interface Walk {
  readonly plan: CutPlan;
  /** The plan's mark before the last chunk walked. */
  lastChunk: number;
}

function breakOff({ plan, lastChunk }: Walk): void {
  plan.truncate(lastChunk);
  plan.remove('exif', 'xmp');
}

/** Plans every chunk to IEND; false when the chunks break off before it. */
async function walkChunks(file: ReadWindow, walk: Walk): Promise<boolean> {
  const { plan } = walk;
  if (!startsWith(await file.get(0, 8), PNG_SIGNATURE)) return false; // not a PNG: none of it goes
  plan.keep(0, 8);
  walk.lastChunk = plan.mark;
  let offset = 8;
  for (let chunks = 0; chunks < MAX_CHUNKS; chunks++) {
    if (offset === file.size) return true;
    const header = file.peek(offset, 8) ?? (await file.get(offset, 8));
    if (header.length < 8) return false;
    const length = u32(header, 0);
    const type = fourcc(header, 4);
    // PNG spec 5.3: a length fits in 31 bits, a type is four ASCII letters.
    if (length > 0x7fffffff || !/^[A-Za-z]{4}$/.test(type)) return false;
    const end = offset + 12 + length;
    if (end > file.size) return false;
    walk.lastChunk = plan.mark;
    if (type === 'IEND') {
      plan.keep(offset, file.size);
      return true;
    }
    if (IMAGE_DATA.has(type)) plan.keep(offset, end);
    else await planChunk(file, plan, type, offset, end);
    offset = end;
  }
  return false;
}

/** Keeps, edits or drops one chunk other than image data. */
async function planChunk(
  file: ReadWindow,
  plan: CutPlan,
  type: string,
  start: number,
  end: number,
): Promise<void> {
  if (type.toLowerCase() === 'zxif') return plan.remove('exif'); // compressed EXIF, never adopted
  const keyword = TEXT.has(type)
    ? await file.get(start + 8, Math.min(KEYWORD_BYTES, end - start - 12))
    : undefined;
  const role = keyword === undefined ? undefined : textRole(keyword);
  if (role === 'exif-profile') return plan.remove('exif');
  if (role === 'xmp-profile') return plan.remove('xmp');
  if (end - start > MAX_CHUNK_READ) {
    // Too large to read: EXIF or XMP goes whole, anything else goes on unread.
    if (type === 'eXIf') return plan.remove('exif');
    if (role === 'xmp') return plan.remove('xmp');
    return plan.keep(start, end);
  }
  // A copy, never the reader's bytes (Buffer's slice would share them): it may be edited in place.
  const chunk = new Uint8Array(await file.get(start, end - start));
  const data = chunk.subarray(8, chunk.length - 4);
  const kind = type === 'eXIf' ? 'exif' : role === 'xmp' ? 'xmp' : carriedMetadata(data);
  // A CRC that does not match: decoders skip such a chunk, and what it was cannot be told (an
  // eXIf whose type and header were both damaged carries no mark of EXIF), so it goes.
  if (crc32(chunk.subarray(4, chunk.length - 4)) !== u32(chunk, chunk.length - 4)) {
    return kind === undefined ? plan.remove('exif', 'xmp') : plan.remove(kind);
  }
  if (type === 'eXIf') return planExif(plan, chunk, start);
  if (role === 'xmp') return planXmp(plan, type, chunk, start);
  if (kind === undefined) plan.keep(start, end);
  else plan.remove(kind);
}

/** An eXIf chunk, given whole and copied: edited in place, its CRC recomputed. */
function planExif(plan: CutPlan, chunk: Uint8Array, start: number): void {
  const data = chunk.subarray(8, chunk.length - 4);
  const outcome = removeExifLocation(data.subarray(startsWith(data, EXIF_PREFIX) ? 6 : 0));
  if (outcome === 'damaged') plan.remove('exif');
  else if (outcome === undefined) plan.keep(start, start + chunk.length);
  else plan.replace(pngChunk('eXIf', data), outcome);
}

/** An XMP text chunk, given whole and copied: edited in place, or inflated and stored plain. */
function planXmp(plan: CutPlan, type: string, chunk: Uint8Array, start: number): void {
  const data = chunk.subarray(8, chunk.length - 4);
  const xmp = xmpText(type, data);
  const outcome = xmp === undefined ? 'damaged' : removeXmpLocation(xmp.text);
  if (xmp === undefined || outcome === 'damaged') plan.remove('xmp');
  else if (outcome === undefined) plan.keep(start, start + chunk.length);
  else plan.replace(xmp.compressed ? xmpChunk(xmp.text) : pngChunk(type, data), outcome);
}
