/**
 * The TIFF structure that EXIF is written in (CIPA DC-008 4.6): a header giving the byte order and
 * the first IFD, then IFDs, each a count, 12-byte entries and the offset of the next IFD. Offsets
 * count from the header's first byte. Readers here never trust an offset: what does not fit in the
 * block is reported, not read.
 */

/** A TIFF block and its byte order. */
export interface Tiff {
  readonly bytes: Uint8Array;
  readonly little: boolean;
}

/** A byte range [start, end) of the block. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** One 12-byte IFD entry. */
export interface IfdEntry {
  /** Where the entry starts in the block. */
  readonly at: number;
  readonly tag: number;
  readonly type: number;
  readonly count: number;
  /** Where its value is: inline in the entry or elsewhere; undefined for an unknown type or an offset outside the block. */
  readonly value: Span | undefined;
}

/** One IFD whose table lies whole inside the block. */
export interface Ifd {
  readonly at: number;
  readonly entries: readonly IfdEntry[];
  /** The offset of the next IFD; 0 when there is none. */
  readonly next: number;
}

/** Bytes per value of each field type, 1 (BYTE) to 13 (IFD); 0 for types EXIF does not define. */
const TYPE_SIZES = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4];
const TYPE_SHORT = 3;
const TYPE_LONG = 4;
/** Field types by number (CIPA DC-008 4.6.2): two LONGs, two SLONGs, and an IFD's offset. */
export const TYPE_RATIONAL = 5;
export const TYPE_SRATIONAL = 10;
export const TYPE_IFD = 13;

/** The table's size for `count` entries: the count, the entries and the next-IFD offset. */
export const ifdSize = (count: number): number => 2 + 12 * count + 4;

/** The byte order and IFD0 offset, or undefined when the block does not start with a TIFF header. */
export function readTiffHeader(bytes: Uint8Array): { tiff: Tiff; ifd0: number } | undefined {
  if (bytes.length < 8) return undefined;
  const order = String.fromCharCode(bytes[0] ?? 0, bytes[1] ?? 0);
  if (order !== 'II' && order !== 'MM') return undefined;
  const tiff = { bytes, little: order === 'II' };
  if (read16(tiff, 2) !== 42) return undefined;
  return { tiff, ifd0: read32(tiff, 4) };
}

/** The IFD at `at`, or undefined when its table does not fit in the block. */
export function readIfd(tiff: Tiff, at: number): Ifd | undefined {
  if (at < 8 || at + 2 > tiff.bytes.length) return undefined;
  const count = read16(tiff, at);
  if (at + ifdSize(count) > tiff.bytes.length) return undefined;
  const entries: IfdEntry[] = [];
  for (let i = 0; i < count; i++) entries.push(readEntry(tiff, at + 2 + 12 * i));
  return { at, entries, next: read32(tiff, at + 2 + 12 * count) };
}

function readEntry(tiff: Tiff, at: number): IfdEntry {
  const tag = read16(tiff, at);
  const type = read16(tiff, at + 2);
  const count = read32(tiff, at + 4);
  const size = TYPE_SIZES[type] ?? 0;
  // Numbers, not 32-bit integers: count × size cannot wrap round to a small, inline-looking length.
  const length = size * count;
  let value: Span | undefined;
  if (size > 0 && length <= 4) value = { start: at + 8, end: at + 8 + length };
  else if (size > 0) {
    const start = read32(tiff, at + 8);
    if (start + length <= tiff.bytes.length) value = { start, end: start + length };
  }
  return { at, tag, type, count, value };
}

/** An entry's value when it lies outside the entry (inline values move with the entry). */
export function valueSpans(entry: IfdEntry): Span[] {
  const { value } = entry;
  return value !== undefined && value.start !== entry.at + 8 ? [value] : [];
}

/** The SHORT or LONG numbers an entry holds (offsets, lengths), at most `limit` of them. */
export function readNumbers(tiff: Tiff, entry: IfdEntry, limit: number): number[] {
  const { value } = entry;
  if (value === undefined) return [];
  const size =
    entry.type === TYPE_SHORT ? 2 : entry.type === TYPE_LONG || entry.type === TYPE_IFD ? 4 : 0;
  if (size === 0) return [];
  const numbers: number[] = [];
  for (let at = value.start; at + size <= value.end && numbers.length < limit; at += size) {
    numbers.push(size === 2 ? read16(tiff, at) : read32(tiff, at));
  }
  return numbers;
}

/** The 16-bit number at `i`, in the block's byte order; the caller has checked the bounds. */
export function read16({ bytes, little }: Tiff, i: number): number {
  const a = bytes[i] ?? 0;
  const b = bytes[i + 1] ?? 0;
  return little ? a | (b << 8) : (a << 8) | b;
}

/** The 32-bit number at `i`, in the block's byte order. */
export function read32({ bytes, little }: Tiff, i: number): number {
  const [a, b, c, d] = [bytes[i] ?? 0, bytes[i + 1] ?? 0, bytes[i + 2] ?? 0, bytes[i + 3] ?? 0];
  return little
    ? d * 2 ** 24 + ((c << 16) | (b << 8) | a)
    : a * 2 ** 24 + ((b << 16) | (c << 8) | d);
}

/** Writes a 16-bit number at `i`, in the block's byte order. */
export function write16({ bytes, little }: Tiff, i: number, n: number): void {
  bytes[i] = little ? n & 0xff : n >>> 8;
  bytes[i + 1] = little ? n >>> 8 : n & 0xff;
}

/** Writes a 32-bit number at `i`, in the block's byte order. */
export function write32({ bytes, little }: Tiff, i: number, n: number): void {
  for (let k = 0; k < 4; k++) bytes[i + k] = (n >>> (little ? 8 * k : 24 - 8 * k)) & 0xff;
}
