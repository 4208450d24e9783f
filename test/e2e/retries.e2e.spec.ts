import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  AttachmentType,
  MediaType,
  WecomApiError,
  WecomBusyError,
  WecomNetworkError,
  WecomProtocolError,
  WecomRateLimitError,
  WecomTimeoutError,
} from '../../lib/index.js';
import { bootApp, emulatorSuite } from '../helpers/wecom-test-app.js';
import { makeMp4, makePng } from '../helpers/media-bytes.mjs';
import { scratchDir } from '../helpers/scratch-dir.js';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const png = makePng(640, 480);
const image = { mediaType: MediaType.Image, attachmentType: AttachmentType.Moment } as const;

describe('AttachmentService.upload: retries and errors', () => {
  const s = emulatorSuite();
  const dir = scratchDir();

  it('-1 twice, then success', async () => {
    s.emulator.failNext('upload_attachment', -1, 2);
    const result = await s.app.service.upload({ ...image, file: png, filename: 'a.png' });
    expect(result.mediaId).toBeTruthy();
    expect(s.emulator.uploads.map((u) => u.errcode)).toEqual([-1, -1, 0]);
  });

  it('-1 on every attempt gives up after 3 retries and keeps the errcode', async () => {
    s.emulator.failNext('upload_attachment', -1, 10);
    const error = await s.app.service
      .upload({ ...image, file: png, filename: 'a.png' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomBusyError);
    expect(error).toMatchObject({ errcode: -1, attempts: 4 });
    expect(s.emulator.uploads).toHaveLength(4);
  });

  it('a stream source that hits -1 is retried with its full body', async () => {
    const video = makeMp4({ duration: 5000n, mdatBytes: 300_000 });
    s.emulator.failNext('upload_attachment', -1);
    const chunks = [
      video.subarray(0, 1000),
      video.subarray(1000, 200_000),
      video.subarray(200_000),
    ];
    await s.app.service.upload({
      mediaType: MediaType.Video,
      attachmentType: AttachmentType.Moment,
      file: Readable.from(chunks),
      filename: 'clip.mp4',
    });
    expect(s.emulator.uploads).toHaveLength(2);
    for (const upload of s.emulator.uploads) {
      expect(upload.upload?.size).toBe(video.length);
      expect(upload.upload?.sha256).toBe(sha256(video));
    }
  });

  it('a file path source is re-read from the start on retry', async () => {
    const path = join(dir.path, 'retry.png');
    await writeFile(path, png);
    s.emulator.failNext('upload_attachment', -1).failNext('upload_attachment', 42001);
    await s.app.service.upload({ ...image, file: path });
    expect(s.emulator.uploads.map((u) => u.upload?.sha256)).toEqual([
      sha256(png),
      sha256(png),
      sha256(png),
    ]);
  });

  it('45009 is a rate-limit error with a retry-after hint, not retried', async () => {
    s.emulator.failNext('upload_attachment', 45009);
    const error = await s.app.service
      .upload({ ...image, file: png, filename: 'a.png' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomRateLimitError);
    expect(error).toMatchObject({ errcode: 45009, retryAfterMs: 60_000 });
    expect(s.emulator.uploads).toHaveLength(1);
  });

  it('45033 is a rate-limit error too', async () => {
    s.emulator.failNext('upload_attachment', 45033);
    await expect(
      s.app.service.upload({ ...image, file: png, filename: 'a.png' }),
    ).rejects.toBeInstanceOf(WecomRateLimitError);
  });

  it.each([40004, 40006, 41072, 44001, 48002, 60020, 301002])(
    'permanent errcode %i is thrown at once as WecomApiError',
    async (errcode) => {
      s.emulator.failNext('upload_attachment', errcode);
      const error = await s.app.service
        .upload({ ...image, file: png, filename: 'a.png' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WecomApiError);
      expect(error).toMatchObject({
        errcode,
        attempts: 1,
        api: '/cgi-bin/media/upload_attachment',
      });
      expect(s.emulator.uploads).toHaveLength(1);
    },
  );

  it('a connection reset before any answer is retried once', async () => {
    s.emulator.resetNext('upload_attachment');
    await s.app.service.upload({ ...image, file: png, filename: 'a.png' });
    expect(s.emulator.uploads).toHaveLength(2);
    expect(s.emulator.uploads[1]?.upload?.sha256).toBe(sha256(png));
  });

  it('a connection reset in the middle of the answer is retried once, like one before it', async () => {
    await s.app.service.upload({ ...image, file: png, filename: 'warm.png' }); // token first
    s.emulator.answerNextWith('upload_attachment', {
      status: 200,
      body: '{"errcode":0,"errmsg":"ok","type":"image","med',
      headers: { 'content-type': 'application/json' },
      resetAfterBody: true,
    });
    const result = await s.app.service.upload({ ...image, file: png, filename: 'a.png' });
    expect(result.mediaId).toBe(s.emulator.uploads.at(-1)?.mediaId);
    expect(s.emulator.uploads).toHaveLength(3);
    expect(s.emulator.uploads[2]?.upload?.sha256).toBe(sha256(png));
  });

  it('a second reset in the middle of the answer is a typed network error', async () => {
    await s.app.service.upload({ ...image, file: png, filename: 'warm.png' });
    const cut = { status: 200, body: '{"errcode":0,', resetAfterBody: true };
    s.emulator.answerNextWith('upload_attachment', cut).answerNextWith('upload_attachment', cut);
    const error = await s.app.service
      .upload({ ...image, file: png, filename: 'a.png' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomNetworkError);
    expect(error).toMatchObject({ code: 'ECONNRESET', attempts: 2 });
  });

  it('two resets in a row are a typed network error', async () => {
    s.emulator.resetNext('upload_attachment', 2);
    const error = await s.app.service
      .upload({ ...image, file: png, filename: 'a.png' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomNetworkError);
    expect(error).toMatchObject({ attempts: 2 });
    expect(String((error as Error).message)).not.toMatch(/access_token=/);
  });

  it('a slow answer is a typed timeout after timeoutMs', async () => {
    const slow = await bootApp(s.emulator, { timeoutMs: 200 });
    try {
      await slow.service.upload({ ...image, file: png, filename: 'warm.png' }); // token first
      s.emulator.answerNextWith('upload_attachment', {
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
    await s.app.service.upload({ ...image, file: png, filename: 'warm.png' });
    s.emulator.answerNextWith('upload_attachment', { status: 200, body: '', hang: true });
    const controller = new AbortController();
    const arrived = s.emulator.waitFor(
      (r) =>
        r.api === 'upload_attachment' &&
        r.accessToken !== undefined &&
        s.emulator.uploads.length === 2,
    );
    const pending = s.app.service.upload({
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
    s.emulator.answerNextWith('upload_attachment', {
      status: 502,
      body: '<html><body>Bad Gateway</body></html>',
    });
    await expect(
      s.app.service.upload({ ...image, file: png, filename: 'a.png' }),
    ).rejects.toMatchObject({
      name: 'WecomProtocolError',
      status: 502,
    });
    s.emulator.answerNextWith('upload_attachment', { status: 200, body: '{"errcode":0,' });
    await expect(
      s.app.service.upload({ ...image, file: png, filename: 'a.png' }),
    ).rejects.toBeInstanceOf(WecomProtocolError);
    s.emulator.answerNextWith('upload_attachment', {
      status: 200,
      body: '{"errcode":0,"errmsg":"ok"}',
    });
    await expect(
      s.app.service.upload({ ...image, file: png, filename: 'a.png' }),
    ).rejects.toMatchObject({
      reason: 'a success answer without media_id',
    });
  });

  it('accepts created_at as a string and a missing errcode as success', async () => {
    const createdAt = Math.floor(Date.now() / 1000) - 60; // a minute ago, as a quoted string
    s.emulator.answerNextWith('upload_attachment', {
      status: 200,
      body: `{"type":"image","media_id":"MID-1","created_at":"${createdAt}"}`,
      headers: { 'content-type': 'application/json' },
    });
    const result = await s.app.service.upload({ ...image, file: png, filename: 'a.png' });
    expect(result).toMatchObject({ mediaId: 'MID-1', type: 'image' });
    expect(result.createdAt.getTime()).toBe(createdAt * 1000);
    expect(result.expiresAt.getTime()).toBe((createdAt + 3 * 86_400) * 1000);
  });
});
