import { Inject, Injectable } from '@nestjs/common';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { BufferReader, type ByteReader } from '../media/byte-reader.js';
import {
  AttachmentSourceError,
  type AttachmentSourceKind,
} from '../errors/attachment-source.error.js';
import { fileSource, NotAFile } from './file-source.js';
import { downloadUrl, type UrlDownloadOptions } from './url-download.js';
import { UrlPolicy } from './url-policy.js';
import type { Messages } from '../messages/index.js';
import type { ResolvedWecomMediaOptions } from '../options/resolve-options.js';
import { WECOM_MESSAGES, WECOM_RESOLVED_OPTIONS } from '../wecom-media.constants.js';
import { NotBytes, TempDirectory } from './temp-directory.js';

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
 * Sources that carry a name: `filename` defaults to it (a URL's: its path's last segment,
 * decoded). A `URL` is downloaded only from a host `urlSources` allows.
 *
 * @publicApi
 */
export type NamedFileSource = string | FilePathLike | UploadedFileLike | URL;

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
  /** A fresh stream of bytes [start, end), or a view of the buffer. */
  slice(start: number, end: number): Buffer | Readable;
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
    slice: (start, end) => buffer.subarray(start, end),
    dispose: () => Promise.resolve(),
  };
}

/**
 * The module's way of turning a caller's file into a source: its private temp directory, and the
 * hosts `urlSources` allows a URL from (none without it).
 */
@Injectable()
export class SourceResolver {
  private readonly urls: NonNullable<ResolveSourceOptions['urls']>;

  constructor(
    private readonly temp: TempDirectory,
    @Inject(WECOM_RESOLVED_OPTIONS) { urlSources, ca }: ResolvedWecomMediaOptions,
    @Inject(WECOM_MESSAGES) messages: Messages,
  ) {
    this.urls = {
      policy: new UrlPolicy(urlSources?.allowedHosts ?? [], messages),
      timeoutMs: urlSources?.timeoutMs ?? 0,
      maxRedirects: urlSources?.maxRedirects ?? 0,
      ca,
      messages,
    };
  }

  /** {@link resolveSource} with the module's settings: streams and URLs kept up to `spoolLimit`. */
  resolve(input: FileInput, spoolLimit: number, signal?: AbortSignal): Promise<AttachmentSource> {
    return resolveSource(input, { temp: this.temp, spoolLimit, signal, urls: this.urls });
  }
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
  /** How URLs are downloaded; without it, a URL is refused before any request. */
  urls?: Omit<UrlDownloadOptions, 'maxBytes' | 'temp' | 'signal'>;
}

/**
 * Opens, spools or downloads whatever `input.file` is.
 * @throws AttachmentSourceError when the caller's source cannot be read (typed, naming its kind).
 * @throws AttachmentRuleError for a URL the `urlSources` rules refuse.
 * @throws the signal's reason when it aborts.
 */
export async function resolveSource(
  input: FileInput,
  options: ResolveSourceOptions,
): Promise<AttachmentSource> {
  const { file } = input;
  if (file instanceof Uint8Array) {
    return bufferSource(toBuffer(file), requireFilename(input.filename, 'a Buffer'));
  }
  if (file instanceof Readable) {
    const filename = requireFilename(input.filename, 'a stream');
    const spooled = await options.temp
      .spool(file, options.spoolLimit, options.signal)
      .catch((error: unknown) => rethrowAs('stream', error, options.signal));
    return spooledSource(spooled, filename, spooled.exceeded);
  }
  if (file instanceof URL) {
    const urls = options.urls ?? { policy: new UrlPolicy([]), timeoutMs: 0, maxRedirects: 0 };
    const { temp, spoolLimit, signal } = options;
    const got = await downloadUrl(file, { ...urls, maxBytes: spoolLimit, temp, signal });
    return spooledSource(got, input.filename ?? got.filename, got.exceeded);
  }
  if (typeof file === 'string') return opened('path', file, input.filename ?? basename(file));
  if (isUploadedFile(file)) {
    const name = input.filename ?? file.originalname;
    if (file.buffer) return bufferSource(file.buffer, name);
    if (file.path) return opened('multer', file.path, name);
    throw new TypeError('the multer file has neither `buffer` nor `path`');
  }
  if (typeof file === 'object' && file !== null && typeof file.path === 'string') {
    return opened('path', file.path, input.filename ?? basename(file.path));
  }
  throw new TypeError(
    'file must be a Buffer, a Uint8Array, a Readable, a path, { path }, a multer file or a URL',
  );
}

/**
 * Releases a stream the caller handed over when a call ends before reading it (a refused corp,
 * fit without sharp), as a read one is released: the caller's file or socket is not left open.
 */
export function releaseStream(file: unknown): void {
  if (file instanceof Readable) file.destroy();
}

/** A file the module spooled (a stream, a download): removed with the source. */
async function spooledSource(
  spooled: { path: string; bytes: number; remove(): Promise<void> },
  filename: string,
  exceeded: boolean,
): Promise<AttachmentSource> {
  try {
    const source = await fileSource(spooled.path, filename);
    return {
      ...source,
      identity: undefined, // a spooled copy is new every time
      size: exceeded ? spooled.bytes : source.size,
      sizeExceeded: exceeded,
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

/** The caller's file at `path`, opened; a failure is typed, naming the source's kind. */
function opened(
  kind: 'path' | 'multer',
  path: string,
  filename: string,
): Promise<AttachmentSource> {
  return fileSource(path, filename).catch((error: unknown) => rethrowAs(kind, error));
}

/** Why the caller's source could not be read, as an AttachmentSourceError; an abort as its reason. */
function rethrowAs(kind: AttachmentSourceKind, error: unknown, signal?: AbortSignal): never {
  if (signal?.aborted) throw signal.reason;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const what =
    kind === 'path' ? 'the path' : kind === 'multer' ? "the multer file's path" : 'the stream';
  if (error instanceof NotBytes) {
    throw new AttachmentSourceError(
      kind,
      'not-bytes',
      'the stream gave a chunk that is not bytes (a Buffer or a Uint8Array)',
    );
  }
  if (error instanceof NotAFile)
    throw new AttachmentSourceError(kind, 'not-a-file', `${what} is not a regular file`);
  if (code === 'ENOENT')
    throw new AttachmentSourceError(kind, 'not-found', `${what} does not exist (ENOENT)`);
  if (code === 'EISDIR')
    throw new AttachmentSourceError(kind, 'not-a-file', `${what} is a directory (EISDIR)`);
  const why = code ?? (error instanceof Error ? error.name : 'an error');
  throw new AttachmentSourceError(
    kind,
    kind === 'stream' ? 'stream-error' : 'unreadable',
    kind === 'stream'
      ? `the stream failed while it was read: ${why}`
      : `${what} could not be read: ${why}`,
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
