import { PassThrough, Readable } from 'node:stream';
import { buffer as collect } from 'node:stream/consumers';
import { assert, asyncProperty, string, uint8Array } from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../lib/client/backoff.js';
import { createMultipartBody } from '../../lib/client/multipart-body.js';
import { OPTION_DEFAULTS } from '../../lib/options/resolve-options.js';
import { sanitizeFilename } from '../../lib/rules/filename-rule.js';
import { boundaryOf, parseMultipart } from '../../lib/testing/multipart-parser.js';

async function encode(filename: string, content: Buffer, asStream = false) {
  const body = createMultipartBody(
    { filename, contentType: 'image/png', size: content.length },
    asStream ? Readable.from([content]) : content,
  );
  // form-data is an old-style stream: pipe it into a modern one to read it whole.
  const bytes = await collect(body.stream.pipe(new PassThrough()));
  return { body, bytes };
}

describe('createMultipartBody', () => {
  it('matches the doc example byte for byte, but for the boundary', async () => {
    const { body, bytes } = await encode('wework.txt', Buffer.from('mytext'));
    const boundary = boundaryOf(body.headers['content-type']) ?? '';
    expect(bytes.toString('latin1')).toBe(
      `--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="wework.txt"; filelength=6\r\n` +
        `Content-Type: image/png\r\n\r\nmytext\r\n--${boundary}--\r\n`,
    );
    expect(Number(body.headers['content-length'])).toBe(bytes.length);
  });

  it('counts a UTF-8 filename in bytes for Content-Length', async () => {
    const { body, bytes } = await encode('图片😀.png', Buffer.alloc(10, 1), true);
    expect(Number(body.headers['content-length'])).toBe(bytes.length);
  });

  it('round-trips any filename and any bytes as one well-formed part', async () => {
    await assert(
      asyncProperty(
        string({ unit: 'grapheme', maxLength: 40 }),
        uint8Array({ maxLength: 300 }),
        async (name, data) => {
          const content = Buffer.from(data);
          const { body, bytes } = await encode(sanitizeFilename(name), content);
          expect(Number(body.headers['content-length'])).toBe(bytes.length);
          const parts = parseMultipart(bytes, boundaryOf(body.headers['content-type']) ?? '');
          expect(Array.isArray(parts)).toBe(true);
          const [part] = parts as Exclude<typeof parts, string>;
          expect((parts as unknown[]).length).toBe(1);
          expect(part?.params.name).toBe('media');
          expect(part?.params.filename ?? '').toBe(sanitizeFilename(name));
          expect(part?.params.filelength).toBe(String(content.length));
          expect(part?.content.equals(content)).toBe(true);
          expect(part?.disposition).not.toMatch(/[\r\n\0]/);
        },
      ),
      {
        numRuns: 300,
        examples: [
          ['', new Uint8Array(0)],
          ['a"\r\n.png', new Uint8Array([13, 10, 45, 45])],
        ],
      },
    );
  });

  it('refuses a filename that could break the header: it must be neutralised first', () => {
    for (const name of ['a"b.png', 'a\r\nX: 1.png', 'a\0.png']) {
      expect(() =>
        createMultipartBody({ filename: name, contentType: 'image/png', size: 1 }, Buffer.alloc(1)),
      ).toThrow(/must be neutralised/);
    }
  });
});

describe('backoffDelay', () => {
  it('doubles up to the cap, with jitter in the upper half', () => {
    const opts = { ...OPTION_DEFAULTS.retry, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, opts, () => 0)).toBe(50);
    expect(backoffDelay(1, opts, () => 1)).toBe(100);
    expect(backoffDelay(3, opts, () => 1)).toBe(400);
    expect(backoffDelay(10, opts, () => 1)).toBe(1000);
  });
});
