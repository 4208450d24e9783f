import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type {
  AttachmentInput,
  UploadedFileLike,
} from '../interfaces/attachment-input.interface.js';
import { BufferReader, FileHandleReader, type ByteReader } from '../media/byte-reader.js';
import type { TempDirectory } from './temp-directory.js';

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
  /** A fresh stream of the whole file, or the buffer itself. */
  body(): Buffer | Readable;
  dispose(): Promise<void>;
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
  input: AttachmentInput,
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

/**
 * One handle serves inspection and every attempt's stream, and each stream stops at the size
 * measured at the start: a file that changes meanwhile cannot break Content-Length.
 */
async function fileSource(path: string, filename: string): Promise<AttachmentSource> {
  const handle: FileHandle = await open(path, 'r');
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new TypeError(`${path} is not a regular file`);
    const size = stat.size;
    return {
      filename,
      size,
      identity: `${stat.dev}:${stat.ino}:${size}:${stat.mtimeMs}:${stat.ctimeMs}`,
      sizeExceeded: false,
      reader: new FileHandleReader(handle, size),
      body: () => readRange(handle, size),
      dispose: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

const CHUNK_BYTES = 256 * 1024;

/**
 * Streams bytes 0 to `size` of an open file by position. Unlike fs.ReadStream, destroying it
 * (an aborted attempt) leaves the handle open for the next attempt.
 */
function readRange(handle: FileHandle, size: number): Readable {
  let position = 0;
  return new Readable({
    highWaterMark: CHUNK_BYTES,
    read() {
      const length = Math.min(CHUNK_BYTES, size - position);
      if (length <= 0) {
        this.push(null);
        return;
      }
      handle.read(Buffer.allocUnsafe(length), 0, length, position).then(
        ({ bytesRead, buffer }) => {
          if (bytesRead === 0) {
            this.destroy(new Error(`the file shrank below ${size} bytes while it was being sent`));
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
