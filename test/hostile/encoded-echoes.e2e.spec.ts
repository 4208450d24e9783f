import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AttachmentType,
  MediaType,
  RedisStore,
  WecomApiError,
  WecomInvalidCredentialsError,
} from '../../lib/index.js';
import type { WecomEmulator } from '../../lib/testing/index.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { RedisServer, requireRedisServer } from '../helpers/redis-server.mjs';
import { bootApp, emulatorSuite, type TestApp } from '../helpers/wecom-test-app.js';

// Hostile review #2: redaction stopped at the shapes it knew. Now the HTTP answer never carries
// WeCom's errmsg (errcode and the module's own words), the shared store keeps errcodes, not
// errmsgs, and a text that still holds a credential once decoded any way is withheld whole.

/** A secret as long as WeCom's (43 characters), so that a split echo is long enough to tell. */
const SECRET = 'h0st1leReviewSecret_AbCdEfGhIjKlMnOpQrStUvW';
const CORP = 'wwencodedecho0001';
const EMULATOR = { apps: [{ corpId: CORP, corpSecret: SECRET }] };
const png = makePng(32, 32);
const input = { file: png, filename: 'a.png', mediaType: MediaType.Image } as const;
const upload = (t: TestApp) =>
  t.service.upload({ ...input, attachmentType: AttachmentType.Moment }).catch((e: unknown) => e);

const percentAll = (text: string): string =>
  [...Buffer.from(text)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');

/** An echo of `v` in a shape, and the pieces of it that carry the credential. */
type Shape = (v: string) => { errmsg: string; pieces: string[] };
const SHAPES: Array<[string, Shape]> = [
  [
    'split in two',
    (v) => ({
      errmsg: `bad ${v.slice(0, 24)} or ${v.slice(24)} x`,
      pieces: [v.slice(0, 24), v.slice(24)],
    }),
  ],
  ['case-folded', (v) => ({ errmsg: `token ${v.toUpperCase()}`, pieces: [v.toUpperCase()] })],
  [
    'base64',
    (v) => ({
      errmsg: `b64 ${Buffer.from(v).toString('base64')}`,
      pieces: [Buffer.from(v).toString('base64')],
    }),
  ],
  [
    'hex',
    (v) => ({
      errmsg: `hex ${Buffer.from(v).toString('hex')}`,
      pieces: [Buffer.from(v).toString('hex')],
    }),
  ],
  [
    'HTML entities',
    (v) => {
      const html = [...v].map((c) => `&#${c.charCodeAt(0)};`).join('');
      return { errmsg: `<p>${html}</p>`, pieces: [html] };
    },
  ],
  [
    'double %-encoded',
    (v) => {
      const twice = percentAll(percentAll(v));
      return { errmsg: `url=/x?t=${twice}`, pieces: [twice] };
    },
  ],
  [
    'with zero-width spaces',
    (v) => {
      const spaced = [...v].join('\u200b');
      return { errmsg: `token ${spaced}`, pieces: [spaced] };
    },
  ],
];

/** The next call of `api` answers `errcode` with `errmsg`. */
function answerNext(
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

/** Everything an error shows a log, a tracker or a client. */
function shown(error: unknown, logs: string): string {
  const e = error as Error & { errmsg?: string };
  return [String(e), e.message, e.errmsg, e.stack, inspect(e, { depth: 5 }), logs].join('\n');
}

function expectNone(text: string, value: string, pieces: string[]): void {
  expect(text).not.toContain(value);
  for (const piece of pieces) expect(text).not.toContain(piece);
}

describe('a credential echoed in any shape reaches no error and no log', () => {
  const s = emulatorSuite({ emulator: EMULATOR, app: { corpId: CORP, corpSecret: SECRET } });

  it.each(SHAPES)("upload_attachment's errmsg echoing the token %s", async (_shape, shape) => {
    expect(await upload(s.app)).toMatchObject({ type: 'image' }); // fetches the token
    const [token = ''] = s.emulator.issuedTokens;
    const { errmsg, pieces } = shape(token);
    answerNext(s.emulator, 'upload_attachment', 40004, errmsg);
    const error = await upload(s.app);
    expect(error).toBeInstanceOf(WecomApiError);
    expect(error).toMatchObject({ errcode: 40004 });
    expectNone(shown(error, s.app.logs.text), token, pieces);
  });

  it.each(SHAPES)("gettoken's errmsg echoing the secret %s", async (_shape, shape) => {
    const { errmsg, pieces } = shape(SECRET);
    answerNext(s.emulator, 'gettoken', 40001, errmsg);
    const error = await upload(s.app);
    expect(error).toBeInstanceOf(WecomInvalidCredentialsError);
    const again = await upload(s.app); // from the cool-down
    expect(again).toMatchObject({ errcode: 40001, cached: true });
    expectNone(shown(error, '') + shown(again, s.app.logs.text), SECRET, pieces);
  });
});

describe('a credential echoed in any shape reaches no HTTP answer', () => {
  const s = emulatorSuite({
    emulator: EMULATOR,
    app: { corpId: CORP, corpSecret: SECRET },
    http: true,
  });
  const post = () =>
    supertest(s.http.url)
      .post('/wecom/attachments?media_type=image&attachment_type=1')
      .attach('media', png, 'a.png');

  it.each(SHAPES)('the 502 body when errmsg echoes the token %s', async (_shape, shape) => {
    expect((await post()).status).toBe(201);
    const [token = ''] = s.emulator.issuedTokens;
    const { errmsg, pieces } = shape(token);
    answerNext(s.emulator, 'upload_attachment', 40004, errmsg);
    const res = await post();
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ errcode: 40004 });
    expectNone(res.text + s.http.logs.text, token, pieces);
  });

  it.each(SHAPES)('the 502 body when gettoken echoes the secret %s', async (_shape, shape) => {
    const { errmsg, pieces } = shape(SECRET);
    answerNext(s.emulator, 'gettoken', 40001, errmsg);
    const res = await post();
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ errcode: 40001 });
    expectNone(res.text + s.http.logs.text, SECRET, pieces);
  });
});

