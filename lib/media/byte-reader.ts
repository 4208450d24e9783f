/**
 * Random access to a file's bytes. Inspectors read through it so that they touch only headers,
 * and so that the bytes they read can be counted.
 */
export interface ByteReader {
  readonly size: number;
  /** Up to `length` bytes from `offset`; fewer at the end of the file, never past it. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** Reads from memory without copying. */
export class BufferReader implements ByteReader {
  constructor(private readonly bytes: Uint8Array) {}

  get size(): number {
    return this.bytes.length;
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    return Promise.resolve(
      this.bytes.subarray(offset, Math.min(offset + length, this.bytes.length)),
    );
  }
}

/** What FileHandleReader reads from: a FileHandle, or anything that reads by position alike. */
export interface PositionalFile {
  read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesRead: number }>;
}

/** Reads from an open file handle; the caller owns and closes the handle. */
export class FileHandleReader implements ByteReader {
  constructor(
    private readonly handle: PositionalFile,
    readonly size: number,
  ) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    const wanted = Math.max(0, Math.min(length, this.size - offset));
    if (wanted === 0) return new Uint8Array(0);
    const buffer = Buffer.allocUnsafe(wanted);
    const { bytesRead } = await this.handle.read(buffer, 0, wanted, offset);
    return buffer.subarray(0, bytesRead);
  }
}

/** Wraps a reader and counts the bytes it hands out (the benchmark reports this figure). */
export class CountingReader implements ByteReader {
  bytesRead = 0;
  reads = 0;

  constructor(private readonly inner: ByteReader) {}

  get size(): number {
    return this.inner.size;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const bytes = await this.inner.read(offset, length);
    this.bytesRead += bytes.length;
    this.reads += 1;
    return bytes;
  }
}

/** Big-endian readers over a byte array; the caller has checked the bounds. */
export const u16 = (b: Uint8Array, i: number): number => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);

/** 24 bits, as in the flags of an ISO BMFF full box. */
export const u24 = (b: Uint8Array, i: number): number =>
  ((b[i] ?? 0) << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);

export const u32 = (b: Uint8Array, i: number): number =>
  (((b[i] ?? 0) << 24) >>> 0) +
  (((b[i + 1] ?? 0) << 16) | ((b[i + 2] ?? 0) << 8) | (b[i + 3] ?? 0));

export const u64 = (b: Uint8Array, i: number): bigint =>
  (BigInt(u32(b, i)) << 32n) | BigInt(u32(b, i + 4));

/** Four bytes as ASCII, e.g. a PNG chunk type or an MP4 box type. */
export const fourcc = (b: Uint8Array, i: number): string =>
  String.fromCharCode(b[i] ?? 0, b[i + 1] ?? 0, b[i + 2] ?? 0, b[i + 3] ?? 0);

/** True when `b` starts with `prefix` at `offset`. */
export function startsWith(b: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  if (b.length < offset + prefix.length) return false;
  return prefix.every((byte, i) => b[offset + i] === byte);
}

/** The most one inspection may ask of its reader. */
export interface ReadLimits {
  /** Calls to `read`: one per box or segment header visited, and one per payload read. */
  readonly reads: number;
  /** Bytes asked for, in all. */
  readonly bytes: number;
  /** Bytes asked for in one read. */
  readonly readBytes: number;
}

/** Thrown by {@link BudgetReader} instead of a read that would break its limits. */
export class ReadLimitReached extends Error {
  constructor(readonly limits: ReadLimits) {
    super(`read limit reached: ${describeLimits(limits)}`);
  }
}

/**
 * Holds an inspector to a budget of reads and bytes, so that no file, however hostile, keeps it
 * reading or looping without end. The inspector catches {@link ReadLimitReached} and reports the
 * limit as a fact: it never escapes `inspectMedia`.
 */
export class BudgetReader implements ByteReader {
  private reads = 0;
  private bytes = 0;

  constructor(
    private readonly inner: ByteReader,
    readonly limits: ReadLimits,
  ) {}

  get size(): number {
    return this.inner.size;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    // Charged before reading, for what the file can give, so a read is refused before it happens.
    const wanted = Math.max(0, Math.min(length, this.inner.size - offset));
    const { reads, bytes, readBytes } = this.limits;
    if (this.reads + 1 > reads || this.bytes + wanted > bytes || wanted > readBytes) {
      throw new ReadLimitReached(this.limits);
    }
    this.reads += 1;
    this.bytes += wanted;
    return this.inner.read(offset, length);
  }
}

/** Limits for messages: "4096 reads, 256 KiB in all or 4 KiB in one read". */
export const describeLimits = ({ reads, bytes, readBytes }: ReadLimits): string =>
  `${reads} reads, ${bytes / 1024} KiB in all or ${readBytes / 1024} KiB in one read`;

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
