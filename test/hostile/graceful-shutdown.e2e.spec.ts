import { readdir } from 'node:fs/promises';
import supertest from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AttachmentType, MediaType } from '../../lib/index.js';
import { WecomEmulator } from '../../lib/testing/index.js';
import { bootHttpApp } from '../helpers/http-app.js';
import { makePng } from '../helpers/media-bytes.js';
import { bootApp } from '../helpers/testing-app.js';

const png = makePng(30, 30);

describe('graceful shutdown', () => {
  let emulator: WecomEmulator;
  beforeAll(async () => {
    emulator = await WecomEmulator.start();
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  it('app.close() lets an in-flight controller upload finish, then removes the temp directory', async () => {
    const h = await bootHttpApp(emulator);
    await supertest(h.url)
      .post('/wecom/attachments?media_type=image&attachment_type=1')
      .attach('media', png, 'warm.png');
    emulator.setDelay(300);
    const arrived = emulator.waitFor(
      (r) => r.api === 'upload_attachment' && r.upload?.filename === 'slow.png',
    );
    const reachedWecom = new Promise((resolve) => emulator.once('arrival', resolve));
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
    const t = await bootApp(emulator, { shutdownTimeoutMs: 100 });
    await t.service.upload({
      file: png,
      filename: 'warm.png',
      mediaType: MediaType.Image,
      attachmentType: AttachmentType.Moment,
    });
    emulator.answerNextWith('upload_attachment', { status: 200, body: '', hang: true });
    const hung = emulator.waitFor(
      (r) => r.api === 'upload_attachment' && emulator.uploads.length === 2,
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
    expect(error.message).toBe('the application is shutting down');
    expect(t.logs.text).toContain('aborting 1 upload(s) still running at shutdown');
  });
});
