import { crc32 } from 'node:zlib';
import {
  fourcc,
  startsWith,
  u32,
  type ByteReader,
  type ReadLimits,
  type ReadWindow,
} from './byte-reader.js';
import type { MediaInfo } from './media-format.js';
import { carriedMetadata, planWithin, type CutPlan, type LocationCut } from './location-cut.js';
import { removeExifLocation } from './exif.js';
import { pngChunk, textRole, xmpChunk, xmpText } from './png-text.js';
import { removeXmpLocation } from './xmp-location.js';

/** Signature (8 bytes), then IHDR: length (4), type (4), data (13), CRC (4). */
const HEAD_BYTES = 33;
/** The IEND chunk, the same in every PNG: length 0, type, CRC (PNG spec 11.2.5). */
const IEND = [0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

/**
 * Reads a PNG's size from its IHDR, the chunk that must come first, after checking that IHDR is
 * whole and that the file ends with IEND: a PNG cut anywhere after its IHDR still has the size.
 */
export async function inspectPng(reader: ByteReader): Promise<MediaInfo> {
  const head = await reader.read(0, HEAD_BYTES);
  const problem = ihdrProblem(head);
  if (problem) return { format: 'png', unreadable: problem };
  const width = u32(head, 16);
  const height = u32(head, 20);
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    return { format: 'png', unreadable: `corrupt PNG: IHDR gives ${width} × ${height} px` };
  }
  // The smallest whole file is the head and IEND; one small read at the end checks it.
  const tail =
    reader.size >= HEAD_BYTES + IEND.length
      ? await reader.read(reader.size - IEND.length, IEND.length)
      : new Uint8Array(0);
  if (!startsWith(tail, IEND)) {
    return { format: 'png', unreadable: 'truncated PNG: the file does not end with an IEND chunk' };
  }
  // The pixels: at least one IDAT, which comes before IEND (PNG spec 5.6). The chunks before it
  // (palette, profile, text) are few; their headers are read, never their data.
  const idat = await firstImageData(reader);
  if (idat !== true) return { format: 'png', unreadable: idat };
  return { format: 'png', width, height };
}

/** The most chunks before the first IDAT: a real PNG has a handful, a hostile one may not. */
const MAX_CHUNKS_BEFORE_IDAT = 1000;

/** True when an IDAT chunk follows IHDR, walking the chunk headers; else why not. */
async function firstImageData(reader: ByteReader): Promise<true | string> {
  let at = HEAD_BYTES;
  for (let chunks = 0; chunks < MAX_CHUNKS_BEFORE_IDAT; chunks++) {
    if (at + 8 > reader.size) return 'truncated PNG: no image data (IDAT) before the end';
    const header = await reader.read(at, 8);
    if (header.length < 8) return 'truncated PNG: no image data (IDAT) before the end';
    const type = fourcc(header, 4);
    if (type === 'IDAT') return true;
    if (type === 'IEND') return 'corrupt PNG: no image data (IDAT) before IEND';
    // Length, type, data, CRC.
    at += 12 + u32(header, 0);
  }
  return `corrupt PNG: no image data (IDAT) within the first ${MAX_CHUNKS_BEFORE_IDAT} chunks`;
}

/** Why the signature and IHDR at the start of `head` are not whole and sound, if they are not. */
function ihdrProblem(head: Uint8Array): string | undefined {
  if (head.length < 16) return 'truncated PNG: no IHDR';
  if (fourcc(head, 12) !== 'IHDR') return 'corrupt PNG: the first chunk is not IHDR';
  if (u32(head, 8) !== 13) return 'corrupt PNG: IHDR is not 13 bytes';
  if (head.length < HEAD_BYTES) return 'truncated PNG: the file ends inside IHDR';
  // The CRC covers the chunk's type and data (PNG spec 5.3).
  const expected = crc32(head.subarray(12, 29));
  const stored = u32(head, 29);
  if (stored !== expected) {
    return `truncated or damaged PNG: the IHDR CRC is 0x${hex(stored)}, its bytes give 0x${hex(expected)}`;
  }
  return undefined;
}

const hex = (n: number): string => n.toString(16).toUpperCase().padStart(8, '0');

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
export function planPngCut(file: ByteReader): Promise<LocationCut | undefined> {
  return planWithin(file, LIMITS, { first: 8, max: 64 * 1024 }, walkChunks);
}

/** Plans every chunk to IEND; false when the chunks break off before it. */
async function walkChunks(file: ReadWindow, plan: CutPlan): Promise<boolean> {
  if (!startsWith(await file.get(0, 8), PNG_SIGNATURE)) return false; // not a PNG: none of it goes
  plan.keep(0, 8);
  plan.startPart();
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
    plan.startPart();
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
