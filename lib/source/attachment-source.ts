import type { Readable } from 'node:stream';
import { BufferReader, type ByteReader } from '../media/byte-reader.js';

/**
 * The shape of an `Express.Multer.File` that this module reads: memory storage fills `buffer`,
 * disk storage fills `path`.
 *
 * @publicApi
 */
export interface UploadedFileLike {
  /** The name the client gave (multer reads it as UTF-8 in the module's interceptors). */
  originalname: string;
  /** The type the client claimed; never trusted, the bytes tell. */
  mimetype?: string;
  /** The size multer counted. */
  size?: number;
  /** The bytes (memory storage). */
  buffer?: Buffer;
  /** Where the bytes were spooled (disk storage). */
  path?: string;
}

/**
 * A file on disk, named by its path.
 *
 * @publicApi
 */
export interface FilePathLike {
  /** The file's path. */
  path: string;
}

/**
 * Sources whose name cannot be known: the caller must give `filename`.
 *
 * @publicApi
 */
export type AnonymousFileSource = Uint8Array | Readable;

/**
 * Sources that carry a name: `filename` defaults to it.
 *
 * @publicApi
 */
export type NamedFileSource = string | FilePathLike | UploadedFileLike;

/**
 * A file ready to inspect and to send, however it arrived. Every `body()` call starts again at
 * byte 0, so a retry re-reads the whole file; `dispose()` closes it and removes any spooled copy.
 */
export interface AttachmentSource {
  readonly filename: string;
  /** Bytes; with `sizeExceeded`, reading stopped here because the file was already too large. */
  readonly size: number;
  readonly sizeExceeded: boolean;
  readonly reader: ByteReader;
  /**
   * For a file on disk, what identifies this version of it (device, inode, size, change times):
   * lets a digest be reused while the file is unchanged.
   */
  readonly identity?: string;
  /** The file's path, when the bytes are in a file (what an image fitter reads best). */
  readonly path?: string;
  /** A fresh stream of the whole file, or the buffer itself. */
  body(): Buffer | Readable;
  dispose(): Promise<void>;
}

/** Bytes in memory as a source. */
export function bufferSource(buffer: Buffer, filename: string): AttachmentSource {
  return {
    filename,
    size: buffer.length,
    sizeExceeded: false,
    reader: new BufferReader(buffer),
    body: () => buffer,
    dispose: () => Promise.resolve(),
  };
}
