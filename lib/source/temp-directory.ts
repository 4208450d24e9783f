import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { OnModuleDestroy } from '@nestjs/common';

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

/**
 * A private directory (mode 0700) for spooled uploads. Files are mode 0600 and named by random
 * ids, never by a client's filename. Removed with everything in it when the module shuts down.
 */
export class TempDirectory implements OnModuleDestroy {
  private dir?: Promise<string>;

  constructor(private readonly parent: string = tmpdir()) {}

  /** The directory's path, created on first use. */
  path(): Promise<string> {
    this.dir ??= mkdtemp(join(this.parent, 'wecom-media-'));
    return this.dir;
  }

  /** A fresh file path inside the directory, named by a random id. */
  async newFilePath(): Promise<string> {
    return join(await this.path(), randomUUID());
  }

  /** Writes `stream` to a new file, stopping after `limit` bytes. */
  async spool(stream: Readable, limit: number, signal?: AbortSignal): Promise<SpooledFile> {
    const path = await this.newFilePath();
    const remove = (): Promise<void> => rm(path, { force: true });
    let written = 0;
    let exceeded = false;
    const cap = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
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
    try {
      await pipeline(stream, cap, createWriteStream(path, { mode: 0o600, flags: 'wx' }), {
        signal,
      });
    } catch (error) {
      if (!(error instanceof LimitReached)) {
        await remove();
        throw error;
      }
    }
    return { path, bytes: written, exceeded, remove };
  }

  onModuleDestroy(): Promise<void> {
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
