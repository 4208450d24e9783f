import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { emulatorSuite } from '../helpers/wecom-test-app.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { buildMultipart } from '../helpers/multipart.mjs';
import { fetchToken, uploadUrl } from '../helpers/wecom-calls.mjs';

describe('WecomEmulator, a client that hangs up before the answer', () => {
  const s = emulatorSuite({ app: false });

  /** A raw node:http upload of a valid body, not yet sent: the test ends or drops it. */
  async function openUpload() {
    const token = await fetchToken(s.emulator);
    const { body, contentType } = buildMultipart(makePng(32, 32), 'photo.png', 'image/png');
    const req = request(uploadUrl(s.emulator, token), {
      method: 'POST',
      headers: { 'content-type': contentType, 'content-length': body.length },
    });
    return { req, body };
  }

  it('answers the same upload with errcode 0 when the client waits', async () => {
    const { req, body } = await openUpload();
    const response = once(req, 'response') as Promise<[IncomingMessage]>;
    req.end(body);
    const [res] = await response;
    expect(JSON.parse(await text(res))).toMatchObject({ errcode: 0, type: 'image' });
  });

  it('records a close after the body at once, as closedByClient and unanswered', async () => {
    const { req, body } = await openUpload();
    // Far beyond the test's timeout: only noticing the close itself can record the upload in time.
    s.emulator.setDelay(600_000);
    req.on('error', () => undefined); // the socket is dropped on purpose below
    const arrived = once(s.emulator, 'arrival');
    // 'finish': the whole body is with the OS, and TCP delivers it before the close that follows.
    const sent = once(req, 'finish');
    req.end(body);
    await Promise.all([arrived, sent]);
    req.destroy();

    const record = await s.emulator.waitFor((r) => r.api === 'upload_attachment');
    expect(record.closedByClient).toBe(true);
    expect(record.errcode).toBeUndefined();
    expect(record.mediaId).toBeUndefined();

    // Recorded once and never answered: a later call finds the record as it was.
    s.emulator.setDelay(0);
    await fetchToken(s.emulator);
    expect(s.emulator.requests.map((r) => [r.api, r.errcode, r.closedByClient])).toEqual([
      ['gettoken', 0, undefined],
      ['upload_attachment', undefined, true],
      ['gettoken', 0, undefined],
    ]);
  });
});
