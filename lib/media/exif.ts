import { gpsIfdSpans, holdsGpsIfd, looksLikeGpsIfd } from './gps-ifd.js';
import {
  ifdSize,
  readIfd,
  readNumbers,
  readTiffHeader,
  TYPE_IFD,
  valueSpans,
  write16,
  write32,
  type Ifd,
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

/**
 * Removes the GPS IFD and the serial numbers from a TIFF block (the payload of a JPEG APP1 after
 * `Exif\0\0`, or a PNG eXIf chunk), editing `bytes` in place so that its length stays the same.
 * Entries go from their IFD, the entries after them shifting up; then every byte that no kept
 * entry reaches is zeroed, so the GPS IFD, its values, the serial numbers and whatever else was
 * unreachable (e.g. GPS values whose offsets were damaged) are no longer in the file. A GPS IFD
 * reached by another pointer, or by none (as tools that "remove" the location leave it), counts.
 */
export function removeExifLocation(bytes: Uint8Array): ExifOutcome {
  const head = readTiffHeader(bytes);
  const walked = head && walkIfds(head.tiff, head.ifd0);
  if (head === undefined || walked === undefined) return 'damaged';
  const { tiff } = head;
  const { ifds, strayGps } = walked;

  const removed = new Set<'gps' | 'serial'>();
  const kept: Span[] = [{ start: 0, end: 8 }];
  const erased: Span[] = strayGps.flatMap((at) => gpsIfdSpans(tiff, at));
  const tables: Span[] = [];
  if (strayGps.length > 0) removed.add('gps');
  for (const ifd of ifds) {
    const keptEntries = ifd.entries.filter((e) => !REMOVED_TAGS.has(e.tag));
    kept.push({ start: ifd.at, end: ifd.at + ifdSize(keptEntries.length) });
    kept.push(...keptEntries.flatMap(valueSpans), ...dataSpans(tiff, ifd));
    tables.push({ start: ifd.at, end: ifd.at + ifdSize(ifd.entries.length) });
    for (const entry of ifd.entries) {
      const kind = REMOVED_TAGS.get(entry.tag);
      if (kind === undefined) continue;
      removed.add(kind);
      erased.push(...valueSpans(entry));
      const [gps] = kind === 'gps' ? readNumbers(tiff, entry, 1) : [];
      if (gps !== undefined) erased.push(...gpsIfdSpans(tiff, gps));
    }
  }
  // Where no pointer led to a GPS IFD, one may lie where nothing points.
  const unreached = removed.has('gps') ? [] : gaps([...tables, ...kept, ...erased], bytes.length);
  if (unreached.some((gap) => holdsGpsIfd(tiff, gap))) removed.add('gps');
  if (removed.size === 0) return undefined;

  for (const ifd of ifds) dropEntries(tiff, ifd);
  // The GPS IFD and serial values are erased even where a kept entry claims them too.
  for (const span of [...gaps(kept, bytes.length), ...erased]) bytes.fill(0, span.start, span.end);
  return removed;
}

/**
 * IFD0 and the IFDs it leads to, each once, and the offsets of IFDs among them that are GPS IFDs
 * whatever pointed at them. Undefined if one does not fit in the block or has an entry of a type
 * EXIF does not define (a sign that a damaged offset led into other data).
 */
function walkIfds(tiff: Tiff, ifd0: number): { ifds: Ifd[]; strayGps: number[] } | undefined {
  const ifds: Ifd[] = [];
  const strayGps: number[] = [];
  const seen = new Set<number>();
  // IFD0, IFD1 (the thumbnail's) and so on are a chain; sub-IFDs' next offsets are not followed.
  const queue: { at: number; inChain: boolean }[] = [{ at: ifd0, inChain: true }];
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
    const { at, inChain } = item;
    if ((at === 0 && seen.size > 0) || seen.has(at)) continue; // 0 ends a chain; a revisit is a loop
    seen.add(at);
    const ifd = readIfd(tiff, at);
    // Counted by IFDs walked, not offsets seen, so that the bound holds even if `seen` did not.
    if (ifd === undefined || ifds.length + strayGps.length === MAX_IFDS) return undefined;
    if (looksLikeGpsIfd(tiff, at)) {
      strayGps.push(at);
      continue;
    }
    if (ifd.entries.some((e) => e.type < 1 || e.type > TYPE_IFD)) return undefined;
    ifds.push(ifd);
    if (inChain) queue.push({ at: ifd.next, inChain: true });
    for (const entry of ifd.entries) {
      if (REMOVED_TAGS.has(entry.tag)) continue;
      if (!SUB_IFD_TAGS.has(entry.tag) && entry.type !== TYPE_IFD) continue;
      for (const sub of readNumbers(tiff, entry, MAX_IFDS)) queue.push({ at: sub, inChain: false });
      if (queue.length > MAX_IFDS) return undefined; // pointers by the thousand: built to make us work
    }
  }
  return { ifds, strayGps };
}

/** The thumbnail, strips or tiles an IFD gives by offset and length, where they fit in the block. */
function dataSpans(tiff: Tiff, ifd: Ifd): Span[] {
  const spans: Span[] = [];
  for (const [offsetTag, lengthTag] of DATA_TAGS) {
    const offsets = ifd.entries.find((e) => e.tag === offsetTag);
    const lengths = ifd.entries.find((e) => e.tag === lengthTag);
    if (offsets === undefined || lengths === undefined) continue;
    const sizes = readNumbers(tiff, lengths, MAX_DATA_SPANS);
    readNumbers(tiff, offsets, MAX_DATA_SPANS).forEach((start, i) => {
      const end = start + (sizes[i] ?? 0);
      if (end > start && end <= tiff.bytes.length) spans.push({ start, end });
    });
  }
  return spans;
}

/**
 * Takes the removed entries out of an IFD's table: the entries after them shift up, the count
 * and the next-IFD offset follow, and the 12 bytes an entry frees are left to the sweep of
 * unreached bytes, which zeroes them.
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
  const out: Span[] = [];
  let at = 0;
  for (const { start, end } of spans.toSorted((a, b) => a.start - b.start)) {
    if (start > at) out.push({ start: at, end: Math.min(start, length) });
    at = Math.max(at, end);
  }
  if (at < length) out.push({ start: at, end: length });
  return out;
}
