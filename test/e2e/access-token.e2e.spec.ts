import { describe, expect, it } from 'vitest';
import {
  AttachmentType,
  MediaType,
  WecomApiError,
  WecomInvalidCredentialsError,
} from '../../lib/index.js';
import { bootApp, emulatorSuite } from '../helpers/wecom-test-app.js';
import { makePng } from '../helpers/media-bytes.mjs';

const png = makePng(640, 480);
const image = { mediaType: MediaType.Image, attachmentType: AttachmentType.Moment } as const;

describe('AttachmentService.upload: the access token', () => {
  const s = emulatorSuite();

  it('20 concurrent uploads on a cold cache cause exactly 1 gettoken', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        s.app.service.upload({ ...image, file: png, filename: `${i}.png` }),
      ),
    );
    // Each upload reached WeCom once, with its own name, and got the media_id WeCom issued it.
    const byName = new Map(s.emulator.uploads.map((u) => [u.upload?.filename, u.mediaId]));
    expect(
      results.map((r, i) => [r.mediaId, byName.get(`${i}.png`)]).filter(([a, b]) => !a || a !== b),
    ).toEqual([]);
    expect(s.emulator.uploads.filter((u) => u.errcode === 0)).toHaveLength(20);
    expect(s.emulator.gettokenCalls).toBe(1);
    expect(new Set(s.emulator.uploads.map((u) => u.accessToken)).size).toBe(1);
  });

  it('a token expired mid-run is refreshed once and the upload succeeds', async () => {
    await s.app.service.upload({ ...image, file: png, filename: 'before.png' });
    s.emulator.expireTokens();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        s.app.service.upload({ ...image, file: png, filename: `${i}.png` }),
      ),
    );
    expect(results.every((r) => r.mediaId)).toBe(true);
    expect(s.emulator.gettokenCalls).toBe(2);
    expect(s.emulator.uploads.filter((u) => u.errcode === 42001).length).toBeGreaterThanOrEqual(1);
  });

  it.each([42001, 40014, 41001])(
    'errcode %i drops the token and retries exactly once',
    async (errcode) => {
      s.emulator.failNext('upload_attachment', errcode);
      await s.app.service.upload({ ...image, file: png, filename: 'a.png' });
      expect(s.emulator.uploads.map((u) => u.errcode)).toEqual([errcode, 0]);
      expect(s.emulator.gettokenCalls).toBe(2);
    },
  );

  it('a token error twice in a row is thrown after the one retry', async () => {
    s.emulator.failNext('upload_attachment', 42001, 2);
    const error = await s.app.service
      .upload({ ...image, file: png, filename: 'a.png' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomApiError);
    expect(error).toMatchObject({
      errcode: 42001,
      attempts: 2,
      api: '/cgi-bin/media/upload_attachment',
    });
    expect(s.emulator.uploads).toHaveLength(2);
  });

  it('40001 from gettoken is a typed credentials error, never retried', async () => {
    const wrong = await bootApp(s.emulator, { corpSecret: 'not-the-secret' });
    try {
      const error = await wrong.service
        .upload({ ...image, file: png, filename: 'a.png' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WecomInvalidCredentialsError);
      expect(error).toMatchObject({ errcode: 40001, api: '/cgi-bin/gettoken', attempts: 1 });
      expect((error as Error).message).not.toContain('not-the-secret');
      expect(s.emulator.gettokenCalls).toBe(1);
      expect(s.emulator.uploads).toHaveLength(0);
    } finally {
      await wrong.close();
    }
  });

  it('40013 (unknown corp id) is a typed credentials error too', async () => {
    const wrong = await bootApp(s.emulator, { corpId: 'ww-unknown' });
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
