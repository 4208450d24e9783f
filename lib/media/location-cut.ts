import {
  BudgetReader,
  ReadLimitReached,
  ReadWindow,
  type ByteReader,
  type ReadLimits,
} from './byte-reader.js';
/**
 * What a location cut removed: `'gps'` (the EXIF GPS IFD, XMP GPS properties), `'serial'` (a
 * camera's serial number), `'exif'` or `'xmp'` when a block that could not be walked safely was
 * dropped whole. Both `'exif'` and `'xmp'` when the file's structure broke off before its image
 * data, so that nothing from there on is sent.
 */
export type RemovedMetadata = 'gps' | 'serial' | 'exif' | 'xmp';

/** A run of new bytes, or a byte range [start, end) of the original file. */
export type BodyPiece = Uint8Array | { start: number; end: number };

/** How to send a file without its location: the pieces to send in its place. */
export interface LocationCut {
  /** What was removed, each once, non-empty. */
  removed: RemovedMetadata[];
  /** The cleaned file is these pieces, in order. */
  pieces: BodyPiece[];
  /** The cleaned file's size in bytes (sum of the pieces). */
  size: number;
}

const ORDER: readonly RemovedMetadata[] = ['gps', 'serial', 'exif', 'xmp'];

/** Collects a cut as a walk goes: ranges of the original kept, new bytes put in, what went. */
export class CutPlan {
  private readonly pieces: BodyPiece[] = [];
  private readonly removed = new Set<RemovedMetadata>();
  /** The mark before the last segment or chunk walked: see {@link breakOff}. */
  private walked = 0;

  /** Sends [start, end) of the original as it is. */
  keep(start: number, end: number): void {
    if (end > start) this.pieces.push({ start, end });
  }

  /** Sends `bytes` in place of a part of the original, which lost `what`. */
  replace(bytes: Uint8Array, what: Iterable<RemovedMetadata>): void {
    this.pieces.push(bytes);
    this.remove(...what);
  }

  /** Notes what a part of the original that is not sent held. */
  remove(...what: RemovedMetadata[]): void {
    for (const kind of what) this.removed.add(kind);
  }

  /** Where the plan is now, to go back to with {@link truncate}. */
  get mark(): number {
    return this.pieces.length;
  }

  /** Forgets what was planned after `mark`: the rest of the file is not sent. */
  truncate(mark: number): void {
    this.pieces.length = Math.min(mark, this.pieces.length);
  }

  /** Notes that a walk starts on a segment or chunk here (the one {@link breakOff} drops). */
  startPart(): void {
    this.walked = this.pieces.length;
  }

  /**
   * A walk broke off: the part before the break may be the one whose length lied, so it and the
   * rest of the file go, and whatever metadata they held with them.
   */
  breakOff(): void {
    this.truncate(this.walked);
    this.remove('exif', 'xmp');
  }

  /** The cut, adjacent ranges joined; undefined when nothing was removed. */
  finish(): LocationCut | undefined {
    if (this.removed.size === 0) return undefined;
    const pieces: BodyPiece[] = [];
    let size = 0;
    for (const piece of this.pieces) {
      const last = pieces.at(-1);
      if (!(piece instanceof Uint8Array) && last !== undefined && !(last instanceof Uint8Array)) {
        if (last.end === piece.start) {
          pieces[pieces.length - 1] = { start: last.start, end: piece.end };
          size += piece.end - piece.start;
          continue;
        }
      }
      pieces.push(piece);
      size += piece instanceof Uint8Array ? piece.length : piece.end - piece.start;
    }
    return { removed: ORDER.filter((kind) => this.removed.has(kind)), pieces, size };
  }
}

/**
 * Plans the cut of `file` by `walk`, within `limits`: a walk that breaks off (false) or reaches
 * the limits loses its last part and the rest ({@link CutPlan.breakOff}).
 */
export async function planWithin(
  file: ByteReader,
  limits: ReadLimits,
  reads: { first: number; max: number },
  walk: (window: ReadWindow, plan: CutPlan) => Promise<boolean>,
): Promise<LocationCut | undefined> {
  const plan = new CutPlan();
  try {
    const window = new ReadWindow(new BudgetReader(file, limits), reads.first, reads.max);
    if (!(await walk(window, plan))) plan.breakOff();
  } catch (error) {
    if (!(error instanceof ReadLimitReached)) throw error;
    plan.breakOff();
  }
  return plan.finish();
}

/**
 * Strings that mark EXIF or XMP wherever they are: a segment or chunk that is not where EXIF or
 * XMP belongs but carries them (one whose marker or type byte was damaged, a Photoshop resource
 * block, a text chunk holding ImageMagick's hex profile) is dropped rather than sent unread.
 * One regular expression, so that a segment is scanned once: this runs on every segment sent.
 */
const MARKS = new RegExp(
  [
    '(Exif|EXIF|exif)\\0', // an EXIF header, its "Exif" damaged or not
    '8BIM\\x04\\x22', // Photoshop image resource 0x0422: EXIF
    // ImageMagick's hex profiles; "iptc" may be a Photoshop resource block, EXIF and all.
    'Raw profile type (exif|APP1|8bim|iptc)',
    '(?<xmp>http://ns\\.adobe\\.com/(xap/1\\.0|xmp/extension)/|XML:com\\.adobe\\.xmp|' +
      'Raw profile type xmp|<x:xmpmeta|<\\?xpacket|adobe:ns:meta)',
  ].join('|'),
);

/** A TIFF header, as EXIF starts: "II*\0" or "MM\0*", within a segment's first 16 bytes. */
const TIFF_HEADER = /II\*\0|MM\0\*/;
const TIFF_HEADER_WITHIN = 16;
/** Segments that are TIFF-shaped and not EXIF: MPF's APP2 (CIPA DC-007), Kodak's APP3 "Meta". */
const TIFF_SHAPED = /^(MPF|Meta|META)\0/;

/**
 * Which metadata `bytes` (a segment's or chunk's data) seem to carry: `'exif'` for an EXIF or TIFF
 * header (near the start, but for MPF's and Kodak's; past a damaged "Exif\0\0") or a Photoshop EXIF resource,
 * `'xmp'` for an XMP packet or its namespace, else undefined.
 */
export function carriedMetadata(bytes: Uint8Array): 'exif' | 'xmp' | undefined {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  const head = text.slice(0, TIFF_HEADER_WITHIN + 3);
  if (!TIFF_SHAPED.test(head) && TIFF_HEADER.test(head)) return 'exif';
  const mark = MARKS.exec(text);
  if (mark === null) return undefined;
  return mark.groups?.['xmp'] === undefined ? 'exif' : 'xmp';
}
