import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { markRoomAround } from '../client/multipart-body.js';
import { BufferReader, FileHandleReader, type ByteReader } from '../media/byte-reader.js';
import type { AttachmentSource } from './attachment-source.js';
import { BufferPool } from './buffer-pool.js';
import { close, constants, fstat, open, read, type Stats } from 'node:fs';

/** The path is a directory, a device, a FIFO: anything but a regular file. */
export class NotAFile extends Error {}

/**
 * One open file serves inspection and every attempt's stream, and each stream stops at the size
 * measured at the start: a file that changes meanwhile cannot break Content-Length. The first
 * chunk is read once, up front: it answers the inspector's header reads and starts every body. A
 * file up to WHOLE_FILE_BYTES is read whole in that one read, into a buffer from WHOLE_FILES, and
 * the file is closed at once: every body is that buffer, which goes back to the pool on
 * `dispose()`. A small file costs open, fstat, one read and close in all, and no stream.
 */
export async function fileSource(path: string, filename: string): Promise<AttachmentSource> {
  const handle = await OpenFile.open(path);
  let pooled: Buffer | undefined;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new NotAFile();
    const size = stat.size;
    const identity = `${stat.dev}:${stat.ino}:${size}:${stat.mtimeMs}:${stat.ctimeMs}`;
    const whole = ROOM_BEFORE + size + ROOM_AFTER;
    // Files read whole wait in memory while they queue (maxConcurrentCalls): past a bound, the
    // next ones stream, holding only their first chunk.
    if (
      size <= WHOLE_FILE_BYTES &&
      WHOLE_FILES.lentBytes + WHOLE_FILES.capacityFor(whole) <= WHOLE_FILES_IN_USE_BYTES
    ) {
      pooled = WHOLE_FILES.acquire(whole);
      // One read, as a rule; a read may legally return less (NFS, FUSE, a signal), so read on. A
      // file that ends early shrank since fstat: refused, never sent (or cached) cut short.
      let got = 0;
      while (got < size) {
        const { bytesRead } = await handle.read(pooled, ROOM_BEFORE + got, size - got, got);
        if (bytesRead === 0) {
          throw new Error(`the file shrank below ${size} bytes while it was being read`);
        }
        got += bytesRead;
      }
      // The room around the bytes takes the multipart head and tail: one buffer, no copy.
      const bytes = markRoomAround(pooled.subarray(ROOM_BEFORE, ROOM_BEFORE + size));
      await handle.close();
      let buffer: Buffer | undefined = pooled;
      return {
        filename,
        size,
        sizeExceeded: false,
        reader: new BufferReader(bytes),
        body: () => bytes,
        slice: (start, end) => bytes.subarray(start, end),
        path,
        identity,
        dispose: () => {
          // Once only: a buffer in the pool twice would be handed to two files at once.
          if (buffer !== undefined) WHOLE_FILES.release(buffer);
          buffer = undefined;
          return Promise.resolve();
        },
      };
    }
    const { bytesRead, buffer } = await handle.read(
      Buffer.allocUnsafe(HEAD_BYTES),
      0,
      HEAD_BYTES,
      0,
    );
    const head = buffer.subarray(0, bytesRead);
    return {
      filename,
      size,
      path,
      identity,
      sizeExceeded: false,
      reader: new HeadFirstReader(head, new FileHandleReader(handle, size)),
      body: () => (head.length >= size ? head : readRange(handle, 0, size, head)),
      slice: (start, end) => readRange(handle, start, end, head),
      dispose: () => handle.close(),
    };
  } catch (error) {
    if (pooled !== undefined) WHOLE_FILES.release(pooled);
    await handle.close().catch(() => undefined);
    throw error;
  }
}

/** Serves reads that fall inside the already-read head from memory, the rest from the file. */
class HeadFirstReader implements ByteReader {
  constructor(
    private readonly head: Buffer,
    private readonly file: ByteReader,
  ) {}

  get size(): number {
    return this.file.size;
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(offset + length, this.size);
    if (end <= this.head.length) return Promise.resolve(this.head.subarray(offset, end));
    return this.file.read(offset, length);
  }
}

/**
 * What a streamed file holds from the start: its first bytes, read up front (they answer the
 * inspector's header reads and start every body).
 */
