import { basename } from 'node:path';
import { Readable } from 'node:stream';
import {
  bufferSource,
  type AnonymousFileSource,
  type AttachmentSource,
  type NamedFileSource,
  type UploadedFileLike,
} from './attachment-source.js';
import { fileSource } from './file-source.js';
import type { TempDirectory } from './temp-directory.js';

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
