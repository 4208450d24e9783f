import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import type { StorageEngine } from 'multer';
import type { TempDirectory } from '../source/temp-directory.js';

/**
 * A multer storage engine that writes each upload to the module's private temp directory: mode
 * 0600, named by a random id (never by the client's filename), removed again on any failure.
 * Memory stays flat however large and however many the uploads are.
 */
export class SpoolStorage implements StorageEngine {
  constructor(private readonly temp: TempDirectory) {}

  _handleFile(
    _req: Request,
    file: Express.Multer.File,
    callback: (error?: unknown, info?: Partial<Express.Multer.File>) => void,
  ): void {
    void (async () => {
      const path = await this.temp.newFilePath();
      let size = 0;
      file.stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      try {
        await pipeline(file.stream, createWriteStream(path, { mode: 0o600, flags: 'wx' }));
        callback(null, { path, size });
      } catch (error) {
        await rm(path, { force: true });
        callback(error);
      }
    })().catch(callback);
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
}
