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
