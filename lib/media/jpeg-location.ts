import type { ByteReader } from './byte-reader.js';
import { u16 } from './byte-reader.js';
import { carriedMetadata, planWithin, type CutPlan, type LocationCut } from './location-cut.js';
import { removeExifLocation } from './exif.js';
import type { ReadLimits, ReadWindow } from './byte-reader.js';
import { removeXmpLocation } from './xmp-location.js';

const APP1 = 0xe1;
const SOS = 0xda;
const EOI = 0xd9;
const SOI = 0xd8;
/** Markers that stand alone, with no length: TEM and RST0–7. */
const isStandalone = (marker: number): boolean =>
  marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
/** Start-of-frame markers: C0–CF but for DHT (C4), JPG (C8) and DAC (CC); JPEG-LS's F7. */
const isStartOfFrame = (marker: number): boolean =>
  (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) ||
  marker === 0xf7;

/**
 * The bound on one walk, hostile file or not. The window reads 16 KiB first, which holds the
 * segments before the image data of most phone photos (EXIF and its thumbnail, ICC, XMP: 5 to
 * 60 KiB), and grows to 64 KiB while segments follow one another. It reads each byte before the
 * image data at most twice, so 4096 reads and 32 MiB are more than any file within WeCom's
 * 10 MiB needs. One read may take a whole segment: 64 KiB and 2 bytes at most.
 * A file with more segments before its image than {@link MAX_SEGMENTS} is not walked further.
 */
const FIRST_READ = 16 * 1024;
const MAX_READ = 64 * 1024;
const LIMITS: ReadLimits = { reads: 4096, bytes: 32 * 1024 * 1024, readBytes: MAX_READ + 2 };
const MAX_SEGMENTS = 65_536;

/**
 * Plans a JPEG without its location. Walks the segments before the image data (T.81 B.1.1.4),
 * reading each, and stops at SOS: the entropy-coded data, and all after it, is passed on unread.
 * APP1 EXIF and XMP segments are edited in place; extended XMP, any other APP1 and any segment
 * that carries EXIF or XMP where neither belongs are dropped. When the segments break off (a
 * byte where a marker must be, SOS before any frame header, a segment past the end of the file,
 * the read bound reached), the segment before the break may be the one whose length lied: it and
 * the rest of the file go.
 */
export function planJpegCut(file: ByteReader): Promise<LocationCut | undefined> {
  return planWithin(file, LIMITS, { first: FIRST_READ, max: MAX_READ }, walkSegments);
}

/** Plans every segment to SOS; false when the segments break off before it. */
async function walkSegments(file: ReadWindow, plan: CutPlan): Promise<boolean> {
  const soi = await file.get(0, 2);
  if (soi[0] !== 0xff || soi[1] !== SOI) return false; // not the JPEG it was said to be
  plan.keep(0, 2);
  plan.startPart();
  let offset = 2;
  let framed = false;
  for (let segments = 0; segments < MAX_SEGMENTS; segments++) {
    if (offset >= file.size) return true;
    const header = file.peek(offset, 4) ?? (await file.get(offset, 4));
    if (header.length < 2 || header[0] !== 0xff) return false;
    const marker = header[1] ?? 0;
    if (marker === 0xff) {
      // T.81 B.1.1.2: any marker may follow any number of 0xFF fill bytes.
      const last = await lastFillByte(file, offset + 1);
      plan.keep(offset, last);
      offset = last;
      continue;
    }
    if (isStandalone(marker)) {
      plan.keep(offset, offset + 2);
      offset += 2;
      continue;
    }
    if (marker === SOS || marker === EOI) {
      // Image data comes after its frame header (T.81 B.2.1); before one, the marker is damage.
      if (!framed) return false;
      plan.keep(offset, file.size);
      return true;
    }
    // 0x00 is no marker and 0x02–0xBF are reserved (T.81 B.1.1.3): damage, as is a second SOI.
    if (marker === SOI || marker < 0xc0 || header.length < 4) return false;
    const end = offset + 2 + u16(header, 2);
    if (end < offset + 4 || end > file.size) return false;
    plan.startPart();
    framed ||= isStartOfFrame(marker);
    planSegment(plan, marker, offset, await file.get(offset, end - offset));
    offset = end;
  }
  return false;
}

