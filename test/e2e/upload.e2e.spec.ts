import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AttachmentType,
  MediaType,
  WecomApiError,
  WecomBusyError,
  WecomInvalidCredentialsError,
  WecomNetworkError,
  WecomProtocolError,
  WecomRateLimitError,
  WecomTimeoutError,
} from '../../lib/index.js';
import { WecomEmulator } from '../../lib/testing/index.js';
import { makeMp4, makePng } from '../helpers/media-bytes.js';
import { bootApp, type TestingApp } from '../helpers/testing-app.js';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const png = makePng(640, 480);
const image = { mediaType: MediaType.Image, attachmentType: AttachmentType.Moment } as const;

describe('AttachmentService.upload against the emulator', () => {
  let emulator: WecomEmulator;
  let t: TestingApp;
  let dir: string;

  beforeAll(async () => {
    emulator = await WecomEmulator.start();
    dir = await mkdtemp(join(tmpdir(), 'wecom-media-test-'));
  });
  afterAll(async () => {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    emulator.reset();
    t = await bootApp(emulator);
  });
  afterEach(async () => {
    await t.close();
  });

  describe('sources', () => {
    it('uploads a Buffer and returns the media_id with a three-day expiry', async () => {
      const result = await t.service.upload({ ...image, file: png, filename: 'a.png' });
      const [upload] = emulator.uploads;
      expect(result.mediaId).toBe(upload?.mediaId);
      expect(result.type).toBe('image');
      expect(result.reused).toBe(false);
      expect(result.expiresAt.getTime() - result.createdAt.getTime()).toBe(3 * 24 * 3600 * 1000);
      expect(upload?.upload?.sha256).toBe(sha256(png));
      expect(upload?.query).toMatchObject({ media_type: 'image', attachment_type: '1' });
    });

    it('uploads a Uint8Array that is a view into a larger buffer', async () => {
      const backing = Buffer.concat([Buffer.alloc(100, 7), png, Buffer.alloc(50, 9)]);
      const view = new Uint8Array(backing.buffer, backing.byteOffset + 100, png.length);
      await t.service.upload({ ...image, file: view, filename: 'view.png' });
      expect(emulator.uploads[0]?.upload?.sha256).toBe(sha256(png));
    });

    it('uploads a path, { path }, and multer files from disk and from memory, named after them', async () => {
      const path = join(dir, '产品图.png');
      await writeFile(path, png);
      await t.service.upload({ ...image, file: path });
      await t.service.upload({ ...image, file: { path } });
      await t.service.upload({
        ...image,
        file: { originalname: 'disk.png', path, size: png.length },
      });
      await t.service.upload({
        ...image,
        file: { originalname: 'memory.png', buffer: png, size: png.length },
      });
      expect(emulator.uploads.map((u) => u.upload?.filename)).toEqual([
        '产品图.png',
        '产品图.png',
        'disk.png',
        'memory.png',
      ]);
      expect(emulator.uploads.every((u) => u.upload?.sha256 === sha256(png))).toBe(true);
    });

    it('uploads a Readable stream after spooling it', async () => {
      await t.service.upload({
        ...image,
        file: Readable.from([png.subarray(0, 100), png.subarray(100)]),
        filename: 's.png',
      });
      expect(emulator.uploads[0]?.upload?.sha256).toBe(sha256(png));
    });

    it('an explicit filename wins over the path', async () => {
      const path = join(dir, 'x.png');
      await writeFile(path, png);
      await t.service.upload({ ...image, file: path, filename: '展示名.png' });
      expect(emulator.uploads[0]?.upload?.filename).toBe('展示名.png');
    });
  });

  describe('the wire format', () => {
    it('sends a Chinese + emoji filename as raw UTF-8 bytes, never encoded', async () => {
      const name = '新品 春季🌸-主图.png';
      await t.service.upload({ ...image, file: png, filename: name });
      const upload = emulator.uploads[0]?.upload;
      expect(upload?.filenameBytes?.equals(Buffer.from(name, 'utf8'))).toBe(true);
      expect(upload?.disposition).not.toContain('filename*');
      expect(upload?.disposition).not.toContain('%');
    });

    it('sends one part named media with an exact filelength and the type read from the bytes', async () => {
      await t.service.upload({ ...image, file: png, filename: 'a.jpg', contentType: 'image/jpeg' });
      const upload = emulator.uploads[0]?.upload;
      expect(upload?.partCount).toBe(1);
      expect(upload?.name).toBe('media');
      expect(upload?.filelength).toBe(png.length);
      expect(upload?.size).toBe(png.length);
      expect(upload?.contentType).toBe('image/png');
      expect(upload?.disposition).toBe(
        `form-data; name="media"; filename="a.jpg"; filelength=${png.length}`,
      );
    });

    it('sets Content-Length and never chunks, for buffers and for streams', async () => {
      await t.service.upload({ ...image, file: png, filename: 'a.png' });
      await t.service.upload({ ...image, file: Readable.from([png]), filename: 'b.png' });
      for (const upload of emulator.uploads) {
        expect(upload.headers['transfer-encoding']).toBeUndefined();
        expect(Number(upload.headers['content-length'])).toBeGreaterThan(png.length);
        expect(upload.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      }
    });

    it('neutralises quotes, CR and LF so the header stays one well-formed line', async () => {
      await t.service.upload({ ...image, file: png, filename: 'a"\r\nX-Evil: 1.png' });
      expect(emulator.uploads[0]?.errcode).toBe(0);
      const upload = emulator.uploads[0]?.upload;
      expect(upload?.filename).toBe("a'  X-Evil: 1.png");
      expect(upload?.disposition).not.toMatch(/[\r\n]/);
    });
  });

  describe('the access token', () => {
    it('20 concurrent uploads on a cold cache cause exactly 1 gettoken', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t.service.upload({ ...image, file: png, filename: `${i}.png` }),
        ),
      );
      expect(results).toHaveLength(20);
      expect(emulator.gettokenCalls).toBe(1);
      expect(new Set(emulator.uploads.map((u) => u.accessToken)).size).toBe(1);
    });

    it('a token expired mid-run is refreshed once and the upload succeeds', async () => {
      await t.service.upload({ ...image, file: png, filename: 'before.png' });
      emulator.expireTokens();
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          t.service.upload({ ...image, file: png, filename: `${i}.png` }),
        ),
      );
      expect(results.every((r) => r.mediaId)).toBe(true);
      expect(emulator.gettokenCalls).toBe(2);
      expect(emulator.uploads.filter((u) => u.errcode === 42001).length).toBeGreaterThanOrEqual(1);
    });

    for (const errcode of [42001, 40014, 41001]) {
      it(`errcode ${errcode} drops the token and retries exactly once`, async () => {
        emulator.failNext('upload_attachment', errcode);
        await t.service.upload({ ...image, file: png, filename: 'a.png' });
        expect(emulator.uploads.map((u) => u.errcode)).toEqual([errcode, 0]);
        expect(emulator.gettokenCalls).toBe(2);
      });
    }

    it('a token error twice in a row is thrown after the one retry', async () => {
      emulator.failNext('upload_attachment', 42001, 2);
      const error = await t.service
        .upload({ ...image, file: png, filename: 'a.png' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WecomApiError);
      expect(error).toMatchObject({
        errcode: 42001,
        attempts: 2,
        api: '/cgi-bin/media/upload_attachment',
      });
      expect(emulator.uploads).toHaveLength(2);
    });

    it('40001 from gettoken is a typed credentials error, never retried', async () => {
      const wrong = await bootApp(emulator, { corpSecret: 'not-the-secret' });
      try {
        const error = await wrong.service
          .upload({ ...image, file: png, filename: 'a.png' })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WecomInvalidCredentialsError);
        expect(error).toMatchObject({ errcode: 40001, api: '/cgi-bin/gettoken', attempts: 1 });
        expect((error as Error).message).not.toContain('not-the-secret');
        expect(emulator.gettokenCalls).toBe(1);
        expect(emulator.uploads).toHaveLength(0);
      } finally {
        await wrong.close();
      }
    });

    it('40013 (unknown corp id) is a typed credentials error too', async () => {
      const wrong = await bootApp(emulator, { corpId: 'ww-unknown' });
      try {
        await expect(
          wrong.service.upload({ ...image, file: png, filename: 'a.png' }),
        ).rejects.toMatchObject({
          name: 'WecomInvalidCredentialsError',
          errcode: 40013,
        });
      } finally {
        await wrong.close();
      }
    });
  });

  describe('retries and errors', () => {
    it('-1 twice, then success', async () => {
      emulator.failNext('upload_attachment', -1, 2);
      const result = await t.service.upload({ ...image, file: png, filename: 'a.png' });
      expect(result.mediaId).toBeTruthy();
      expect(emulator.uploads.map((u) => u.errcode)).toEqual([-1, -1, 0]);
    });

    it('-1 on every attempt gives up after 3 retries and keeps the errcode', async () => {
      emulator.failNext('upload_attachment', -1, 10);
      const error = await t.service
        .upload({ ...image, file: png, filename: 'a.png' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WecomBusyError);
      expect(error).toMatchObject({ errcode: -1, attempts: 4 });
      expect(emulator.uploads).toHaveLength(4);
    });

    it('a stream source that hits -1 is retried with its full body', async () => {
      const video = makeMp4({ duration: 5000n, mdatBytes: 300_000 });
      emulator.failNext('upload_attachment', -1);
      const chunks = [
        video.subarray(0, 1000),
        video.subarray(1000, 200_000),
        video.subarray(200_000),
      ];
      await t.service.upload({
        mediaType: MediaType.Video,
        attachmentType: AttachmentType.Moment,
        file: Readable.from(chunks),
        filename: 'clip.mp4',
      });
      expect(emulator.uploads).toHaveLength(2);
      for (const upload of emulator.uploads) {
        expect(upload.upload?.size).toBe(video.length);
        expect(upload.upload?.sha256).toBe(sha256(video));
      }
    });

    it('a file path source is re-read from the start on retry', async () => {
      const path = join(dir, 'retry.png');
      await writeFile(path, png);
      emulator.failNext('upload_attachment', -1).failNext('upload_attachment', 42001);
      await t.service.upload({ ...image, file: path });
      expect(emulator.uploads.map((u) => u.upload?.sha256)).toEqual([
        sha256(png),
        sha256(png),
        sha256(png),
      ]);
    });

    it('45009 is a rate-limit error with a retry-after hint, not retried', async () => {
      emulator.failNext('upload_attachment', 45009);
      const error = await t.service
        .upload({ ...image, file: png, filename: 'a.png' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WecomRateLimitError);
      expect(error).toMatchObject({ errcode: 45009, retryAfterMs: 60_000 });
      expect(emulator.uploads).toHaveLength(1);
    });

    it('45033 is a rate-limit error too', async () => {
      emulator.failNext('upload_attachment', 45033);
      await expect(
        t.service.upload({ ...image, file: png, filename: 'a.png' }),
      ).rejects.toBeInstanceOf(WecomRateLimitError);
    });

    for (const errcode of [40004, 40006, 41072, 44001, 48002, 60020, 301002]) {
      it(`permanent errcode ${errcode} is thrown at once as WecomApiError`, async () => {
        emulator.failNext('upload_attachment', errcode);
        const error = await t.service
          .upload({ ...image, file: png, filename: 'a.png' })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WecomApiError);
        expect(error).toMatchObject({
          errcode,
          attempts: 1,
          api: '/cgi-bin/media/upload_attachment',
        });
        expect(emulator.uploads).toHaveLength(1);
      });
    }

    it('a connection reset before any answer is retried once', async () => {
      emulator.resetNext('upload_attachment');
      await t.service.upload({ ...image, file: png, filename: 'a.png' });
      expect(emulator.uploads).toHaveLength(2);
      expect(emulator.uploads[1]?.upload?.sha256).toBe(sha256(png));
    });

    it('two resets in a row are a typed network error', async () => {
      emulator.resetNext('upload_attachment', 2);
      const error = await t.service
        .upload({ ...image, file: png, filename: 'a.png' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WecomNetworkError);
      expect(error).toMatchObject({ attempts: 2 });
      expect(String((error as Error).message)).not.toMatch(/access_token=/);
    });

    it('a slow answer is a typed timeout after timeoutMs', async () => {
      const slow = await bootApp(emulator, { timeoutMs: 200 });
      try {
        await slow.service.upload({ ...image, file: png, filename: 'warm.png' }); // token first
        emulator.answerNextWith('upload_attachment', {
          status: 200,
          body: '{"errcode":0',
          hang: true,
        });
        const error = await slow.service
          .upload({ ...image, file: png, filename: 'a.png' })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WecomTimeoutError);
        expect(error).toMatchObject({ timeoutMs: 200 });
      } finally {
        await slow.close();
      }
    });

    it('an AbortSignal stops the upload with its reason', async () => {
      await t.service.upload({ ...image, file: png, filename: 'warm.png' });
      emulator.answerNextWith('upload_attachment', { status: 200, body: '', hang: true });
      const controller = new AbortController();
      const arrived = emulator.waitFor(
        (r) =>
          r.api === 'upload_attachment' &&
          r.accessToken !== undefined &&
          emulator.uploads.length === 2,
      );
      const pending = t.service.upload({
        ...image,
        file: png,
        filename: 'a.png',
        signal: controller.signal,
      });
      await arrived;
      controller.abort(new Error('user cancelled'));
      await expect(pending).rejects.toThrow('user cancelled');
    });

    it('an HTML error page, invalid JSON and a success without media_id are protocol errors', async () => {
      emulator.answerNextWith('upload_attachment', {
        status: 502,
        body: '<html><body>Bad Gateway</body></html>',
      });
      await expect(
        t.service.upload({ ...image, file: png, filename: 'a.png' }),
      ).rejects.toMatchObject({
        name: 'WecomProtocolError',
        status: 502,
      });
      emulator.answerNextWith('upload_attachment', { status: 200, body: '{"errcode":0,' });
      await expect(
        t.service.upload({ ...image, file: png, filename: 'a.png' }),
      ).rejects.toBeInstanceOf(WecomProtocolError);
      emulator.answerNextWith('upload_attachment', {
        status: 200,
        body: '{"errcode":0,"errmsg":"ok"}',
      });
      await expect(
        t.service.upload({ ...image, file: png, filename: 'a.png' }),
      ).rejects.toMatchObject({
        reason: 'a success answer without media_id',
      });
    });

    it('accepts created_at as a string and a missing errcode as success', async () => {
      emulator.answerNextWith('upload_attachment', {
        status: 200,
        body: '{"type":"image","media_id":"MID-1","created_at":"1380000000"}',
        headers: { 'content-type': 'application/json' },
      });
      const result = await t.service.upload({ ...image, file: png, filename: 'a.png' });
      expect(result).toMatchObject({ mediaId: 'MID-1', type: 'image' });
      expect(result.createdAt.toISOString()).toBe('2013-09-24T05:20:00.000Z');
      expect(result.expiresAt.toISOString()).toBe('2013-09-27T05:20:00.000Z');
    });
  });

  describe('secrets', () => {
    it('no access token or secret reaches a log line or an error message', async () => {
      emulator.failNext('upload_attachment', 42001).failNext('upload_attachment', -1);
      await t.service.upload({ ...image, file: png, filename: 'a.png' });
      emulator.resetNext('upload_attachment', 2);
      const network = await t.service
        .upload({ ...image, file: png, filename: 'b.png' })
        .catch((e: unknown) => e);
      emulator.failNext('upload_attachment', 40004);
      const api = await t.service
        .upload({ ...image, file: png, filename: 'c.png' })
        .catch((e: unknown) => e);
      const everything = [
        t.logs.text,
        String(network),
        (network as Error).stack,
        String(api),
        (api as Error).stack,
      ].join('\n');
      expect(t.logs.lines.length).toBeGreaterThan(0);
      expect(emulator.issuedTokens.length).toBe(2);
      for (const token of emulator.issuedTokens) expect(everything).not.toContain(token);
      expect(everything).not.toContain(emulator.corpSecret);
      expect(JSON.stringify(emulator.requests.map((r) => r.query))).not.toContain(
        emulator.corpSecret,
      );
    });
  });
});
