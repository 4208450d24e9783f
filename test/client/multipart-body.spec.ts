import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { buffer as collect } from 'node:stream/consumers';
import { assert, asyncProperty, string, uint8Array } from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../lib/client/backoff.js';
import { createMultipartBody, ONE_BUFFER_BYTES } from '../../lib/client/multipart-body.js';
import { WECOM_MEDIA_OPTIONS } from '../../lib/options/option-table.js';
import { sanitizeFilename } from '../../lib/client/multipart-body.js';
import { markRoomAround } from '../../lib/client/multipart-body.js';
import { boundaryOf, parseMultipart } from '../../lib/testing/multipart-parser.js';

async function encode(filename: string, content: Buffer, asStream = false) {
  const body = createMultipartBody(
    { filename, contentType: 'image/png', size: content.length },
    asStream ? Readable.from([content]) : content,
  );
  const bytes = Buffer.isBuffer(body.stream) ? body.stream : await collect(body.stream);
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

  it('sends a small file as one Buffer, and a larger one or a stream as the same bytes', async () => {
    const expected = (boundary: string, content: Buffer) =>
      Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="a.png"; filelength=${content.length}\r\n` +
            `Content-Type: image/png\r\n\r\n`,
        ),
        content,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
    const small = randomBytes(ONE_BUFFER_BYTES);
    const large = randomBytes(ONE_BUFFER_BYTES + 1);
    for (const [content, asStream, oneBuffer] of [
      [small, false, true],
      [large, false, false],
      [small, true, false],
      [large, true, false],
    ] as const) {
      const { body, bytes } = await encode('a.png', content, asStream);
      expect(Buffer.isBuffer(body.stream)).toBe(oneBuffer);
      expect(bytes.equals(expected(boundaryOf(body.headers['content-type']) ?? '', content))).toBe(
        true,
      );
      expect(Number(body.headers['content-length'])).toBe(bytes.length);
    }
  });

  it('writes the head and tail in the room around a pooled file: one buffer, no copy, only there', () => {
    const file = { filename: 'a.png', contentType: 'image/png', size: 100 * 1024 };
    const memory = Buffer.alloc(4096 + file.size + 64, 0xee);
    const content = markRoomAround(memory.subarray(4096, 4096 + file.size).fill(7));
    const first = createMultipartBody(file, content);
    const body = first.stream as Buffer;
    expect(Buffer.isBuffer(body)).toBe(true);
    expect(body.buffer).toBe(memory.buffer); // no copy
    const parsed = parseMultipart(body, boundaryOf(first.headers['content-type']) ?? '');
    expect(typeof parsed !== 'string' && parsed[0]?.content.equals(content)).toBe(true);
    expect(Number(first.headers['content-length'])).toBe(body.length);
    // Each attempt writes its own head and tail over the last; the file's bytes stay as they are.
    const again = createMultipartBody(file, content);
    const parsedAgain = parseMultipart(
      again.stream as Buffer,
      boundaryOf(again.headers['content-type']) ?? '',
    );
    expect(typeof parsedAgain !== 'string' && parsedAgain[0]?.content.equals(content)).toBe(true);
    expect(content.every((b) => b === 7)).toBe(true);
    // Too little room (a long filename), or a buffer nobody marked: a copy, nothing written around.
    const long = createMultipartBody({ ...file, filename: `${'n'.repeat(5000)}.png` }, content);
    expect(Buffer.isBuffer(long.stream) && long.stream.buffer === memory.buffer).toBe(false);
    const callers = Buffer.alloc(4096 + file.size + 64, 0xee);
    const unmarked = createMultipartBody(file, callers.subarray(4096, 4096 + file.size));
    expect(Buffer.isBuffer(unmarked.stream)).toBe(false);
    expect(callers.subarray(0, 4096).every((b) => b === 0xee)).toBe(true);
  });

  it('streams a file in chunks, and fails a stream shorter or longer than the size it announced', async () => {
    const content = randomBytes(3000);
    const chunks = (bytes: Buffer) =>
      Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000, 2000), bytes.subarray(2000)]);
    const announced = { filename: 'a.png', contentType: 'image/png', size: content.length };
    const whole = await collect(createMultipartBody(announced, chunks(content)).stream as Readable);
    expect(whole.includes(content)).toBe(true);
    await expect(
      collect(createMultipartBody(announced, chunks(content.subarray(0, 2999))).stream as Readable),
    ).rejects.toThrow(/2999 bytes, not the 3000/);
    await expect(
      collect(
        createMultipartBody(announced, chunks(Buffer.concat([content, Buffer.alloc(1)])))
          .stream as Readable,
      ),
    ).rejects.toThrow(/longer than the 3000/);
  });

  it('destroy() releases the content stream, read or not; a content destroyed midway fails the body', async () => {
    const announced = { filename: 'a.png', contentType: 'image/png', size: 10 };
    const unread = new PassThrough();
    createMultipartBody(announced, unread).destroy();
    expect(unread.destroyed).toBe(true);

    const midway = new PassThrough();
    const body = createMultipartBody(announced, midway);
    const stream = body.stream as Readable;
    const failed = collect(stream);
    midway.write(Buffer.alloc(4));
    setImmediate(() => midway.destroy());
    await expect(failed).rejects.toThrow(/closed before its end/);
    body.destroy();
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
    const opts = {
      ...WECOM_MEDIA_OPTIONS.fields.retry.resolve(undefined),
      baseDelayMs: 100,
      maxDelayMs: 1000,
    };
    expect(backoffDelay(1, opts, () => 0)).toBe(50);
    expect(backoffDelay(1, opts, () => 1)).toBe(100);
    expect(backoffDelay(3, opts, () => 1)).toBe(400);
    expect(backoffDelay(10, opts, () => 1)).toBe(1000);
  });
});
