import { close, constants, fstat, open, read, type Stats } from 'node:fs';

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
