import supertest from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import type { WecomMediaControllerOptions } from '../../lib/index.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { bootHttpApp, emulatorSuite } from '../helpers/wecom-test-app.js';

const A = { corpId: 'wwctrlcorpa000001', corpSecret: 'secret-ctrl-a' };
const B = { corpId: 'wwctrlcorpb000002', corpSecret: 'secret-ctrl-b' };
const png = makePng(32, 32);

/** The corp a test's resolver gives: by default, the one the `x-corp` header names. */
let resolver: NonNullable<WecomMediaControllerOptions['corpId']>;

describe('the upload controller for many corps (controller option corpId)', () => {
  const s = emulatorSuite({
    emulator: { apps: [A, B] },
    app: {
      corpId: A.corpId, // a default that must never be used by mistake
      secretFor: (corpId) => (corpId === B.corpId ? B.corpSecret : A.corpSecret),
    },
    http: { guards: [], corpId: (req) => resolver(req) },
  });
  beforeEach(() => {
    resolver = (req) => req.headers['x-corp'] as string | undefined;
  });

  const post = (corp?: string) => {
    const req = supertest(s.http.url).post('/wecom/attachments?media_type=image&attachment_type=2');
    return (corp === undefined ? req : req.set('x-corp', corp)).attach('media', png, {
      filename: 'a.png',
      contentType: 'image/png',
    });
  };

  it('uploads for the corp the resolver gives, with that corp’s token', async () => {
    expect((await post(B.corpId)).status).toBe(201);
    expect((await post(A.corpId)).status).toBe(201);
    expect(s.emulator.uploads.map((u) => u.corpId)).toEqual([B.corpId, A.corpId]);
  });

  it('no corp resolved: 400 corp-id, never an upload to the default corp', async () => {
    const res = await post();
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ violations: [{ rule: 'corp-id' }] });
    expect(s.emulator.requests).toHaveLength(0);
  });

  it('a malformed corp, or not a string: 400 corp-id naming what it got, before the body is read', async () => {
    const res = await post('ww corp/../x');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ violations: [{ rule: 'corp-id', actual: 'ww corp/../x' }] });
    resolver = () => 42 as unknown as string;
    const number = await post();
    expect(number.body).toMatchObject({ violations: [{ rule: 'corp-id', actual: 'number' }] });
    expect(s.emulator.requests).toHaveLength(0);
  });

  it('a resolver that throws: a 500 that shows nothing of its error, which goes to the log', async () => {
    resolver = () => {
      throw new Error('tenant table unreachable at db-7.internal');
    };
    const res = await post(B.corpId);
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('db-7');
    expect(s.http.logs.text).toContain('tenant table unreachable');
    expect(s.emulator.requests).toHaveLength(0);
  });

  it('a secretFor that fails: 503 naming the callback, its words only in the log', async () => {
    resolver = () => 'wwctrlcorpzz00003';
    const other = await bootHttpApp(s.emulator, {
      secretFor: () => Promise.reject(new Error('vault sealed: key k-991')),
      controller: { path: 'other', guards: [], corpId: () => 'wwctrlcorpzz00003' },
    });
    try {
      const res = await supertest(other.url)
        .post('/other?media_type=image&attachment_type=2')
        .attach('media', png, { filename: 'a.png', contentType: 'image/png' });
      expect(res.status).toBe(503);
      expect(res.body.message).toContain("secretFor('wwctrlcorpzz00003')");
      expect(JSON.stringify(res.body)).not.toContain('k-991');
      expect(other.logs.text).toContain('vault sealed');
    } finally {
      await other.close();
    }
  });
});
