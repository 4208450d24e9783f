import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import FormData from 'form-data';
import { stripControls } from '../rules/filename-rule.js';

/** What the multipart part says about the file. */
export interface MultipartFile {
  /** The name users see, already neutralised by `sanitizeFilename`. */
  filename: string;
  contentType: string;
  /** The exact byte count: it becomes `filelength` and part of Content-Length. */
  size: number;
}

/** A request body ready to send: the stream and the headers that describe it. */
export interface MultipartBody {
  stream: FormData;
  headers: { 'content-type': string; 'content-length': string };
  /** Releases the file content (closes its stream); call it after every attempt. */
  destroy(): void;
}

/**
 * Builds the `media` part as WeCom's doc shows it:
 * `Content-Disposition: form-data; name="media"; filename="…"; filelength=N`. form-data writes the
 * hand-made header (native FormData cannot add `filelength`) and, with `knownLength`, the exact
 * Content-Length, so the body is never sent chunked.
 */
export function createMultipartBody(
  file: MultipartFile,
  content: Buffer | Readable,
): MultipartBody {
  const form = new FormData();
  const boundary = `----WecomMedia${randomBytes(12).toString('hex')}`;
  form.setBoundary(boundary);
  // A Buffer goes in as a one-chunk stream: with a Buffer part, axios never reused the socket.
  // An empty file stays a Buffer: form-data takes a known length of 0 for "unknown".
  const part =
    file.size === 0
      ? Buffer.alloc(0)
      : Buffer.isBuffer(content)
        ? Readable.from([content], { objectMode: false })
        : content;
  form.append('media', part, { header: partHeader(boundary, file), knownLength: file.size });
  return {
    stream: form,
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(form.getLengthSync()),
    },
    // form-data does not destroy the streams it holds: an aborted attempt would leak the file.
    destroy: () => {
      if (!Buffer.isBuffer(content)) content.destroy();
      if (!Buffer.isBuffer(part)) part.destroy();
    },
  };
}

/** The part's opening delimiter and headers, up to the blank line before the bytes. */
export function partHeader(boundary: string, file: MultipartFile): string {
  // The filename arrives neutralised (rules/filename-rule.ts); one that could still break the
  // header is a bug upstream, and must not reach WeCom.
  if (HEADER_BREAKERS.test(file.filename)) {
    throw new TypeError('the filename must be neutralised (sanitizeFilename) before it is sent');
  }
  const contentType = stripControls(file.contentType);
  return (
    `--${boundary}\r\n` +
    `Content-Disposition: form-data; name="media"; filename="${file.filename}"; filelength=${file.size}\r\n` +
    `Content-Type: ${contentType}\r\n\r\n`
  );
}

/** What would end the filename's quotes or the header line. */
// eslint-disable-next-line no-control-regex
const HEADER_BREAKERS = /["\r\n\u0000]/;
