import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { OnApplicationShutdown } from '@nestjs/common';

/** A stream written to disk. */
export interface SpooledFile {
  path: string;
  /** Bytes written. */
  bytes: number;
  /** True when the stream held more than the limit and spooling stopped there. */
  exceeded: boolean;
  remove(): Promise<void>;
}

/** Raised inside the pipeline to stop spooling at the limit. */
class LimitReached extends Error {}

/** A stream gave something else than bytes (an object-mode stream of objects, or of strings). */
export class NotBytes extends Error {}

/**
 * A private directory (mode 0700) for spooled uploads. Files are mode 0600 and named by random
 * ids, never by a client's filename. Removed with everything in it when the module shuts down.
 */
export class TempDirectory implements OnApplicationShutdown {
  private dir?: Promise<string>;

  /** @param parent - the folder to make the private directory in (option `tempDir`). */
  constructor(private readonly parent: string) {}

  /** The directory's path, created on first use. */
  path(): Promise<string> {
    this.dir ??= mkdtemp(join(this.parent, 'wecom-media-'));
    return this.dir;
  }

  /** A fresh file path inside the directory, named by a random id. */
  async newFilePath(): Promise<string> {
    return join(await this.path(), randomUUID());
  }

  /**
   * Starts writing `stream` to a new file. `done` settles once the file is complete, or once it
   * has been removed after a failure; `stop` ends the write early and removes the file.
   */
  async write(
    stream: Readable,
    options: { limit?: number; signal?: AbortSignal } = {},
  ): Promise<{ path: string; done: Promise<SpooledFile>; stop: () => Promise<void> }> {
    const path = await this.newFilePath();
    // The file exists before the first byte, so a failure can never race its creation.
    const handle = await open(path, 'wx', 0o600);
    const out = handle.createWriteStream();
    const remove = (): Promise<void> => rm(path, { force: true });
    const closed = (): Promise<unknown> =>
      out.closed ? Promise.resolve() : once(out, 'close').catch(() => undefined);
    const limit = options.limit ?? Infinity;
    let written = 0;
    let exceeded = false;
    const cap = new Transform({
      // Takes any chunk, so that one that is no bytes fails the spool instead of throwing inside
      // the pipe (which would end the process); Readable.from([buffer]) is an object-mode stream.
      writableObjectMode: true,
      transform(chunk: unknown, _encoding, callback) {
        if (!(chunk instanceof Uint8Array)) {
          callback(new NotBytes());
          return;
        }
        const room = limit - written;
        if (chunk.length > room) {
          exceeded = true;
          if (room > 0) this.push(chunk.subarray(0, room));
          written = limit;
          callback(new LimitReached());
          return;
        }
        written += chunk.length;
        callback(null, chunk);
      },
    });
    const done = pipeline(stream, cap, out, { signal: options.signal }).then(
      (): SpooledFile => ({ path, bytes: written, exceeded, remove }),
      async (error: unknown): Promise<SpooledFile> => {
        await closed();
        if (error instanceof LimitReached) return { path, bytes: written, exceeded, remove };
        await remove();
        throw error;
      },
    );
    const stop = async (): Promise<void> => {
      stream.destroy(new Error('the upload was stopped'));
      await done.catch(() => undefined);
      await remove();
    };
    return { path, done, stop };
  }

  /** Writes `stream` to a new file, stopping after `limit` bytes. */
  async spool(stream: Readable, limit: number, signal?: AbortSignal): Promise<SpooledFile> {
    const { done } = await this.write(stream, { limit, signal });
    return done;
  }

  /** Runs after every module's onModuleDestroy, so uploads let finish at shutdown are done. */
  onApplicationShutdown(): Promise<void> {
    return this.dispose();
  }

  /** Removes the directory and anything left in it. */
  async dispose(): Promise<void> {
    if (!this.dir) return;
    const dir = await this.dir.catch(() => undefined);
    this.dir = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
