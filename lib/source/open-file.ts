import { close, fstat, open, read, type Stats } from 'node:fs';

/**
 * A file open for positional reads, on a bare descriptor and the callback API: per upload it costs
 * less CPU than a `fs/promises` FileHandle (no handle object to track, no promise machinery in the
 * binding). `close()` closes the descriptor once only: a second close could close another file
 * that was given the same number since.
 */
export class OpenFile {
  private closed = false;

  private constructor(private readonly fd: number) {}

  static open(path: string): Promise<OpenFile> {
    return new Promise((resolve, reject) => {
      open(path, 'r', (error, fd) => (error ? reject(error) : resolve(new OpenFile(fd))));
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
    return new Promise((resolve, reject) => {
      read(this.fd, buffer, offset, length, position, (error, bytesRead) =>
        error ? reject(error) : resolve({ bytesRead, buffer }),
      );
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve, reject) => {
      close(this.fd, (error) => (error ? reject(error) : resolve()));
    });
  }
}
