import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSample, type SampleApp } from '../../sample/src/sample-app.js';
import { makePng } from '../helpers/media-bytes.mjs';

const UPLOAD = '/wecom/attachments?media_type=image&attachment_type=2';

describe("the sample's guard: this machine, and only the sample's own page", () => {
  let sample: SampleApp;
  let url: string;
  beforeAll(async () => {
    sample = await startSample({ port: 0, host: '127.0.0.1', logger: false });
    url = sample.url.replace('localhost', '127.0.0.1');
  });
  afterAll(() => sample.close());

  const post = (headers: Record<string, string>) =>
    supertest(url).post(UPLOAD).set(headers).attach('media', makePng(64, 64), 'a.png');

  it('lets the page (same origin) and tools without an Origin (curl) upload', async () => {
    expect((await post({})).status).toBe(201);
    const host = new URL(url).host;
    expect((await post({ origin: `http://${host}`, 'sec-fetch-site': 'same-origin' })).status).toBe(
      201,
    );
  });

  it('refuses a form posted by another web page open in the browser', async () => {
    const before = sample.emulator?.uploads.length;
    expect(
      (await post({ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })).status,
    ).toBe(403);
    expect((await post({ 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await post({ origin: 'http://localhost:9' })).status).toBe(403);
    expect(
      (await supertest(url).post('/sample/faults/502').set('origin', 'https://evil.example'))
        .status,
    ).toBe(403);
    expect(sample.emulator?.uploads.length).toBe(before);
  });
});
