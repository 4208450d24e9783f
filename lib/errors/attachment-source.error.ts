import { WecomError } from './wecom.error.js';

/**
 * What the caller gave as `file`: a path, a Buffer, a stream, a multer file or a URL.
 *
 * @publicApi
 */
export type AttachmentSourceKind = 'path' | 'buffer' | 'stream' | 'multer' | 'url';

/**
 * Why a source could not be read, for programs to branch on:
 *
 * - `not-found`, `not-a-file`: a path that does not exist, or is a directory or a device.
 * - `unreadable`: a path that exists but cannot be read (permissions, an I/O error).
 * - `stream-error`: a stream that errored.
 * - `not-bytes`: a stream in object mode, whose chunks are not bytes.
 * - `unreachable`: a URL whose host did not resolve, or whose connection failed (TLS too).
 * - `status`: a URL that answered another status than 200 once redirects were followed.
 * - `timeout`: a URL not downloaded in full within `urlSources.timeoutMs`.
 * - `encoding`: a URL that answered compressed (a Content-Encoding other than identity).
 * - `truncated`: a URL whose body ended before its Content-Length, or was cut off.
 * - `aborted`: the caller's signal aborted the download.
 *
 * @publicApi
 */
export type AttachmentSourceReason =
  | 'not-found'
  | 'not-a-file'
  | 'unreadable'
  | 'stream-error'
  | 'not-bytes'
  | 'unreachable'
  | 'status'
  | 'timeout'
  | 'encoding'
  | 'truncated'
  | 'aborted';

/**
 * The caller's source could not be read: a missing path, a directory, a stream that errored, a URL
 * that could not be downloaded. Nothing was sent to WeCom. A URL is named without its query,
 * fragment or credentials, and a response body is never quoted.
 *
 * @publicApi
 */
export class AttachmentSourceError extends WecomError {
  /** The class's name, for logs and `instanceof`-free checks: `'AttachmentSourceError'`. */
  override readonly name = 'AttachmentSourceError';

  constructor(
    /** What the source was. */
    readonly kind: AttachmentSourceKind,
    /** Why it could not be read. */
    readonly reason: AttachmentSourceReason,
    message: string,
  ) {
    super(message);
  }
}
