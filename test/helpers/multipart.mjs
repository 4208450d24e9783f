// The multipart framing WeCom's doc shows (one `media` part with its filelength), and bare
// node:http posts of it: for the specs that write uploads by hand, the bench's baselines and
// reference rows, and the soak client. Plain Node ESM with JSDoc types, so the scripts import it
// as it is and the specs get its types.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { request } from 'node:http';

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
 * @param {string} url
 * @param {import('node:http').Agent | false | undefined} agent
 * @param {import('node:http').OutgoingHttpHeaders} headers
 * @param {(req: import('node:http').ClientRequest) => void} send
 * @returns {Promise<Answer>}
 */
function exchange(url, agent, headers, send) {
  return new Promise((resolve, reject) => {
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
