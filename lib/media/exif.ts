import {
  ifdSize,
  read16,
  read32,
  readIfd,
  readNumbers,
  readTiffHeader,
  TYPE_IFD,
  TYPE_RATIONAL,
  TYPE_SRATIONAL,
  write16,
  write32,
  type Ifd,
  type IfdEntry,
  type Span,
  type Tiff,
} from './tiff.js';

/**
 * What {@link removeExifLocation} did to a TIFF block: the kinds of data it removed, in place;
 * `'damaged'` when the block cannot be walked safely and must be dropped whole; undefined when
 * there was nothing to remove.
 */
export type ExifOutcome = ReadonlySet<'gps' | 'serial'> | 'damaged' | undefined;

/** Entries that go, wherever they are: GPSInfo (the GPS IFD's offset) and the serial numbers. */
const REMOVED_TAGS: ReadonlyMap<number, 'gps' | 'serial'> = new Map([
  [0x8825, 'gps'], // GPSInfo
  [0xa431, 'serial'], // BodySerialNumber
  [0xc62f, 'serial'], // CameraSerialNumber
]);
/** Entries that give the offsets of further IFDs: ExifIFD, InteropIFD, SubIFDs. */
const SUB_IFD_TAGS = new Set([0x8769, 0xa005, 0x014a]);
/** Offset and length entries whose data lies in the block: strips, tiles and the JPEG thumbnail. */
const DATA_TAGS: readonly (readonly [number, number])[] = [
  [0x0111, 0x0117],
  [0x0144, 0x0145],
  [0x0201, 0x0202],
];
/** A phone's EXIF has four or five IFDs; more than this is a block built to keep us walking. */
const MAX_IFDS = 32;
/** Strips or tiles of one IFD: a thumbnail has a handful. */
const MAX_DATA_SPANS = 256;
/** GPS tags run from GPSVersionID (0x00) to GPSHPositioningError (0x1F). */
const MAX_GPS_TAG = 0x1f;
const GPS_LATITUDE = 0x02;
const GPS_LONGITUDE = 0x04;

/**
 * Removes the GPS IFD and the serial numbers from a TIFF block (the payload of a JPEG APP1 after
 * `Exif\0\0`, or a PNG eXIf chunk), editing `bytes` in place so that its length stays the same.
 * Entries go from their IFD, the entries after them shifting up; then every byte that no kept
 * entry reaches is zeroed, so the GPS IFD, its values, the serial numbers and whatever else was
 * unreachable (e.g. GPS values whose offsets were damaged) are no longer in the file. A GPS IFD
 * that nothing points at, as some tools leave behind when they "remove" the location, counts.
 */
export function removeExifLocation(bytes: Uint8Array): ExifOutcome {
  const head = readTiffHeader(bytes);
  if (head === undefined) return 'damaged';
  const { tiff } = head;
  const ifds = walkIfds(tiff, head.ifd0);
  if (ifds === undefined) return 'damaged';

  const removed = new Set<'gps' | 'serial'>();
  const kept: Span[] = [{ start: 0, end: 8 }];
  const referenced: Span[] = [];
  const erased: Span[] = [];
  for (const ifd of ifds) {
    const keptEntries = ifd.entries.filter((e) => !REMOVED_TAGS.has(e.tag));
    kept.push({ start: ifd.at, end: ifd.at + ifdSize(keptEntries.length) });
    for (const entry of keptEntries) kept.push(...valueSpans(entry));
    kept.push(...dataSpans(tiff, ifd));
    referenced.push({ start: ifd.at, end: ifd.at + ifdSize(ifd.entries.length) });
    for (const entry of ifd.entries) {
      const kind = REMOVED_TAGS.get(entry.tag);
      if (kind === undefined) continue;
      removed.add(kind);
      erased.push(...valueSpans(entry));
      if (kind === 'gps') erased.push(...gpsSpans(tiff, entry));
    }
  }
  referenced.push(...kept, ...erased);
  if (gaps(referenced, bytes.length).some((gap) => holdsGpsIfd(tiff, gap))) removed.add('gps');
  if (removed.size === 0) return undefined;

  for (const ifd of ifds) dropEntries(tiff, ifd);
  for (const span of [...gaps(kept, bytes.length), ...erased]) bytes.fill(0, span.start, span.end);
  return removed;
}

/** IFD0 and the IFDs it leads to, each once; undefined if one of them does not fit in the block. */
function walkIfds(tiff: Tiff, ifd0: number): Ifd[] | undefined {
  const ifds: Ifd[] = [];
  const seen = new Set<number>();
  // IFD0, IFD1 (the thumbnail's) and so on are a chain; sub-IFDs' next offsets are not followed.
  const queue: { at: number; inChain: boolean }[] = [{ at: ifd0, inChain: true }];
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
    const { at, inChain } = item;
    if ((at === 0 && ifds.length > 0) || seen.has(at)) continue; // 0 ends a chain; a revisit is a loop
    seen.add(at);
    const ifd = readIfd(tiff, at);
    if (ifd === undefined || ifds.length === MAX_IFDS) return undefined;
    ifds.push(ifd);
    if (inChain) queue.push({ at: ifd.next, inChain: true });
    for (const entry of ifd.entries) {
      if (REMOVED_TAGS.has(entry.tag)) continue;
      if (!SUB_IFD_TAGS.has(entry.tag) && entry.type !== TYPE_IFD) continue;
      for (const sub of readNumbers(tiff, entry, MAX_IFDS)) queue.push({ at: sub, inChain: false });
      if (queue.length > MAX_IFDS) return undefined; // pointers by the thousand: built to make us work
    }
  }
  return ifds;
}

