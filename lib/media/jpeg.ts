import { u16 } from './bytes.js';
import type { ByteReader } from './byte-reader.js';
import type { MediaInfo } from './media-format.js';

/** Start-of-frame markers: C0–CF but for DHT (C4), JPG (C8) and DAC (CC). Covers baseline and progressive. */
const isStartOfFrame = (marker: number): boolean =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** Markers that stand alone, with no length: TEM and RST0–7. */
const isStandalone = (marker: number): boolean =>
  marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);

const SOS = 0xda;
const EOI = 0xd9;
/** Bounds the walk so that a hostile file of empty segments cannot keep us busy. */
const MAX_SEGMENTS = 4096;

/**
 * Walks a JPEG's segments by their lengths, reading 4 bytes a segment, to its start-of-frame.
 * Large EXIF or ICC segments before it are skipped, not read.
 */
export async function inspectJpeg(reader: ByteReader): Promise<MediaInfo> {
  let offset = 2; // past SOI
  for (let segments = 0; segments < MAX_SEGMENTS; segments++) {
    if (offset >= reader.size) return truncated('no start-of-frame before the end of the file');
    const header = await reader.read(offset, 4);
    if (header.length < 2) return truncated('no start-of-frame before the end of the file');
    if (header[0] !== 0xff) {
      return corrupt(`expected a marker at byte ${offset}, found 0x${hex(header[0] ?? 0)}`);
    }
    const marker = header[1] ?? 0;
    if (marker === 0xff) {
      offset += 1; // fill byte
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
    if (isStartOfFrame(marker)) return readFrame(reader, offset + 4);
    offset += 2 + length;
  }
  return corrupt(`more than ${MAX_SEGMENTS} segments before the start-of-frame`);
}

async function readFrame(reader: ByteReader, offset: number): Promise<MediaInfo> {
  if (offset >= reader.size) return truncated('the start-of-frame is cut off');
  const frame = await reader.read(offset, 5); // precision, height, width
  if (frame.length < 5) return truncated('the start-of-frame is cut off');
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