/** The offset of the last 0xFF in the run of them at `offset`, or the end of the file. */
async function lastFillByte(file: ReadWindow, offset: number): Promise<number> {
  for (let at = offset; at < file.size;) {
    const chunk = await file.get(at, FIRST_READ);
    const other = chunk.findIndex((byte) => byte !== 0xff);
    if (other >= 0) return at + other - 1;
    at += chunk.length;
  }
  return file.size;
}

/** Keeps, edits or drops one segment, given whole: marker, length and payload. */
function planSegment(plan: CutPlan, marker: number, start: number, segment: Uint8Array): void {
  const end = start + segment.length;
  if (marker !== APP1) {
    const carried = carriedMetadata(segment.subarray(4));
    if (carried === undefined) plan.keep(start, end);
    else plan.remove(carried);
    return;
  }
  const app1 = app1Content(segment.subarray(4));
  if (app1.kind === 'extended-xmp' || app1.kind === 'unknown') {
    // Extended XMP continues the main packet in pieces that cannot be edited alone; an APP1 that
    // is neither EXIF nor XMP may be either with a damaged header.
    plan.remove(app1.kind === 'unknown' ? 'exif' : 'xmp');
    return;
  }
  // A copy, never the reader's bytes (Buffer's slice would share them): it is edited in place.
  const copy = new Uint8Array(segment);
  const body = copy.subarray(4 + app1.at);
  const outcome = app1.kind === 'exif' ? removeExifLocation(body) : removeXmpLocation(body);
  if (outcome === 'damaged') plan.remove(app1.kind);
  else if (outcome === undefined) plan.keep(start, end);
  else plan.replace(copy, outcome);
}

type App1Content =
  | { kind: 'exif'; at: number }
  | { kind: 'xmp'; at: number }
  | { kind: 'extended-xmp' }
  | { kind: 'unknown' };

const XMP_HEADER = 'http://ns.adobe.com/xap/1.0/\0';
const EXTENDED_XMP_HEADER = 'http://ns.adobe.com/xmp/extension/\0';

/**
 * What an APP1 payload holds, recognised as ExifTool does, so that what it would read as EXIF or
 * XMP is cleaned: "Exif\0" in any case after up to 4 stray bytes, then one more byte before the
 * TIFF header; XMP after its namespace header, after "XMP\0", or anywhere in an APP1 that starts
 * with "http" or quotes an XMP packet or property.
 */
function app1Content(payload: Uint8Array): App1Content {
  const head = Buffer.from(payload.buffer, payload.byteOffset, payload.length);
  for (let garbage = 0; garbage <= 4; garbage++) {
    if (head.toString('latin1', garbage, garbage + 5).toLowerCase() === 'exif\0') {
      return { kind: 'exif', at: garbage + 6 };
    }
  }
  if (head.toString('latin1', 0, 7) === 'PARROT\0') return { kind: 'exif', at: 7 };
  const start = head.toString('latin1', 0, EXTENDED_XMP_HEADER.length);
  if (start === EXTENDED_XMP_HEADER) return { kind: 'extended-xmp' };
  if (start.startsWith(XMP_HEADER)) return { kind: 'xmp', at: XMP_HEADER.length };
  if (start.startsWith('XMP\0')) return { kind: 'xmp', at: 4 };
  if (start.startsWith('http') || carriedMetadata(payload) === 'xmp' || head.includes('<exif:')) {
    return { kind: 'xmp', at: 0 };
  }
  return { kind: 'unknown' };
}