/** An entry's value when it lies outside the entry (inline values move with the entry). */
function valueSpans(entry: IfdEntry): Span[] {
  const { value } = entry;
  return value !== undefined && value.start !== entry.at + 8 ? [value] : [];
}

/** The GPS IFD an entry points at, its table and its values, when the table fits in the block. */
function gpsSpans(tiff: Tiff, entry: IfdEntry): Span[] {
  const [at] = readNumbers(tiff, entry, 1);
  const gps = at === undefined ? undefined : readIfd(tiff, at);
  if (gps === undefined) return [];
  const table = { start: gps.at, end: gps.at + ifdSize(gps.entries.length) };
  return [table, ...gps.entries.flatMap((e) => valueSpans(e))];
}

/** The thumbnail, strips or tiles an IFD gives by offset and length, where they fit in the block. */
function dataSpans(tiff: Tiff, ifd: Ifd): Span[] {
  const spans: Span[] = [];
  for (const [offsetTag, lengthTag] of DATA_TAGS) {
    const offsets = ifd.entries.find((e) => e.tag === offsetTag);
    const lengths = ifd.entries.find((e) => e.tag === lengthTag);
    if (offsets === undefined || lengths === undefined) continue;
    const starts = readNumbers(tiff, offsets, MAX_DATA_SPANS);
    const sizes = readNumbers(tiff, lengths, MAX_DATA_SPANS);
    starts.forEach((start, i) => {
      const end = start + (sizes[i] ?? 0);
      if (end > start && end <= tiff.bytes.length) spans.push({ start, end });
    });
  }
  return spans;
}

/**
 * Takes the removed entries out of an IFD's table: the entries after them shift up, the count
 * and the next-IFD offset follow, and the freed 12 bytes an entry are zeroed (by the caller's
 * sweep of unreached bytes).
 */
function dropEntries(tiff: Tiff, ifd: Ifd): void {
  const keep = ifd.entries.filter((e) => !REMOVED_TAGS.has(e.tag));
  if (keep.length === ifd.entries.length) return;
  keep.forEach((entry, i) => tiff.bytes.copyWithin(ifd.at + 2 + 12 * i, entry.at, entry.at + 12));
  write16(tiff, ifd.at, keep.length);
  write32(tiff, ifd.at + 2 + 12 * keep.length, ifd.next);
}

/** The parts of [0, length) that no span covers. */
function gaps(spans: readonly Span[], length: number): Span[] {
  const sorted = spans.toSorted((a, b) => a.start - b.start);
  const out: Span[] = [];
  let at = 0;
  for (const { start, end } of sorted) {
    if (start > at) out.push({ start: at, end: Math.min(start, length) });
    at = Math.max(at, end);
  }
  if (at < length) out.push({ start: at, end: length });
  return out;
}

/**
 * Whether bytes no IFD reaches hold what looks like a GPS IFD with a position in it: at an even
 * offset (TIFF aligns IFDs on words), 1 to 32 entries, GPS tags (0x00–0x1F) in ascending order,
 * field types EXIF defines, and a GPSLatitude or GPSLongitude of three rationals. Old cameras'
 * padding and leftover thumbnails never look like that; a GPS IFD cut loose from its pointer
 * (by a tool that "removed" the location, or by damage) does.
 */
function holdsGpsIfd(tiff: Tiff, gap: Span): boolean {
  for (let at = gap.start + (gap.start % 2); at + ifdSize(1) <= gap.end; at += 2) {
    if (looksLikeGpsIfd(tiff, at, gap.end)) return true;
  }
  return false;
}

function looksLikeGpsIfd(tiff: Tiff, at: number, end: number): boolean {
  const count = read16(tiff, at);
  if (count < 1 || count > MAX_GPS_TAG + 1 || at + ifdSize(count) > end) return false;
  let previous = -1;
  let position = false;
  for (let i = 0; i < count; i++) {
    const entry = at + 2 + 12 * i;
    const tag = read16(tiff, entry);
    const type = read16(tiff, entry + 2);
    if (tag > MAX_GPS_TAG || tag <= previous || type < 1 || type > TYPE_IFD) return false;
    const rationals = type === TYPE_RATIONAL || type === TYPE_SRATIONAL;
    if (
      (tag === GPS_LATITUDE || tag === GPS_LONGITUDE) &&
      rationals &&
      read32(tiff, entry + 4) === 3
    ) {
      position = true;
    }
    previous = tag;
  }
  return position;
}
