// The multipart framing WeCom's doc shows, and bare node:http posts of it, for the baselines,
// the reference rows and the soak client.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { request } from 'node:http';

/** The bytes before and after a file of `size` bytes in the `media` part. */
export function multipartFrame(filename, mimeType, size) {
  const boundary = `----Bench${randomBytes(8).toString('hex')}`;
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

/** The whole body for `file`, built once. */
export function buildMultipart(file, filename, mimeType) {
  const { head, tail, contentType } = multipartFrame(filename, mimeType, file.length);
  return { body: Buffer.concat([head, file, tail]), contentType };
}

/** Resolves with the status and text of the answer to `send(req)`; rejects on a socket error. */
function exchange(url, agent, headers, send) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    send(req);
  });
}

/** POSTs a body held in memory. */
export function postBytes(url, body, contentType, agent) {
  return exchange(
    url,
    agent,
    { 'content-type': contentType, 'content-length': body.length },
    (req) => req.end(body),
  );
}

/** POSTs the file at `path` inside `frame` (see multipartFrame), streamed from disk. */
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
