import type { ByteReader } from './byte-reader.js';

/**
 * Serves a walk's small reads from one larger read where they are close together. The window
 * doubles while the walk reads on from where it ended, so a run of headers, or a flood of tiny
 * segments, costs few reads; after a jump (past an IDAT, say) it starts small again, so what the
 * walk skips is not read.
 */
export class ReadWindow {
  private start = 0;
  private bytes: Uint8Array = new Uint8Array(0);
  private span: number;

  /** Reads grow from `first` bytes up to `max`, unless one asks for more. */
  constructor(
    private readonly reader: ByteReader,
    private readonly first: number,
    private readonly max: number,
  ) {
    this.span = first;
  }

  get size(): number {
    return this.reader.size;
  }

  /** The bytes at [offset, offset + length), if the window holds them; fewer at the end of the file. */
  peek(offset: number, length: number): Uint8Array | undefined {
    const end = Math.min(offset + length, this.reader.size);
    if (offset < this.start || end > this.start + this.bytes.length) return undefined;
    return this.bytes.subarray(offset - this.start, end - this.start);
  }

  /** The bytes at [offset, offset + length); fewer at the end of the file. */
  async get(offset: number, length: number): Promise<Uint8Array> {
    const held = this.peek(offset, length);
    if (held !== undefined) return held;
    const windowEnd = this.start + this.bytes.length;
    const readingOn = this.bytes.length > 0 && offset >= this.start && offset <= windowEnd + NEAR;
    this.span = readingOn ? Math.min(this.span * 2, this.max) : this.first;
    this.bytes = await this.reader.read(offset, Math.max(length, this.span));
    this.start = offset;
    return this.bytes.subarray(0, Math.min(length, this.bytes.length));
  }
}

/** A read this close after the window's end continues the walk: gaps under 4 KiB are read through. */
const NEAR = 4096;
