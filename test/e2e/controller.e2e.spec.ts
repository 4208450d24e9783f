import { request as httpRequest } from 'node:http';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import supertest from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { WecomMediaModule } from '../../lib/index.js';
import { WecomEmulator } from '../../lib/testing/index.js';
import { fixture } from '../helpers/fixtures.js';
import { bootHttpApp, type HttpApp } from '../helpers/http-app.js';
import { GIF_BYTES, makePng, padTo } from '../helpers/media-bytes.js';

const MiB = 1024 * 1024;
const png = makePng(200, 100);
const PATH = '/wecom/attachments';

describe('the upload controller', () => {
  let emulator: WecomEmulator;
  let h: HttpApp;

  beforeAll(async () => {
    emulator = await WecomEmulator.start();
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    emulator.reset();
    h = await bootHttpApp(emulator);
  });
  afterEach(async () => {
    const left = await h.leftovers(); // no temp file survives any case
    await h.close();
    if (left.length > 0) throw new Error(`temp files left behind: ${left.join(', ')}`);
  });

  const post = (query = 'media_type=image&attachment_type=1') =>
    supertest(h.url).post(`${PATH}?${query}`);

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
    expect(body.media_id).toBe(emulator.uploads[0]?.mediaId);
    expect(body.expires_at - body.created_at).toBe(3 * 24 * 3600);
    expect(Math.abs(body.created_at - Date.now() / 1000)).toBeLessThan(3600);
  });

  it('passes a Chinese filename, sent as browsers send it, through byte-exact', async () => {
    const name = '春季新品-主图😀.png';
    const res = await post().attach('media', png, { filename: name, contentType: 'image/png' });
    expect(res.status).toBe(201);
    expect(emulator.uploads[0]?.upload?.filenameBytes?.equals(Buffer.from(name))).toBe(true);
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
            rule: 'request',
            message: 'media_type must be one of image, video, file',
            actual: 'voice',
          },
          {
            rule: 'request',
            message: 'attachment_type must be 1 (moments) or 2 (product album)',
            actual: '3',
          },
        ],
      });
      expect(emulator.requests).toHaveLength(0);
    });

    it('a forbidden combination', async () => {
      const res = await post('media_type=video&attachment_type=2').attach('media', png, 'a.png');
      expect(res.status).toBe(400);
      expect((res.body as { violations: unknown[] }).violations).toEqual([
        {
          rule: 'attachment-media-type',
          message: 'product album (商品图册) attachments accept only image; got video',
          actual: '2',
        },
      ]);
    });

    it('a missing file', async () => {
      const res = await post().field('note', 'no file here');
      expect(res.status).toBe(400);
      expect((res.body as { message: string }).message).toBe(
        'no file in the multipart field "media"',
      );
    });

    it('two files', async () => {
      const res = await post().attach('media', png, 'a.png').attach('media', png, 'b.png');
      expect(res.status).toBe(400);
      expect((res.body as { violations: Array<{ rule: string }> }).violations[0]?.rule).toBe(
        'request',
      );
      expect(emulator.uploads).toHaveLength(0);
    });

    it('a file under another field name', async () => {
      const res = await post().attach('file', png, 'a.png');
      expect(res.status).toBe(400);
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
          { rule: 'format', message: 'image files must be JPEG or PNG; the bytes are GIF' },
        ],
      });
      const wide = await post().attach('media', makePng(1081, 1081), 'wide.png');
      expect((wide.body as { violations: Array<{ message: string }> }).violations[0]?.message).toBe(
        'moments images need a short edge of at most 1080 px; this PNG is 1081 × 1081 px',
      );
      expect(emulator.uploads).toHaveLength(0);
    });
  });

  it('413: a file over the largest configured limit', async () => {
    const res = await post().attach('media', padTo(makePng(10, 10), 10 * MiB + 1), 'big.png');
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({
      statusCode: 413,
      violations: [{ rule: 'max-size', limit: 10 * MiB }],
    });
    expect(emulator.uploads).toHaveLength(0);
  });

  it('accepts exactly the largest limit', async () => {
    const res = await post().attach('media', padTo(makePng(10, 10), 10 * MiB), 'edge.png');
    expect(res.status).toBe(201);
  });

  it('502 with the errcode for a WeCom failure', async () => {
    emulator.failNext('upload_attachment', 40004);
    const res = await post().attach('media', png, 'a.png');
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ statusCode: 502, errcode: 40004 });
  });

  it('503 with Retry-After for -1 after every retry, and for rate limits', async () => {
    emulator.failNext('upload_attachment', -1, 4);
    const busy = await post().attach('media', png, 'a.png');
    expect(busy.status).toBe(503);
    expect(busy.body).toMatchObject({ errcode: -1 });
    expect(Number(busy.headers['retry-after'])).toBeGreaterThan(0);
    emulator.failNext('upload_attachment', 45009);
    const limited = await post().attach('media', png, 'a.png');
    expect(limited.status).toBe(503);
    expect(limited.headers['retry-after']).toBe('60');
    expect(limited.body).toMatchObject({ errcode: 45009 });
  });

  it('no response carries the token or the secret', async () => {
    emulator.failNext('upload_attachment', 42001, 2);
    const res = await post().attach('media', png, 'a.png');
    expect(res.status).toBe(502);
    for (const token of emulator.issuedTokens) expect(res.text).not.toContain(token);
    expect(res.text).not.toContain(emulator.corpSecret);
  });

  it('removes the spooled file when the client aborts mid-upload', async () => {
    const { port } = new URL(h.url);
    const boundary = 'XabortX';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
    );
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `${PATH}?media_type=image&attachment_type=1`,
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + 5 * MiB),
      },
    });
    req.on('error', () => undefined);
    req.write(head);
    req.write(Buffer.alloc(MiB, 1));
    // Wait until the spooled file exists, then walk away.
    await vi.waitFor(async () => expect((await h.leftovers()).length).toBe(1), {
      timeout: 10_000,
      interval: 20,
    });
    req.destroy();
    await vi.waitFor(async () => expect(await h.leftovers()).toEqual([]), {
      timeout: 10_000,
      interval: 20,
    });
    expect(emulator.uploads).toHaveLength(0);
  });

  it('warns once at start-up that the endpoint is open', () => {
    expect(
      h.logs.lines.filter((l) => l.includes('give the controller option guards')),
    ).toHaveLength(1);
  });
});