const HEAD_BYTES = 256 * 1024;
/** The reads that stream the rest: fewer, larger reads cost less CPU per byte sent. */
const CHUNK_BYTES = 1024 * 1024;
/** Free bytes before a file read whole (for the multipart head: boundary, filename, type). */
const ROOM_BEFORE = 4096 - 64;
/** Free bytes after it (for the multipart tail, 54 bytes). */
const ROOM_AFTER = 64;
/** Files up to this size are read whole, up front (see fileSource). */
const WHOLE_FILE_BYTES = 1024 * 1024;
/** The most bytes of files read whole at once; later files stream until some are released. */
const WHOLE_FILES_IN_USE_BYTES = 32 * 1024 * 1024;
/**
 * The buffers files read whole go in: up to 16 MiB of them are kept for reuse (sixteen 1 MiB
 * files in flight at once, or more smaller ones).
 */
export const WHOLE_FILES = new BufferPool(
  WHOLE_FILE_BYTES,
  16 * 1024 * 1024,
  ROOM_BEFORE + ROOM_AFTER,
);

/**
 * Streams bytes 0 to `size` of an open file by position, starting with the `head` already read.
 * Unlike fs.ReadStream, destroying it (an aborted attempt) leaves the handle open for the next
 * attempt.
 */
function readRange(handle: OpenFile, start: number, end: number, head: Buffer): Readable {
  let position = start;
  return new Readable({
    highWaterMark: CHUNK_BYTES,
    read() {
      // What the head holds is sent from memory, once.
      if (position < head.length) {
        const upTo = Math.min(end, head.length);
        this.push(head.subarray(position, upTo));
        position = upTo;
        if (position >= end) this.push(null);
        return;
      }
      const length = Math.min(CHUNK_BYTES, end - position);
      if (length <= 0) {
        this.push(null);
        return;
      }
      handle.read(Buffer.allocUnsafe(length), 0, length, position).then(
        ({ bytesRead, buffer }) => {
          if (bytesRead === 0) {
            this.destroy(new Error(`the file shrank below ${end} bytes while it was being sent`));
            return;
          }
          position += bytesRead;
          this.push(buffer.subarray(0, bytesRead));
        },
        (error: Error) => this.destroy(error),
      );
    },
  });
}

/** A file this module wrote (a fitted image): a source that removes the file when disposed. */
export async function ownedFileSource(path: string, filename: string): Promise<AttachmentSource> {
  try {
    const source = await fileSource(path, filename);
    return {
      ...source,
      identity: undefined, // new every time
      dispose: async () => {
        await source.dispose();
        await rm(path, { force: true });
      },
    };
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
}

/**
 * A file open for positional reads, on a bare descriptor and the callback API: per upload it costs
 * less CPU than a `fs/promises` FileHandle (no handle object to track, no promise machinery in the
 * binding). `close()` closes the descriptor once only, and only after the reads under way: a
 * read or a second close after it could hit another file that was given the same number since.
 */
export class OpenFile {
  private closed = false;
  private pending = 0;
  private whenIdle: (() => void) | undefined;

  private constructor(private readonly fd: number) {}

  static open(path: string): Promise<OpenFile> {
    return new Promise((resolve, reject) => {
      // Non-blocking: opening a FIFO for reading would otherwise wait for a writer, holding a
      // thread of libuv's pool; the caller's fstat then refuses anything but a regular file.
      open(path, constants.O_RDONLY | constants.O_NONBLOCK, (error, fd) =>
        error ? reject(error) : resolve(new OpenFile(fd)),
      );
    });
  }

  stat(): Promise<Stats> {
    return new Promise((resolve, reject) => {
      fstat(this.fd, (error, stats) => (error ? reject(error) : resolve(stats)));
    });
  }

  /** Reads up to `length` bytes at `position` into `buffer` at `offset`. */
  read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesRead: number; buffer: Buffer }> {
    if (this.closed) return Promise.reject(new Error('the file is closed'));
    this.pending += 1;
    return new Promise((resolve, reject) => {
      read(this.fd, buffer, offset, length, position, (error, bytesRead) => {
        this.pending -= 1;
        if (this.pending === 0) this.whenIdle?.();
        if (error) reject(error);
        else resolve({ bytesRead, buffer });
      });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.pending > 0) {
      await new Promise<void>((resolve) => {
        this.whenIdle = resolve;
      });
    }
    await new Promise<void>((resolve, reject) => {
      close(this.fd, (error) => (error ? reject(error) : resolve()));
    });
  }
}
