import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import supertest from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WecomMediaModule, type WecomMediaControllerOptions } from '../../lib/index.js';
import { WecomEmulator } from '../../lib/testing/index.js';
import { LogCapture } from '../helpers/log-capture.js';
import { makePng } from '../helpers/media-bytes.mjs';

const A = { corpId: 'wwctrlcorpa000001', corpSecret: 'secret-ctrl-a' };
const B = { corpId: 'wwctrlcorpb000002', corpSecret: 'secret-ctrl-b' };
const png = makePng(32, 32);

/** The corp a test's resolver gives: by default, the one the `x-corp` header names. */
let resolver: NonNullable<WecomMediaControllerOptions['corpId']>;

describe('the upload controller for many corps (controller option corpId)', () => {
  let emulator: WecomEmulator;
  let app: INestApplication;
  let logs: LogCapture;
  let url: string;
  beforeAll(async () => {
    emulator = await WecomEmulator.start({ apps: [A, B] });
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    emulator.reset();
    resolver = (req) => req.headers['x-corp'] as string | undefined;
    logs = new LogCapture();
    const moduleRef = await Test.createTestingModule({
      imports: [
        WecomMediaModule.forRoot({
          corpId: A.corpId, // a default that must never be used by mistake
          secretFor: (corpId) => (corpId === B.corpId ? B.corpSecret : A.corpSecret),
          baseUrl: emulator.url,
          warmUp: false, // the tests count the token calls their requests make
          controller: { guards: [], corpId: (req) => resolver(req) },
        }),
      ],
    })
      .setLogger(logs)
      .compile();
    app = moduleRef.createNestApplication({ logger: logs });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });
  afterEach(() => app.close());

  const post = (corp?: string) => {
    const req = supertest(url).post('/wecom/attachments?media_type=image&attachment_type=2');
    return (corp === undefined ? req : req.set('x-corp', corp)).attach('media', png, {
      filename: 'a.png',
      contentType: 'image/png',
    });
  };

  it('uploads for the corp the resolver gives, with that corp’s token', async () => {
    expect((await post(B.corpId)).status).toBe(201);
    expect((await post(A.corpId)).status).toBe(201);
    expect(emulator.uploads.map((u) => u.corpId)).toEqual([B.corpId, A.corpId]);
  });

  it('no corp resolved: 400 corp-id, never an upload to the default corp', async () => {
    const res = await post();
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ violations: [{ rule: 'corp-id' }] });
    expect(emulator.requests).toHaveLength(0);
  });

  it('a malformed corp, or not a string: 400 corp-id naming what it got, before the body is read', async () => {
    const res = await post('ww corp/../x');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ violations: [{ rule: 'corp-id', actual: 'ww corp/../x' }] });
    resolver = () => 42 as unknown as string;
    const number = await post();
    expect(number.body).toMatchObject({ violations: [{ rule: 'corp-id', actual: 'number' }] });
    expect(emulator.requests).toHaveLength(0);
  });

  it('a resolver that throws: a 500 that shows nothing of its error, which goes to the log', async () => {
    resolver = () => {
      throw new Error('tenant table unreachable at db-7.internal');
    };
    const res = await post(B.corpId);
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('db-7');
    expect(logs.text).toContain('tenant table unreachable');
    expect(emulator.requests).toHaveLength(0);
  });

  it('a secretFor that fails: 503 naming the callback, its words only in the log', async () => {
    resolver = () => 'wwctrlcorpzz00003';
    const failing = await Test.createTestingModule({
      imports: [
        WecomMediaModule.forRoot({
          secretFor: () => Promise.reject(new Error('vault sealed: key k-991')),
          baseUrl: emulator.url,
          controller: { path: 'other', guards: [], corpId: () => 'wwctrlcorpzz00003' },
        }),
      ],
    })
      .setLogger(logs)
      .compile();
    const other = failing.createNestApplication({ logger: logs });
    await other.listen(0, '127.0.0.1');
    try {
      const res = await supertest(await other.getUrl())
        .post('/other?media_type=image&attachment_type=2')
        .attach('media', png, { filename: 'a.png', contentType: 'image/png' });
      expect(res.status).toBe(503);
      expect(res.body.message).toContain("secretFor('wwctrlcorpzz00003')");
      expect(JSON.stringify(res.body)).not.toContain('k-991');
      expect(logs.text).toContain('vault sealed');
    } finally {
      await other.close();
    }
  });
});
