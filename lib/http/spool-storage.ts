import { rm } from 'node:fs/promises';
import type { Request } from 'express';
import type { StorageEngine } from 'multer';
import type { TempDirectory } from '../source/temp-directory.js';

/**
 * A multer storage engine that writes each upload to the module's private temp directory: mode
 * 0600, named by a random id (never by the client's filename), removed again on any failure.
 * Memory stays flat however large and however many the uploads are.
 */
export class SpoolStorage implements StorageEngine {
  /** Files still being written, per request, with the means to stop them. */
  private readonly writing = new WeakMap<Request, Set<() => Promise<void>>>();

  constructor(private readonly temp: TempDirectory) {}

  _handleFile(
    req: Request,
    file: Express.Multer.File,
    callback: (error?: unknown, info?: Partial<Express.Multer.File>) => void,
  ): void {
    const starting = this.temp.write(file.stream);
    // Registered at once, before the file is even open: an abort must find it.
    const stop = async (): Promise<void> => {
      const write = await starting.catch(() => undefined);
      await write?.stop();
    };
    const active = this.writing.get(req) ?? new Set();
    this.writing.set(req, active);
    active.add(stop);
    starting
      .then(({ path, done }) => done.then((spooled) => ({ path, size: spooled.bytes })))
      .then(
        (info) => {
          active.delete(stop);
          callback(null, info);
        },
        (error: unknown) => {
          active.delete(stop);
          callback(error);
        },
      );
  }

  _removeFile(
    _req: Request,
    file: Express.Multer.File,
    callback: (error: Error | null) => void,
  ): void {
    rm(file.path, { force: true }).then(
      () => callback(null),
      (error: Error) => callback(error),
    );
  }

  /** Stops every file of `req` still being written and removes it; resolves once they are gone. */
  async abort(req: Request): Promise<void> {
    const active = this.writing.get(req);
    if (active) await Promise.all([...active].map((stop) => stop()));
  }
}
