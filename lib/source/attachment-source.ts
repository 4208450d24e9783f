import { Readable } from 'node:stream';
import { BufferReader, type ByteReader } from '../media/byte-reader.js';
import { basename } from 'node:path';
import { fileSource } from './file-source.js';
import type { TempDirectory } from './temp-directory.js';

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
function bufferSource(buffer: Buffer, filename: string): AttachmentSource {
  return {
    filename,
    size: buffer.length,
    sizeExceeded: false,
    reader: new BufferReader(buffer),
    body: () => buffer,
    dispose: () => Promise.resolve(),
  };
}

/** A file as a caller gives it, and the name users see. */
export interface FileInput {
  file: AnonymousFileSource | NamedFileSource;
  filename?: string;
}

/** Options for turning an input into a source. */
export interface ResolveSourceOptions {
  temp: TempDirectory;
  /** Streams are spooled up to this many bytes; a longer one is cut off and marked `sizeExceeded`. */
  spoolLimit: number;
  signal?: AbortSignal;
}

/** Opens, or spools, whatever `input.file` is. */
export async function resolveSource(
  input: FileInput,
  options: ResolveSourceOptions,
): Promise<AttachmentSource> {
  const { file } = input;
  if (file instanceof Uint8Array) {
    return bufferSource(toBuffer(file), requireFilename(input.filename, 'a Buffer'));
  }
  if (file instanceof Readable) {
    const spooled = await options.temp.spool(file, options.spoolLimit, options.signal);
    try {
      const source = await fileSource(spooled.path, requireFilename(input.filename, 'a stream'));
      return {
        ...source,
        identity: undefined, // a spooled copy is new every time
        size: spooled.exceeded ? spooled.bytes : source.size,
        sizeExceeded: spooled.exceeded,
        dispose: async () => {
          await source.dispose();
          await spooled.remove();
        },
      };
    } catch (error) {
      await spooled.remove();
      throw error;
    }
  }
  if (typeof file === 'string') return fileSource(file, input.filename ?? basename(file));
  if (isUploadedFile(file)) {
    const name = input.filename ?? file.originalname;
    if (file.buffer) return bufferSource(file.buffer, name);
    if (file.path) return fileSource(file.path, name);
    throw new TypeError('the multer file has neither `buffer` nor `path`');
  }
  if (typeof file === 'object' && file !== null && typeof file.path === 'string') {
    return fileSource(file.path, input.filename ?? basename(file.path));
  }
  throw new TypeError(
    'file must be a Buffer, a Uint8Array, a Readable, a path, { path } or a multer file',
  );
}

function isUploadedFile(file: unknown): file is UploadedFileLike {
  return (
    typeof file === 'object' &&
    file !== null &&
    typeof (file as UploadedFileLike).originalname === 'string'
  );
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function requireFilename(filename: string | undefined, what: string): string {
  if (filename === undefined) throw new TypeError(`filename is required when the file is ${what}`);
  return filename;
}