describe.skipIf(!requireRedisServer())('the cool-down record in Redis holds no errmsg', () => {
  const s = emulatorSuite({ emulator: EMULATOR, app: false });
  let server: RedisServer;
  let redis: Redis;
  beforeAll(async () => {
    server = await RedisServer.start();
    redis = new Redis(server.url, { commandTimeout: 500, maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it.each(SHAPES)('a refusal whose errmsg echoes the secret %s', async (shape, echo) => {
    const prefix = `cooldown-${shape.replace(/\W/g, '-')}:`;
    const store = () => new RedisStore(redis, { keyPrefix: prefix });
    const first = await bootApp(s.emulator, { corpId: CORP, corpSecret: SECRET, store: store() });
    const other = await bootApp(s.emulator, { corpId: CORP, corpSecret: SECRET, store: store() });
    try {
      const { errmsg, pieces } = echo(SECRET);
      answerNext(s.emulator, 'gettoken', 40001, errmsg);
      expect(await upload(first)).toBeInstanceOf(WecomInvalidCredentialsError);
      // The cool-down record, and its hold for health probes (credentials-cooldown.ts): neither has words.
      const keys = await redis.keys(`${prefix}wecom-media:refused:*`);
      expect(keys.map((key) => key.endsWith(':probe')).toSorted()).toEqual([false, true]);
      for (const key of keys) {
        const raw = (await redis.get(key)) ?? '';
        expect(Object.keys(JSON.parse(raw) as object).toSorted()).toEqual([
          'api',
          'errcode',
          'until',
        ]);
        expectNone(raw, SECRET, pieces);
      }
      // Another replica fails from the record alone: the errcode, no words of WeCom's.
      const shared = await upload(other);
      expect(shared).toMatchObject({ errcode: 40001, cached: true, errmsg: '' });
      expect(s.emulator.gettokenCalls).toBe(1);
      expectNone(shown(shared, first.logs.text + other.logs.text), SECRET, pieces);
    } finally {
      await first.close();
      await other.close();
    }
  });
});
