// The multipart body WeCom's doc shows, built once per file, for the raw and direct baselines.
import { randomBytes } from 'node:crypto';

export function buildMultipart(file, filename, contentType) {
  const boundary = `----Bench${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="${filename}"; filelength=${file.length}\r\nContent-Type: ${contentType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    body: Buffer.concat([head, file, tail]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
