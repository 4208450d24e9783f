// The multipart framing WeCom's doc shows (one `media` part with its filelength), and bare
// node:http(s) posts of it: for the specs that write uploads by hand, the bench's baselines and
// reference rows, and the soak client. Plain Node ESM with JSDoc types, so the scripts import it
// as it is and the specs get its types.
import { randomBytes } from 'node:crypto';
import { close, createReadStream, open, read } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * The bytes around a file in a multipart body, and the headers that announce them.
 * @typedef {object} MultipartFrame
 * @property {Buffer} head The boundary and the part's headers, up to the file's first byte.
 * @property {Buffer} tail The closing boundary after the file's last byte.
 * @property {string} contentType `multipart/form-data` with its boundary.
 * @property {number} length The whole body: head, file and tail.
 */

/**
 * A multipart body held in memory.
 * @typedef {object} MultipartBody
 * @property {Buffer} body
 * @property {string} contentType
 */

/**
 * An HTTP answer, read to its end.
 * @typedef {object} Answer
 * @property {number} status
 * @property {string} text
 */

/**
 * The bytes before and after a file of `size` bytes in the `media` part.
 * @param {string} filename
 * @param {string} mimeType
 * @param {number} size
 * @returns {MultipartFrame}
 */
export function multipartFrame(filename, mimeType, size) {
  const boundary = `----WecomMedia${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="${filename}"; filelength=${size}\r\nContent-Type: ${mimeType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    head,
    tail,
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: head.length + size + tail.length,
  };
}

/**
 * The whole body for `file`, built once.
 * @param {Buffer} file
 * @param {string} filename
 * @param {string} mimeType
 * @returns {MultipartBody}
 */
export function buildMultipart(file, filename, mimeType) {
  const { head, tail, contentType } = multipartFrame(filename, mimeType, file.length);
  return { body: Buffer.concat([head, file, tail]), contentType };
}

/**
 * Resolves with the status and text of the answer to `send(req)`; rejects on a socket error.
 * `node:https` for an https URL, `node:http` otherwise.
 * @param {string} url
 * @param {import('node:http').Agent | false | undefined} agent
 * @param {import('node:http').OutgoingHttpHeaders} headers
 * @param {(req: import('node:http').ClientRequest) => void} send
 * @returns {Promise<Answer>}
 */
function exchange(url, agent, headers, send) {
  return new Promise((resolve, reject) => {
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on('data', (/** @type {Buffer} */ c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    send(req);
  });
}

/**
 * POSTs a body held in memory.
 * @param {string} url
 * @param {Buffer} body
 * @param {string} contentType
 * @param {import('node:http').Agent | false} [agent] `false`: a fresh connection.
 * @returns {Promise<Answer>}
 */
export function postBytes(url, body, contentType, agent) {
  return exchange(
    url,
    agent,
    { 'content-type': contentType, 'content-length': body.length },
    (req) => req.end(body),
  );
}

/**
 * POSTs the file at `path` inside `frame` (see multipartFrame), streamed from disk.
 * @param {string} url
 * @param {string} path
 * @param {MultipartFrame} frame
 * @param {import('node:http').Agent | false} [agent] `false`: a fresh connection.
 * @returns {Promise<Answer>}
 */
export function postFile(url, path, frame, agent) {
  return exchange(
    url,
    agent,
    { 'content-type': frame.contentType, 'content-length': frame.length },
    (req) => {
      req.write(frame.head);
      const file = createReadStream(path, { highWaterMark: 256 * 1024 });
      file.pipe(req, { end: false });
      file.on('end', () => req.end(frame.tail));
    },
  );
}

/** Files up to this size go in one read and one write (see postFileTuned); larger ones stream. */
export const TUNED_WHOLE_BYTES = 1024 * 1024;
/** The read size for larger files. */
const TUNED_CHUNK_BYTES = 1024 * 1024;

/**
 * POSTs the file at `path` inside `frame` with the fewest syscalls Node allows: a file up to
 * TUNED_WHOLE_BYTES is read (open, one read, close) straight into one buffer between the head
 * and the tail, sent with one `end()`; a larger one streams in 1 MiB reads. The file is read per
 * call, as an upload from a path must.
 * @param {string} url
 * @param {string} path
 * @param {MultipartFrame} frame
 * @param {import('node:http').Agent | false} [agent] `false`: a fresh connection.
 * @returns {Promise<Answer>}
 */
export function postFileTuned(url, path, frame, agent) {
  const size = frame.length - frame.head.length - frame.tail.length;
  return exchange(
    url,
    agent,
    { 'content-type': frame.contentType, 'content-length': frame.length },
    (req) => {
      if (size > TUNED_WHOLE_BYTES) {
        req.write(frame.head);
        const file = createReadStream(path, { highWaterMark: TUNED_CHUNK_BYTES });
        file.on('error', (error) => req.destroy(error));
        file.pipe(req, { end: false });
        file.on('end', () => req.end(frame.tail));
        return;
      }
      const body = Buffer.allocUnsafe(frame.length);
      frame.head.copy(body, 0);
      frame.tail.copy(body, frame.head.length + size);
      open(path, 'r', (openError, fd) => {
        if (openError) return req.destroy(openError);
        read(fd, body, frame.head.length, size, 0, (readError, bytesRead) => {
          close(fd, () => undefined);
          if (readError) return req.destroy(readError);
          if (bytesRead !== size) return req.destroy(new Error(`read ${bytesRead} of ${size} B`));
          req.end(body);
        });
      });
    },
  );
}
