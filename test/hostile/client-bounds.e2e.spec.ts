import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  AttachmentType,
  MediaType,
  WecomBusyError,
  WecomNetworkError,
  WecomProtocolError,
  type WecomMediaCommonOptions,
} from '../../lib/index.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { bootApp, emulatorSuite, type TestApp } from '../helpers/wecom-test-app.js';

// Hostile review #10: the controller's corpId resolver had no time bound (now timeoutMs, 503).
// #11: busyRetries was unbounded (now at most 3, and a backoff of at least 10 ms). #13: a 1 GiB
// answer was reported as "could not be reached" (now a WecomProtocolError past 1 MiB).

const png = makePng(32, 32);
const upload = (t: TestApp) =>
  t.service
    .upload({
      file: png,
      filename: 'a.png',
      mediaType: MediaType.Image,
      attachmentType: AttachmentType.Moment,
    })
    .catch((e: unknown) => e);

describe('a corpId resolver that never settles (#10)', () => {
  const s = emulatorSuite({
    app: { timeoutMs: 200 },
    http: { guards: [], corpId: () => new Promise<string>(() => undefined) },
  });

  it('is given up after timeoutMs: 503, the module’s words, nothing read or sent', async () => {
    const res = await supertest(s.http.url)
      .post('/wecom/attachments?media_type=image&attachment_type=1')
      .attach('media', png, { filename: 'a.png', contentType: 'image/png' })
      .timeout(5_000); // a hung request fails here, not at the test's own timeout
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      statusCode: 503,
      message:
        'the corp of this request could not be resolved (the controller option corpId failed; see the server log)',
      error: 'Service Unavailable',
    });
    expect(s.http.logs.text).toContain('the controller option corpId did not answer within 200 ms');
    expect(s.emulator.requests).toHaveLength(0);
  });
});

describe('busyRetries is bounded (#11)', () => {
  const s = emulatorSuite({ app: false });

  it.each<[string, WecomMediaCommonOptions['retry'], string]>([
    ['busyRetries: 4', { busyRetries: 4 }, 'retry.busyRetries'],
    ['busyRetries: 1000', { busyRetries: 1000 }, 'retry.busyRetries'],
    ['baseDelayMs: 0', { baseDelayMs: 0, maxDelayMs: 20 }, 'retry.baseDelayMs must be 10 or more'],
    ['maxDelayMs: 9', { baseDelayMs: 10, maxDelayMs: 9 }, 'retry.maxDelayMs must be 10 or more'],
  ])('%s fails the boot, naming the option', async (_what, retry, named) => {
    const boot = await bootApp(s.emulator, { retry }).catch((e: unknown) => e);
    if (!(boot instanceof Error)) await (boot as TestApp).close(); // booted: the test fails below
    expect(boot).toBeInstanceOf(Error);
    expect((boot as Error).message).toContain(named);
    expect(s.emulator.requests).toHaveLength(0);
  });

  it.each<[string, WecomMediaCommonOptions['retry']]>([
    ['busyRetries 3, the most', { busyRetries: 3, baseDelayMs: 10, maxDelayMs: 20 }],
    ['the default', { baseDelayMs: 10, maxDelayMs: 20 }],
  ])('-1 four times in a row (%s): exactly 4 calls, then WecomBusyError', async (_what, retry) => {
    const t = await bootApp(s.emulator, { retry });
    try {
      await upload(t); // the token: from here on, only uploads
      const before = s.emulator.requests.length;
      s.emulator.failNext('upload_attachment', -1, 4); // a fifth call would succeed
      const error = await upload(t);
      expect(error).toBeInstanceOf(WecomBusyError);
      expect(error).toMatchObject({ errcode: -1, attempts: 4 });
      const calls = s.emulator.requests.slice(before);
      expect(calls.map((r) => `${r.api} ${r.errcode}`)).toEqual(
        Array(4).fill('upload_attachment -1'),
      );
    } finally {
      await t.close();
    }
  });
});

describe('an answer over 1 MiB (#13)', () => {
  const s = emulatorSuite();
  const huge = (size: number) =>
    JSON.stringify({ errcode: 0, type: 'image', media_id: 'MID', pad: 'x'.repeat(size) });

  it.each([
    ['upload_attachment', 'upload_attachment', '/cgi-bin/media/upload_attachment'],
    ['gettoken', 'gettoken', '/cgi-bin/gettoken'],
  ] as const)('%s: a WecomProtocolError, not a WecomNetworkError', async (_what, api, path) => {
    if (api === 'upload_attachment') await upload(s.app); // the token first
    s.emulator.answerNextWith(api, {
      status: 200,
      body: huge(1024 * 1024 + 1),
      headers: { 'content-type': 'application/json' },
    });
    const error = await upload(s.app);
    expect(error).not.toBeInstanceOf(WecomNetworkError);
    expect(error).toBeInstanceOf(WecomProtocolError);
    expect(error).toMatchObject({ api: path, status: 200, reason: 'an answer over 1048576 bytes' });
    expect((error as Error).message).not.toContain('could not be reached');
  });

  it('an answer just under 1 MiB is read as usual', async () => {
    await upload(s.app);
    s.emulator.answerNextWith('upload_attachment', {
      status: 200,
      body: huge(1024 * 1024 - 200),
      headers: { 'content-type': 'application/json' },
    });
    expect(await upload(s.app)).toMatchObject({ mediaId: 'MID' });
  });
});
