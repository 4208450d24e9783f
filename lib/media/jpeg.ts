import { u16 } from './byte-reader.js';
import type { ByteReader } from './byte-reader.js';
import type { MediaInfo } from './media-format.js';
import { BudgetReader, describeLimits, ReadLimitReached, type ReadLimits } from './byte-reader.js';

/** Start-of-frame markers: C0–CF but for DHT (C4), JPG (C8) and DAC (CC). Covers baseline and progressive. */
const isStartOfFrame = (marker: number): boolean =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** Markers that stand alone, with no length: TEM and RST0–7. */
const isStandalone = (marker: number): boolean =>
  marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);

const SOS = 0xda;
const EOI = 0xd9;
/** SOF's length field counts itself, P, Y, X and Nf (T.81 B.2.2): 8 bytes before any component. */
const MIN_FRAME_LENGTH = 8;

/**
 * The bound on one walk, hostile file or not. Segments are skipped by their lengths, 4 bytes read
 * each, so 4096 reads pass more segments than a real JPEG has before its frame. A run of fill bytes
 * is read in chunks that start small and double up to {@link FILL_CHUNK}: a short run costs a few
 * bytes, a long one a few reads, and 256 KiB bounds how long a run we scan.
 */
const FIRST_FILL_CHUNK = 16;
const FILL_CHUNK = 4096;
const LIMITS: ReadLimits = { reads: 4096, bytes: 256 * 1024, readBytes: FILL_CHUNK };

/**
 * Walks a JPEG's segments by their lengths, reading 4 bytes a segment, to its start-of-frame and
 * on to its first scan; then checks that the image data ends (EOI). Large EXIF or ICC segments are
 * skipped, not read, and so is the image data of a file that ends with its EOI, as files do.
 */
export async function inspectJpeg(file: ByteReader): Promise<MediaInfo> {
  let info: MediaInfo | undefined;
  let scanAt: number;
  try {
    const reader = new BudgetReader(file, LIMITS);
    const frame = await walkTo(reader, 2, isStartOfFrame);
    if ('format' in frame) return frame;
    info = await readFrame(reader, frame.offset, frame.length);
    if (info.unreadable) return info;
    const scan = await walkTo(reader, frame.offset + 2 + frame.length, (m) => m === SOS);
    if ('format' in scan) return truncated('no image data (SOS) after the frame');
    scanAt = scan.offset + 2 + scan.length;
  } catch (error) {
    if (!(error instanceof ReadLimitReached)) throw error;
    const what = info ? 'image data' : 'start-of-frame';
    return corrupt(`no ${what} within the read limit (${describeLimits(LIMITS)})`);
  }
  return (await endsImage(file, scanAt)) ? info : truncated('the image data has no end (EOI)');
}

/** Where the next segment `wanted` says is wanted starts, and its length; or why there is none. */
async function walkTo(
  reader: ByteReader,
  from: number,
  wanted: (marker: number) => boolean,
): Promise<{ offset: number; length: number } | MediaInfo> {
  // Ends: every turn moves `offset` forward or returns, and the reader's budget bounds the turns.
  let offset = from;
  for (;;) {
    if (offset >= reader.size) return truncated('no start-of-frame before the end of the file');
    const header = await reader.read(offset, 4);
    if (header.length < 2) return truncated('no start-of-frame before the end of the file');
    if (header[0] !== 0xff) {
      return corrupt(`expected a marker at byte ${offset}, found 0x${hex(header[0] ?? 0)}`);
    }
    const marker = header[1] ?? 0;
    if (marker === 0xff) {
      // T.81 B.1.1.2: any marker may follow any number of 0xFF fill bytes.
      const last = await lastFillByte(reader, offset + 1);
      if (last === undefined) return truncated('the file ends in fill bytes');
      offset = last;
      continue;
    }
    if (isStandalone(marker)) {
      offset += 2;
      continue;
    }
    if (marker === EOI || (marker === SOS && !wanted(marker))) {
      return corrupt('no start-of-frame before the image data');
    }
    if (header.length < 4) return truncated('a segment header is cut off');
    const length = u16(header, 2);
    if (length < 2) return corrupt(`segment 0xFF${hex(marker)} has length ${length}`);
    if (wanted(marker)) return { offset, length };
    offset += 2 + length;
  }
}

