import { u16 } from './byte-reader.js';
import type { ByteReader } from './byte-reader.js';
import type { MediaInfo } from './media-format.js';
import { BudgetReader, describeLimits, ReadLimitReached, type ReadLimits } from './read-budget.js';

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
 * Walks a JPEG's segments by their lengths, reading 4 bytes a segment, to its start-of-frame.
 * Large EXIF or ICC segments before it are skipped, not read.
 */
export async function inspectJpeg(file: ByteReader): Promise<MediaInfo> {
  try {
    return await walkToFrame(new BudgetReader(file, LIMITS));
  } catch (error) {
    if (!(error instanceof ReadLimitReached)) throw error;
    return corrupt(`no start-of-frame within the read limit (${describeLimits(LIMITS)})`);
  }
}

/** Ends: every turn moves `offset` forward or returns, and the reader's budget bounds the turns. */
async function walkToFrame(reader: ByteReader): Promise<MediaInfo> {
  let offset = 2; // past SOI
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
    if (marker === SOS || marker === EOI) return corrupt('no start-of-frame before the image data');
    if (header.length < 4) return truncated('a segment header is cut off');
    const length = u16(header, 2);
    if (length < 2) return corrupt(`segment 0xFF${hex(marker)} has length ${length}`);
    if (isStartOfFrame(marker)) return readFrame(reader, offset, length);
    offset += 2 + length;
  }
}

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
