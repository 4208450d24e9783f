import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { emulatorSuite } from '../helpers/wecom-test-app.js';
import { fitImages, MiB, received } from './fit-images.js';

const files = fitImages('photo', 'noisy');

describe('fit through the built-in controller', () => {
  const s = emulatorSuite({ http: true, app: { fit: true } });

  it('answers 201 with what was fitted', async () => {
    const res = await supertest(s.http.url)
      .post('/wecom/attachments?media_type=image&attachment_type=1')
      .attach('media', files.photo, '新品.jpg');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      fitted: {
        original: { format: 'jpeg', width: 4032, height: 3024 },
        sent: { format: 'jpeg', width: 1440, height: 1080 },
      },
    });
  });
});

describe('fit through the built-in controller: images up to fit.maxInputBytes are received', () => {
  const s = emulatorSuite({
    http: true,
    app: { fit: { maxInputBytes: 13 * MiB } },
    emulator: { keepUploads: true },
  });

  it('takes a 12 MiB PNG (over the 10 MiB rule) and sends it re-encoded', async () => {
    const res = await supertest(s.http.url)
      .post('/wecom/attachments?media_type=image&attachment_type=2')
      .attach('media', files.noisy, 'noise.png');
    expect(res.status).toBe(201);
    expect(res.body.fitted.sent.bytes).toBeLessThanOrEqual(10 * MiB);
    expect(received(s.emulator.uploads).content.length).toBe(res.body.fitted.sent.bytes);
  });

  it('still cuts a video off at the rules’ 10 MiB: 413', async () => {
    const res = await supertest(s.http.url)
      .post('/wecom/attachments?media_type=video&attachment_type=1')
      .attach('media', files.noisy, 'clip.mp4');
    expect(res.status).toBe(413);
    expect(res.body.violations).toMatchObject([{ rule: 'max-size', limit: 10 * MiB }]);
  });

  it('cuts an image off at fit.maxInputBytes: 413 naming it', async () => {
    const res = await supertest(s.http.url)
      .post('/wecom/attachments?media_type=image&attachment_type=2')
      .attach('media', Buffer.concat([files.noisy, Buffer.alloc(2 * MiB)]), 'big.png');
    expect(res.status).toBe(413);
    expect(res.body.violations).toMatchObject([{ rule: 'max-size', limit: 13 * MiB }]);
    expect(s.emulator.uploads).toHaveLength(0);
  });
});
