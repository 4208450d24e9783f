import type { ByteReader } from './byte-reader.js';

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
