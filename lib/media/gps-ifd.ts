import {
  ifdSize,
  read16,
  read32,
  readIfd,
  TYPE_IFD,
  TYPE_RATIONAL,
  TYPE_SRATIONAL,
  valueSpans,
  type Span,
  type Tiff,
} from './tiff.js';

/** GPS tags run from GPSVersionID (0x00) to GPSHPositioningError (0x1F) (CIPA DC-008 4.6.6). */
const MAX_GPS_TAG = 0x1f;
const GPS_LATITUDE = 0x02;
const GPS_LONGITUDE = 0x04;

/** The bytes of the GPS IFD at `at`: its table and its values; none when the table does not fit. */
export function gpsIfdSpans(tiff: Tiff, at: number): Span[] {
  const gps = readIfd(tiff, at);
  if (gps === undefined) return [];
  const table = { start: gps.at, end: gps.at + ifdSize(gps.entries.length) };
  return [table, ...gps.entries.flatMap(valueSpans)];
}

/**
 * Whether the IFD at `at` looks like a GPS IFD with a position in it: 1 to 32 entries, GPS tags in
 * ascending order, field types EXIF defines, and a GPSLatitude or GPSLongitude of three rationals.
 * No other IFD looks like that (their tags are 0x0100 and up), whatever offset led to it.
 */
export function looksLikeGpsIfd(tiff: Tiff, at: number, end = tiff.bytes.length): boolean {
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
    const isPosition = tag === GPS_LATITUDE || tag === GPS_LONGITUDE;
    if (isPosition && rationals && read32(tiff, entry + 4) === 3) position = true;
    previous = tag;
  }
  return position;
}

/**
 * Whether bytes no IFD reaches hold a GPS IFD, at an even offset (TIFF aligns IFDs on words).
 * Old cameras' padding and leftover thumbnails never look like one; a GPS IFD cut loose from its
 * pointer, by a tool that "removed" the location or by damage, does.
 */
export function holdsGpsIfd(tiff: Tiff, gap: Span): boolean {
  for (let at = gap.start + (gap.start % 2); at + ifdSize(1) <= gap.end; at += 2) {
    if (looksLikeGpsIfd(tiff, at, gap.end)) return true;
  }
  return false;
}
