import { inspect } from 'node:util';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { AttachmentType, MediaType, WecomApiError } from '../../lib/index.js';
import type { WecomEmulator } from '../../lib/testing/index.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { emulatorSuite, type TestApp } from '../helpers/wecom-test-app.js';

// Hostile review #1: the redactor remembered at most 32 tokens, so with more corps in flight a
// live token fell out of it and an errmsg echoing it went through unmasked. Tokens are now
// remembered while used and 3 h after. 40 corps (代开发, secretFor), each with a live token.

const CORPS = Array.from({ length: 40 }, (_, i) => `wwlivecorp${String(i).padStart(7, '0')}`);
const secretOf = (corp: string) => `live-secret-of-${corp}`;
const EMULATOR = { apps: CORPS.map((corpId) => ({ corpId, corpSecret: secretOf(corpId) })) };
const app = { secretFor: secretOf };
const png = makePng(32, 32);
const input = (corpId: string, filename = 'a.png') => ({
  file: png,
  filename,
  corpId,
  mediaType: MediaType.Image,
  attachmentType: AttachmentType.Moment,
});

/** An errmsg echoing each token as `access_token: T` (a shape SECRET_PARAMS does not cover). */
const echoing = (tokens: readonly string[]) =>
  `invalid credential, ${tokens.map((t) => `access_token: ${t}`).join(', ')}, hint: [x]`;

/** The next upload_attachment answers 40004 with `errmsg`. */
function answerNext(emulator: WecomEmulator, errmsg: string): void {
  emulator.answerNextWith('upload_attachment', {
    status: 200,
    body: JSON.stringify({ errcode: 40004, errmsg }),
    headers: { 'content-type': 'application/json' },
  });
}

/** Everything an error shows a log, a tracker or a client: message, errmsg, String, inspect. */
function shown(error: unknown, logs: string): string {
  const e = error as Error & { errmsg?: string };
  return [String(e), e.message, e.errmsg, e.stack, inspect(e, { depth: 5 }), logs].join('\n');
}

/** The tokens the 40 corps use now, one per corp: 40 uploads at once, each fetching its own. */
async function fortyTokens(t: TestApp, emulator: WecomEmulator): Promise<string[]> {
  await Promise.all(CORPS.map((corp) => t.service.upload(input(corp))));
  expect(emulator.callsOf('gettoken')).toHaveLength(CORPS.length);
  expect(new Set(emulator.issuedTokens).size).toBe(CORPS.length);
  return [...emulator.issuedTokens];
}

describe('40 corps in flight: no live token in any error', () => {
  const s = emulatorSuite({ emulator: EMULATOR, app });

  it("an errmsg echoing every corp's token: masked, whichever corp's upload it answers", async () => {
    const tokens = await fortyTokens(s.app, s.emulator);
    for (const corp of [CORPS[0], CORPS[20], CORPS[39]] as string[]) {
      answerNext(s.emulator, echoing(tokens));
      const error = await s.app.service.upload(input(corp, 'b.png')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WecomApiError);
      const text = shown(error, s.app.logs.text);
      for (const token of tokens) expect(text).not.toContain(token);
    }
  });

  it('40 uploads in flight at once, each answered with an errmsg echoing all 40 tokens', async () => {
    const tokens = await fortyTokens(s.app, s.emulator);
    // Every answer echoes all 40: whichever upload gets which answer, each is checked.
    for (const _ of CORPS) answerNext(s.emulator, echoing(tokens));
    const errors = await Promise.all(
      CORPS.map((corp) => s.app.service.upload(input(corp, 'c.png')).catch((e: unknown) => e)),
    );
    for (const error of errors) {
      expect(error).toBeInstanceOf(WecomApiError);
      const text = shown(error, s.app.logs.text);
      for (const token of tokens) expect(text).not.toContain(token);
    }
  });
});

describe('40 corps in flight: no live token in any HTTP answer', () => {
  const s = emulatorSuite({
    emulator: EMULATOR,
    app,
    http: { guards: [], corpId: (req) => req.headers['x-corp'] as string },
  });

  const post = (corp: string) =>
    supertest(s.http.url)
      .post('/wecom/attachments?media_type=image&attachment_type=1')
      .set('x-corp', corp)
      .attach('media', png, { filename: 'a.png', contentType: 'image/png' });

  it('40 POSTs at once, then each answered 502 with an errmsg echoing every token', async () => {
    const first = await Promise.all(CORPS.map((corp) => post(corp)));
    expect(first.map((r) => r.status)).toEqual(CORPS.map(() => 201));
    const tokens = [...s.emulator.issuedTokens];
    expect(tokens).toHaveLength(CORPS.length);
    for (const _ of CORPS) answerNext(s.emulator, echoing(tokens));
    const answers = await Promise.all(CORPS.map((corp) => post(corp)));
    for (const res of answers) {
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({ errcode: 40004 });
      for (const token of tokens) expect(res.text).not.toContain(token);
    }
    for (const token of tokens) expect(s.http.logs.text).not.toContain(token);
  });
});
