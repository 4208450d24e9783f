import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSample, type SampleApp } from '../../sample/src/sample-app.js';
import { fixture } from '../helpers/fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI === 'true') {
  throw new Error(
    `${CHROMIUM} is missing: .ci/run installs Debian's chromium, and CI never skips this test`,
  );
}

describe.skipIf(!hasChromium)('the sample page in a real browser', () => {
  let sample: SampleApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    sample = await startSample({ port: 0, host: '127.0.0.1', logger: false });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage();
    await page.goto(`${sample.url.replace('localhost', '127.0.0.1')}/`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sample?.close();
  });

  it('uploads a PNG and shows its media_id', async () => {
    await page.check('input[name="attachment_type"][value="2"]');
    await page.check('input[name="media_type"][value="image"]');
    await page.setInputFiles('#file', {
      name: '商品图.png',
      mimeType: 'image/png',
      buffer: fixture('photo.png'),
    });
    await page.waitForSelector('#verdict.ok');
    const mediaId = await page.getAttribute('#verdict', 'data-media-id');
    const [upload] = sample.emulator?.uploads ?? [];
    expect(mediaId).toBe(upload?.mediaId);
    expect(upload?.upload?.filename).toBe('商品图.png');
    expect(await page.textContent('#verdict')).toContain('valid until');
  });

  it('uploads a GIF and shows the violation in plain words', async () => {
    await page.check('input[name="media_type"][value="image"]');
    await page.setInputFiles('#file', {
      name: 'anim.gif',
      mimeType: 'image/gif',
      buffer: fixture('photo.gif'),
    });
    await page.waitForSelector('#verdict.bad');
    expect(await page.textContent('#verdict')).toContain(
      'image files must be JPEG or PNG; the bytes are GIF: convert it to JPEG or PNG',
    );
    expect(sample.emulator?.uploads).toHaveLength(1); // nothing more was sent
  });
});
