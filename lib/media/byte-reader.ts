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