describe('controller registration', () => {
  let emulator: WecomEmulator;
  beforeAll(async () => {
    emulator = await WecomEmulator.start();
  });
  afterAll(() => emulator.close());

  @Injectable()
  class NeedsKey implements CanActivate {
    canActivate(context: ExecutionContext): boolean {
      return (
        context.switchToHttp().getRequest<{ headers: Record<string, string> }>().headers[
          'x-key'
        ] === 'let-me-in'
      );
    }
  }

  it('honours guards, and does not warn when it has them', async () => {
    const h = await bootHttpApp(emulator, { path: 'uploads', guards: [NeedsKey] });
    try {
      const denied = await supertest(h.url)
        .post('/uploads?media_type=image&attachment_type=2')
        .attach('media', png, 'a.png');
      expect(denied.status).toBe(403);
      const allowed = await supertest(h.url)
        .post('/uploads?media_type=image&attachment_type=2')
        .set('x-key', 'let-me-in')
        .attach('media', png, 'a.png');
      expect(allowed.status).toBe(201);
      expect(h.logs.text).not.toContain('give the controller option guards');
      expect(await h.leftovers()).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('is not registered when not asked for (404)', async () => {
    const h = await bootHttpApp(emulator, false);
    try {
      const res = await supertest(h.url)
        .post(`${PATH}?media_type=image&attachment_type=1`)
        .attach('media', png, 'a.png');
      expect(res.status).toBe(404);
    } finally {
      await h.close();
    }
  });

  it('works through forRootAsync, and each registration gets its own class', async () => {
    const build = (path: string) =>
      Test.createTestingModule({
        imports: [
          WecomMediaModule.forRootAsync({
            useFactory: () => ({
              corpId: emulator.corpId,
              corpSecret: emulator.corpSecret,
              baseUrl: emulator.url,
            }),
            controller: { path, guards: [NeedsKey] },
          }),
        ],
      }).compile();
    const [one, two] = await Promise.all([build('one'), build('two')]);
    const appOne = one.createNestApplication({ logger: false });
    const appTwo = two.createNestApplication({ logger: false });
    await appOne.listen(0, '127.0.0.1');
    await appTwo.listen(0, '127.0.0.1');
    try {
      const ok = await supertest(await appOne.getUrl())
        .post('/one?media_type=image&attachment_type=1')
        .set('x-key', 'let-me-in')
        .attach('media', png, 'a.png');
      expect(ok.status).toBe(201);
      expect(
        (await supertest(await appOne.getUrl()).post('/two?media_type=image&attachment_type=1'))
          .status,
      ).toBe(404);
      expect(
        (
          await supertest(await appTwo.getUrl())
            .post('/two?media_type=image&attachment_type=1')
            .set('x-key', 'let-me-in')
        ).status,
      ).toBe(400);
    } finally {
      await appOne.close();
      await appTwo.close();
    }
  });
});
