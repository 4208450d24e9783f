import supertest from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { AttachmentType, MediaType, WecomRateLimitError } from '../../lib/index.js';
import { bootApp, bootHttpApp, emulatorSuite, type TestApp } from '../helpers/wecom-test-app.js';
import { makePng } from '../helpers/media-bytes.mjs';

const png = makePng(320, 240);
const moment = {
  file: png,
  filename: 'a.png',
  mediaType: MediaType.Image,
  attachmentType: AttachmentType.Moment,
} as const;

describe("WeCom's limits, kept by the module", () => {
  // WeCom's own concurrency limit, stricter than the module's default of 8.
  const s = emulatorSuite({ app: false, emulator: { limits: { concurrent: 3 } } });
  const apps: TestApp[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });
  const boot = async (options: Parameters<typeof bootApp>[1]) => {
    const t = await bootApp(s.emulator, options);
    apps.push(t);
    await t.service.upload(moment); // the token, fetched before the burst
    s.emulator.setDelay(40); // each upload in flight long enough for the next ones to pile up
    return t;
  };

  it('maxConcurrentCalls 3: 24 uploads at once, never more than 3 in flight, none refused', async () => {
    const t = await boot({ maxConcurrentCalls: 3 });
    const results = await Promise.all(Array.from({ length: 24 }, () => t.service.upload(moment)));
    expect(results).toHaveLength(24);
    expect(s.emulator.limitRefusals()).toBe(0);
    expect(s.emulator.peakLoad('upload_attachment').concurrent).toBe(3);
  });

  it('more places than WeCom allows: WeCom answers 45033 (the emulator does enforce it)', async () => {
    const t = await boot({ maxConcurrentCalls: 6 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 24 }, () => t.service.upload(moment)),
    );
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(refused.length).toBeGreaterThan(0);
    for (const e of refused) expect(e).toMatchObject({ errcode: 45033, local: false });
    expect(s.emulator.limitRefusals('upload_attachment')).toBe(refused.length);
  });

  it('rateLimit: past the budget an upload fails at once, nothing sent, the budget named', async () => {
    const t = await boot({ rateLimit: { perMinute: 5 } });
    s.emulator.setDelay(0);
    // The warm-up upload spent one call of the minute.
    for (let i = 0; i < 4; i++) await t.service.upload(moment);
    const error = await t.service.upload(moment).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomRateLimitError);
    expect(error).toMatchObject({ errcode: 45009, local: true, attempts: 0 });
    expect((error as Error).message).toMatch(
      /^WeCom \/cgi-bin\/media\/upload_attachment not called: rateLimit\.perMinute \(5 calls per minute for each corp and API\) is spent .* call 6 in the minute; try again in \d+ ms$/,
    );
    expect(s.emulator.uploads).toHaveLength(5);
  });

  it('the controller answers a held-back upload 503 with Retry-After, and says the module held it', async () => {
    const h = await bootHttpApp(s.emulator, { rateLimit: { perMinute: 1 } });
    apps.push(h);
    const post = () =>
      supertest(h.url)
        .post('/wecom/attachments?media_type=image&attachment_type=1')
        .attach('media', png, { filename: 'a.png', contentType: 'image/png' });
    expect((await post()).status).toBe(201);
    const res = await post();
    expect(res.status).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(res.body).toMatchObject({ statusCode: 503, errcode: 45009 });
    expect((res.body as { message: string }).message).toContain('was not called');
    expect(s.emulator.uploads).toHaveLength(1);
  });
});
