import { readdir } from 'node:fs/promises';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { AttachmentType, MediaType, WecomAbortedError } from '../../lib/index.js';
import { bootApp, bootHttpApp, emulatorSuite } from '../helpers/wecom-test-app.js';
import { makePng } from '../helpers/media-bytes.mjs';

const png = makePng(30, 30);

describe('graceful shutdown', () => {
  const s = emulatorSuite({ app: false });

  it('app.close() lets an in-flight controller upload finish, then removes the temp directory', async () => {
    const h = await bootHttpApp(s.emulator);
    await supertest(h.url)
      .post('/wecom/attachments?media_type=image&attachment_type=1')
      .attach('media', png, 'warm.png');
    s.emulator.setDelay(300);
    const arrived = s.emulator.waitFor(
      (r) => r.api === 'upload_attachment' && r.upload?.filename === 'slow.png',
    );
    const reachedWecom = new Promise((resolve) => s.emulator.once('arrival', resolve));
    const response = supertest(h.url)
      .post('/wecom/attachments?media_type=image&attachment_type=1')
      .attach('media', png, 'slow.png')
      .then((r) => r);
    // Shut down while the upload is on its way to WeCom.
    await reachedWecom;
    const closing = h.app.close();
    const res = await response;
    await closing;
    await arrived;
    expect(res.status).toBe(201);
    expect(await readdir(h.tempDir)).toEqual([]); // the spool folder itself is gone
    await h.close();
  });

  it('uploads still running after shutdownTimeoutMs are aborted, and close() returns', async () => {
    const t = await bootApp(s.emulator, { shutdownTimeoutMs: 100 });
    await t.service.upload({
      file: png,
      filename: 'warm.png',
      mediaType: MediaType.Image,
      attachmentType: AttachmentType.Moment,
    });
    s.emulator.answerNextWith('upload_attachment', { status: 200, body: '', hang: true });
    const hung = s.emulator.waitFor(
      (r) => r.api === 'upload_attachment' && s.emulator.uploads.length === 2,
    );
    const pending = t.service
      .upload({
        file: png,
        filename: 'hang.png',
        mediaType: MediaType.Image,
        attachmentType: AttachmentType.Moment,
      })
      .catch((e: unknown) => e);
    await hung;
    await t.close();
    const error = (await pending) as Error;
    expect(error).toBeInstanceOf(WecomAbortedError);
    expect(error.message).toBe('the upload was cut short: the application is shutting down');
    expect(t.logs.text).toContain('aborting 1 upload(s) still running at shutdown');
  });

  it('a controller upload still running after shutdownTimeoutMs answers 503 with Retry-After', async () => {
    const h = await bootHttpApp(s.emulator, { shutdownTimeoutMs: 100 });
    const post = () =>
      supertest(h.url)
        .post('/wecom/attachments?media_type=image&attachment_type=1')
        .attach('media', png, 'a.png');
    expect((await post()).status).toBe(201); // the token first
    s.emulator.answerNextWith('upload_attachment', { status: 200, body: '', hang: true });
    const reachedWecom = new Promise((resolve) => s.emulator.once('arrival', resolve));
    const response = post().then((r) => r);
    await reachedWecom;
    const closing = h.app.close();
    const res = await response;
    await closing;
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toMatchObject({
      statusCode: 503,
      message: 'the upload was cut short: the application is shutting down; try again in a moment',
    });
    await h.close();
  });
});