/**
 * Whether the image data starting at `from` ends with an EOI. A file that ends with one — as
 * nearly all do — costs one 2-byte read. One with something after its image (a motion photo's
 * video, a maker's trailer), or one cut short, is scanned for the EOI: in entropy-coded data a
 * 0xFF is followed by 0x00 or a restart marker, so the first other marker that is not a segment
 * between scans is the end.
 */
async function endsImage(file: ByteReader, from: number): Promise<boolean> {
  const tail = await file.read(file.size - 2, 2);
  if (file.size - 2 >= from && tail[0] === 0xff && tail[1] === EOI) return true;
  let segments = 0;
  for (let at = from; at < file.size - 1;) {
    const chunk = await file.read(at, SCAN_CHUNK);
    if (chunk.length < 2) return false;
    let skipTo: number | undefined;
    for (
      let i = chunk.indexOf(0xff);
      i >= 0 && i + 1 < chunk.length;
      i = chunk.indexOf(0xff, i + 1)
    ) {
      const next = chunk[i + 1] ?? 0;
      if (next === EOI) return true;
      if (next === 0x00 || next === 0xff || isStandalone(next)) continue;
      // A segment between scans (DHT, SOS, DQT, DRI…): skipped by its length. A real image has
      // a few; a hostile run of them stops the scan, as an image without its end.
      if (++segments > MAX_SCAN_SEGMENTS) return false;
      const head = await file.read(at + i + 2, 2);
      if (head.length < 2) return false;
      skipTo = at + i + 2 + u16(head, 0);
      break;
    }
    // Less one byte: a marker's 0xFF may be the chunk's last.
    at = skipTo ?? at + chunk.length - 1;
  }
  return false;
}

/** The most segments between scans the EOI scan skips (a progressive JPEG has about ten). */
const MAX_SCAN_SEGMENTS = 1000;
/** How much image data one read of the EOI scan takes. */
const SCAN_CHUNK = 64 * 1024;

/** The offset of the last 0xFF in the run of them at `offset`, read in growing chunks. */
async function lastFillByte(reader: ByteReader, offset: number): Promise<number | undefined> {
  let size = FIRST_FILL_CHUNK;
  for (let at = offset; at < reader.size; size = Math.min(size * 2, FILL_CHUNK)) {
    const chunk = await reader.read(at, size);
    const other = chunk.findIndex((byte) => byte !== 0xff);
    if (other >= 0) return at + other - 1;
    at += chunk.length;
  }
  return undefined;
}

/** Reads the frame's size; the whole SOF segment must be in the file, or the file is cut short. */
async function readFrame(reader: ByteReader, at: number, length: number): Promise<MediaInfo> {
  if (length < MIN_FRAME_LENGTH) return corrupt(`the start-of-frame has length ${length}`);
  if (at + 2 + length > reader.size) return truncated('the start-of-frame is cut off');
  const frame = await reader.read(at + 4, 5); // precision, height, width
  const height = u16(frame, 1);
  const width = u16(frame, 3);
  if (width === 0 || height === 0) {
    return corrupt(`the start-of-frame gives ${width} × ${height} px`);
  }
  return { format: 'jpeg', width, height };
}

const hex = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');
const truncated = (why: string): MediaInfo => ({
  format: 'jpeg',
  unreadable: `truncated JPEG: ${why}`,
});
const corrupt = (why: string): MediaInfo => ({
  format: 'jpeg',
  unreadable: `corrupt JPEG: ${why}`,
});
