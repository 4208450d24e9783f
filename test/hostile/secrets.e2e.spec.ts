import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  AttachmentType,
  MediaType,
  WecomApiError,
  type AccessTokenProvider,
} from '../../lib/index.js';
import type { WecomEmulator } from '../../lib/testing/index.js';
import { bootApp, emulatorSuite, type TestApp } from '../helpers/wecom-test-app.js';
import { makePng } from '../helpers/media-bytes.mjs';

const png = makePng(64, 48);
const image = { mediaType: MediaType.Image, attachmentType: AttachmentType.Moment } as const;

/** Every byte percent-encoded, as a proxy or a URL-echoing errmsg might. */
const percentEncoded = (text: string): string =>
  [...Buffer.from(text)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/** The ways an upstream has been seen to echo a value back in errmsg. */
const echoes: Array<[string, (value: string) => string]> = [
  ['access_token: T', (v) => `invalid credential, access_token: ${v}, hint: [abc]`],
  ['inside JSON', (v) => `request was ${JSON.stringify({ access_token: v, media_type: 'image' })}`],
  ['percent-encoded', (v) => `bad token ${percentEncoded(v)}`],
  ['corpsecret: S', (v) => `corpsecret: ${v} is not valid`],
];

/** Everything an error carries that a log, a tracker or a client may see. */
function everythingOf(error: unknown, logs = ''): string {
  const e = error as Error & { errmsg?: string; cause?: unknown };
  return [String(e), e.message, e.stack, e.errmsg, String(e.cause), logs].join('\n');
}

async function errorOf(t: TestApp): Promise<unknown> {
  return t.service.upload({ ...image, file: png, filename: 'a.png' }).catch((e: unknown) => e);
}

describe('no token or secret in any shape', () => {
  const s = emulatorSuite();

  it('the usual failures: a refreshed token, a reset, a refused upload', async () => {
    s.emulator.failNext('upload_attachment', 42001).failNext('upload_attachment', -1);
    await s.app.service.upload({ ...image, file: png, filename: 'a.png' });
    s.emulator.resetNext('upload_attachment', 2);
    const network = await errorOf(s.app);
    s.emulator.failNext('upload_attachment', 40004);
    const api = await errorOf(s.app);
    const everything = everythingOf(network, s.app.logs.text) + everythingOf(api);
    expect(s.app.logs.lines.length).toBeGreaterThan(0);
    expect(s.emulator.issuedTokens.length).toBe(2);
    for (const token of s.emulator.issuedTokens) expect(everything).not.toContain(token);
    expect(everything).not.toContain(s.emulator.corpSecret);
  });

  it.each(echoes)("upload_attachment's errmsg echoing %s", async (shape, echo) => {
    const secretShape = shape.startsWith('corpsecret');
    await s.app.service.upload({ ...image, file: png, filename: 'warm.png' });
    const token = s.emulator.issuedTokens[0] ?? '';
    const value = secretShape ? s.emulator.corpSecret : token;
    answerWith(s.emulator, 'upload_attachment', 40004, echo(value));
    const error = await errorOf(s.app);
    expect(error).toBeInstanceOf(WecomApiError);
    expect((error as WecomApiError).errmsg).toContain('***');
    const everything = everythingOf(error, s.app.logs.text);
    expect(everything).not.toContain(value);
    expect(everything).not.toContain(percentEncoded(value));
    expect(decodeURIComponent(everything.replace(/%(?![0-9a-f]{2})/gi, '%25'))).not.toContain(
      value,
    );
  });

  it("gettoken's errmsg echoing corpsecret: S", async () => {
    answerWith(
      s.emulator,
      'gettoken',
      40001,
      `invalid credential, corpsecret: ${s.emulator.corpSecret}`,
    );
    const error = await errorOf(s.app);
    expect(everythingOf(error, s.app.logs.text)).not.toContain(s.emulator.corpSecret);
  });

  it("a custom tokenProvider's token, echoed in every shape", async () => {
    await s.app.service.upload({ ...image, file: png, filename: 'seed.png' });
    const token = s.emulator.issuedTokens[0] ?? '';
    const provider: AccessTokenProvider = {
      getToken: () => Promise.resolve(token),
      invalidate: () => Promise.resolve(),
    };
    const custom = await bootApp(s.emulator, { tokenProvider: provider });
    try {
      for (const [, echo] of echoes.slice(0, 3)) {
        answerWith(s.emulator, 'upload_attachment', 40004, echo(token));
        const everything = everythingOf(await errorOf(custom), custom.logs.text);
        expect(everything).not.toContain(token);
        expect(everything).not.toContain(percentEncoded(token));
      }
    } finally {
      await custom.close();
    }
  });
});

describe('no token or secret in an HTTP answer', () => {
  const s = emulatorSuite({ http: true });

  it.each(echoes)('the 502 body when errmsg echoes %s', async (shape, echo) => {
    const post = () =>
      supertest(s.http.url)
        .post('/wecom/attachments?media_type=image&attachment_type=1')
        .attach('media', png, 'a.png');
    expect((await post()).status).toBe(201); // fetches the token
    const value = shape.startsWith('corpsecret')
      ? s.emulator.corpSecret
      : (s.emulator.issuedTokens[0] ?? '');
    answerWith(s.emulator, 'upload_attachment', 40004, echo(value));
    const res = await post();
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ errcode: 40004 });
    expect(res.text).not.toContain(value);
    expect(res.text).not.toContain(percentEncoded(value));
    expect(s.http.logs.text).not.toContain(value);
  });
});

function answerWith(
  emulator: WecomEmulator,
  api: 'gettoken' | 'upload_attachment',
  errcode: number,
  errmsg: string,
): void {
  emulator.answerNextWith(api, {
    status: 200,
    body: JSON.stringify({ errcode, errmsg }),
    headers: { 'content-type': 'application/json' },
  });
}
