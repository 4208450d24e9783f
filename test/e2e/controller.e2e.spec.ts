import { request as httpRequest } from 'node:http';
import supertest from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { emulatorSuite } from '../helpers/wecom-test-app.js';
import { fixture } from '../helpers/fixtures.js';
import { GIF_BYTES, makePng, padTo } from '../helpers/media-bytes.mjs';
import { multipartFrame } from '../helpers/multipart.mjs';

const MiB = 1024 * 1024;
const png = makePng(200, 100);
const PATH = '/wecom/attachments';

describe('the upload controller', () => {
  const s = emulatorSuite({ http: true });

  const post = (query = 'media_type=image&attachment_type=1') =>
    supertest(s.http.url).post(`${PATH}?${query}`);

  it('201: uploads and answers WeCom-style, in unix seconds', async () => {
    const res = await post().attach('media', png, { filename: 'a.png', contentType: 'image/png' });
    expect(res.status).toBe(201);
    const body = res.body as {
      type: string;
      media_id: string;
      created_at: number;
      expires_at: number;
    };
    expect(body.type).toBe('image');
    expect(body.media_id).toBe(s.emulator.uploads[0]?.mediaId);
    expect(body.expires_at - body.created_at).toBe(3 * 24 * 3600);
    expect(Math.abs(body.created_at - Date.now() / 1000)).toBeLessThan(3600);
  });

  it('passes a Chinese filename, sent as browsers send it, through byte-exact', async () => {
    const name = '春季新品-主图😀.png';
    const res = await post().attach('media', png, { filename: name, contentType: 'image/png' });
    expect(res.status).toBe(201);
    expect(s.emulator.uploads[0]?.upload?.filenameBytes?.equals(Buffer.from(name))).toBe(true);
  });

  it('uploads a video to moments', async () => {
    const res = await post('media_type=video&attachment_type=1').attach(
      'media',
      fixture('clip-faststart.mp4'),
      'clip.mp4',
    );
    expect(res.status).toBe(201);
    expect((res.body as { type: string }).type).toBe('video');
  });

  describe('400', () => {
    it('a bad query, before reading the body', async () => {
      const res = await post('media_type=voice&attachment_type=3').attach('media', png, 'a.png');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        statusCode: 400,
        violations: [
          {
            rule: 'media-type',
            message: 'media_type must be one of image, video, file; got "voice": use one of them',
            limit: 'image, video, file',
            actual: 'voice',
          },
          {
            rule: 'attachment-type',
            message: 'attachment_type must be 1 (moments) or 2 (product album); got 3: use 1 or 2',
            limit: '1, 2',
            actual: '3',
          },
        ],
      });
      expect(s.emulator.requests).toHaveLength(0);
    });

    it('a forbidden combination', async () => {
      const res = await post('media_type=video&attachment_type=2').attach('media', png, 'a.png');
      expect(res.status).toBe(400);
      expect((res.body as { violations: unknown[] }).violations).toEqual([
        {
          rule: 'attachment-media-type',
          message:
            'product album (商品图册) attachments accept only image; got video: send an image, or send the video to moments instead (attachment_type=1)',
          limit: 'image',
          actual: 'video',
        },
      ]);
    });

    it('a missing file', async () => {
      const res = await post().field('note', 'no file here');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        message: 'no file in the multipart field "media"',
        violations: [{ rule: 'file-missing' }],
      });
    });

    it('two files', async () => {
      const res = await post().attach('media', png, 'a.png').attach('media', png, 'b.png');
      expect(res.status).toBe(400);
      expect((res.body as { violations: Array<{ rule: string }> }).violations[0]?.rule).toMatch(
        /^file-(unexpected|count)$/,
      );
      expect(s.emulator.uploads).toHaveLength(0);
    });

    it('a file under another field name', async () => {
      const res = await post().attach('file', png, 'a.png');
      expect(res.status).toBe(400);
      expect((res.body as { violations: Array<{ rule: string }> }).violations[0]?.rule).toBe(
        'file-unexpected',
      );
      expect((res.body as { message: string }).message).toBe(
        'send exactly one file, in the field "media"',
      );
    });

    it('any rule violation, with every violation listed and nothing sent', async () => {
      const res = await post('media_type=image&attachment_type=1').attach(
        'media',
        GIF_BYTES,
        'a.gif',
      );
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        statusCode: 400,
        violations: [
          {
            rule: 'format',
            message:
              'image files must be JPEG or PNG; the bytes are GIF: convert it to JPEG or PNG',
          },
        ],
      });
      const wide = await post().attach('media', makePng(1081, 1081), 'wide.png');
      expect((wide.body as { violations: Array<{ message: string }> }).violations[0]?.message).toBe(
        'moments images need a short edge of at most 1080 px; this PNG is 1081 × 1081 px: resize it to 1080 × 1080 or smaller',
      );
      expect(s.emulator.uploads).toHaveLength(0);
    });
  });

  it('413: a file over the largest configured limit', async () => {
    const res = await post().attach('media', padTo(makePng(10, 10), 10 * MiB + 1), 'big.png');
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({
      statusCode: 413,
      violations: [{ rule: 'max-size', limit: 10 * MiB }],
    });
    expect(s.emulator.uploads).toHaveLength(0);
  });

  it('accepts exactly the largest limit', async () => {
    const res = await post().attach('media', padTo(makePng(10, 10), 10 * MiB), 'edge.png');
    expect(res.status).toBe(201);
  });

  it('502 with the errcode for a WeCom failure', async () => {
    s.emulator.failNext('upload_attachment', 40004);
    const res = await post().attach('media', png, 'a.png');
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ statusCode: 502, errcode: 40004 });
  });

  it('503 with Retry-After for -1 after every retry, and for rate limits', async () => {
    s.emulator.failNext('upload_attachment', -1, 4);
    const busy = await post().attach('media', png, 'a.png');
    expect(busy.status).toBe(503);
    expect(busy.body).toMatchObject({ errcode: -1 });
    expect(Number(busy.headers['retry-after'])).toBeGreaterThan(0);
    s.emulator.failNext('upload_attachment', 45009);
    const limited = await post().attach('media', png, 'a.png');
    expect(limited.status).toBe(503);
    expect(limited.headers['retry-after']).toBe('60');
    expect(limited.body).toMatchObject({ errcode: 45009 });
  });

  it('no response carries the token or the secret', async () => {
    s.emulator.failNext('upload_attachment', 42001, 2);
    const res = await post().attach('media', png, 'a.png');
    expect(res.status).toBe(502);
    for (const token of s.emulator.issuedTokens) expect(res.text).not.toContain(token);
    expect(res.text).not.toContain(s.emulator.corpSecret);
  });

  it('removes the spooled file when the client aborts mid-upload', async () => {
    const { port } = new URL(s.http.url);
    const frame = multipartFrame('a.png', 'image/png', 5 * MiB);
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `${PATH}?media_type=image&attachment_type=1`,
      headers: {
        'content-type': frame.contentType,
        'content-length': String(frame.length),
      },
    });
    req.on('error', () => undefined);
    req.write(frame.head);
    req.write(Buffer.alloc(MiB, 1));
    // Wait until the spooled file exists, then walk away.
    await vi.waitFor(async () => expect((await s.http.leftovers()).length).toBe(1), {
      timeout: 10_000,
      interval: 20,
    });
    req.destroy();
    await vi.waitFor(async () => expect(await s.http.leftovers()).toEqual([]), {
      timeout: 10_000,
      interval: 20,
    });
    expect(s.emulator.uploads).toHaveLength(0);
  });

  it('warns once at start-up that the endpoint is open', () => {
    expect(
      s.http.logs.lines.filter((l) => l.includes('give the controller option guards')),
    ).toHaveLength(1);
  });
});
