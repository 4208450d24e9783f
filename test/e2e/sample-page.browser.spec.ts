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

/** What a {@link samplePage} opened: the app, the page, and the console's errors so far. */
interface SamplePage {
  sample: SampleApp;
  page: Page;
  /** Each console error, with the URL it is about. */
  errors: string[];
}

/** A sample app in `locale`, and a page on it in a real Chromium, ready once its settings load. */
function samplePage(locale: 'en' | 'zh-CN'): SamplePage {
  const opened = { errors: [] } as unknown as SamplePage & { browser: Browser };
  beforeAll(async () => {
    opened.sample = await startSample({ port: 0, host: '127.0.0.1', logger: false, locale });
    opened.browser = await chromium.launch({
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
    // An English browser, whatever the app's language: the page speaks the app's.
    opened.page = await opened.browser.newPage({ locale: 'en-US' });
    opened.page.on('console', (message) => {
      if (message.type() === 'error') {
        opened.errors.push(`${message.text()} (${message.location().url})`);
      }
    });
    await opened.page.goto(`${opened.sample.url.replace('localhost', '127.0.0.1')}/`);
    await opened.page.waitForSelector('body[data-ready="true"]');
  }, 60_000);
  afterAll(async () => {
    await opened.browser?.close();
    await opened.sample?.close();
  });
  return opened;
}

/** Uploads `buffer` through the file input and waits for the verdict. */
async function pick(page: Page, name: string, mimeType: string, buffer: Buffer): Promise<void> {
  await page.evaluate("document.getElementById('verdict').removeAttribute('class')");
  await page.setInputFiles('#file', { name, mimeType, buffer });
  await page.waitForSelector('#verdict.ok, #verdict.bad');
}

describe.skipIf(!hasChromium)('the sample page in a real browser (English)', () => {
  const s = samplePage('en');

  it('says it runs against the built-in emulator', async () => {
    expect(await s.page.isVisible('#emulator')).toBe(true);
    expect(await s.page.textContent('#emulator')).toContain('built-in WeCom emulator');
  });

  it('lines the drop zone up with the boxes above it', async () => {
    const fieldset = await s.page.locator('fieldset').first().boundingBox();
    const drop = await s.page.locator('#drop').boundingBox();
    expect(drop?.x).toBe(fieldset?.x);
    expect(drop?.width).toBe(fieldset?.width);
  });

  it('uploads a PNG and shows its media_id', async () => {
    await s.page.check('input[name="attachment_type"][value="2"]');
    await s.page.check('input[name="media_type"][value="image"]');
    await pick(s.page, '商品图.png', 'image/png', fixture('photo.png'));
    const mediaId = await s.page.getAttribute('#verdict', 'data-media-id');
    const [upload] = s.sample.emulator?.uploads ?? [];
    expect(mediaId).toBe(upload?.mediaId);
    expect(upload?.upload?.filename).toBe('商品图.png');
    expect(await s.page.textContent('#verdict')).toContain('valid until');
  });

  it('shows each broken rule in a list, with what to do next', async () => {
    await s.page.check('input[name="media_type"][value="image"]');
    await pick(s.page, 'notes.png', 'image/png', Buffer.from('not an image at all'));
    const items = await s.page.locator('#verdict li').allTextContents();
    expect(items).toEqual([
      'format image files must be JPEG or PNG; the bytes are an unrecognised format: convert it to JPEG or PNG',
    ]);
    expect(await s.page.textContent('#verdict li code')).toBe('format');
    expect(s.sample.emulator?.uploads).toHaveLength(1); // nothing more was sent
  });

  it('fits a GIF for the album and shows before and after', async () => {
    await s.page.check('input[name="attachment_type"][value="2"]');
    await s.page.check('input[name="media_type"][value="image"]');
    await pick(s.page, 'anim.gif', 'image/gif', fixture('photo.gif'));
    expect(await s.page.getAttribute('#verdict', 'data-status')).toBe('201');
    expect(await s.page.textContent('#verdict')).toMatch(/fitted: GIF \d+ × \d+, \d+ KiB → JPEG/);
    expect(s.sample.emulator?.uploads.at(-1)?.upload?.filename).toBe('anim.jpg');
  });

  it('fits the phone photo example for moments: 4032 × 3024 → 1440 × 1080', async () => {
    await s.page.evaluate("document.getElementById('verdict').removeAttribute('class')");
    await s.page.click('button[data-example="photo"]');
    await s.page.waitForSelector('#verdict.ok, #verdict.bad', { timeout: 30_000 });
    expect(await s.page.getAttribute('#verdict', 'data-fitted')).toBe('1440x1080');
    expect(await s.page.textContent('#verdict')).toMatch(
      /fitted: JPEG 4032 × 3024, [\d.]+ [KM]iB → JPEG 1440 × 1080, \d+ KiB/,
    );
  });

  it.each(['400', '413', '502', '503', '504'])('shows a working example of %s', async (status) => {
    await s.page.evaluate("document.getElementById('verdict').removeAttribute('class')");
    await s.page.click(`button[data-example="${status}"]`);
    await s.page.waitForSelector('#verdict.bad', { timeout: 15_000 });
    expect(await s.page.getAttribute('#verdict', 'data-status')).toBe(status);
    expect(await s.page.textContent('#verdict')).not.toContain('undefined');
  });

  it('publishes a moment of two photos, the phone photo fitted, and shows its moment_id', async () => {
    const { makePng } = await import('../helpers/media-bytes.mjs');
    await s.page.fill('#moment-text', '春季新品上市');
    await s.page.fill('#moment-senders', 'zhangsan, invalid-li');
    await s.page.setInputFiles('#photos', [
      { name: '新品.png', mimeType: 'image/png', buffer: fixture('photo.png') },
      { name: 'IMG_0002.png', mimeType: 'image/png', buffer: makePng(4032, 3024) },
    ]);
    await s.page.click('#moment button[type="submit"]');
    await s.page.waitForSelector('#moment-verdict.ok, #moment-verdict.bad', { timeout: 30_000 });
    const moment = s.sample.emulator?.moments.at(-1);
    expect(moment).toMatchObject({ text: '春季新品上市', attachments: [{}, {}] });
    const shown = await s.page.textContent('#moment-verdict');
    expect(shown).toContain(`moment_id: ${moment?.momentId}`);
    expect(shown).toMatch(/photo 2: \S+ \(fitted\)/);
    expect(shown).toContain('not senders: invalid-li');
  });

  it('has a favicon, and logs no console error but the examples\u2019 own answers', async () => {
    const icon = await s.page.request.get(`${s.page.url()}favicon.ico`);
    expect(icon.status()).toBe(200);
    expect(icon.headers()['content-type']).toMatch(/icon/);
    // Collected since the page opened (the browser asks for /favicon.ico once it has loaded).
    expect(s.errors.filter((e) => !e.includes('/wecom/attachments'))).toEqual([]);
  });
});

describe.skipIf(!hasChromium)('the sample page in a real browser (中文)', () => {
  const s = samplePage('zh-CN');

  it('speaks Chinese, its own words and the module\u2019s', async () => {
    expect(await s.page.textContent('h1')).toBe('上传企业微信附件');
    expect(await s.page.title()).toBe('nestjs-wecom-media 示例：上传企业微信附件');
    expect(await s.page.textContent('#emulator')).toContain('内置的企业微信模拟器');
    const labels = await s.page.locator('fieldset label').allTextContents();
    expect(labels.map((l) => l.trim())).toEqual([
      '朋友圈',
      '商品图册',
      '图片（JPG、PNG）',
      '视频（MP4）',
      '普通文件',
    ]);
    await s.page.check('input[name="media_type"][value="image"]');
    await pick(s.page, '笔记.png', 'image/png', Buffer.from('not an image at all'));
    expect(await s.page.textContent('#verdict strong')).toBe('未上传：文件不符合规则');
    expect(await s.page.locator('#verdict li').allTextContents()).toEqual([
      'format 图片必须是 JPEG 或 PNG 格式；此文件的格式无法识别：请转换为 JPEG 或 PNG',
    ]);
  });

  it('keeps the English page\u2019s code styling: each <code> of a text is a <code> in Chinese too', async () => {
    // Each [data-text] element: its <code>s in the page as served, and in the page now.
    const counts = await s.page.evaluate(`(async () => {
      const served = new DOMParser().parseFromString(await (await fetch('/')).text(), 'text/html');
      return [...served.querySelectorAll('[data-text]')].map((e) => {
        const now = document.querySelector('[data-text="' + e.dataset.text + '"]');
        return [e.dataset.text, e.querySelectorAll('code').length, now.querySelectorAll('code').length];
      });
    })()`);
    const lost = (counts as Array<[string, number, number]>).filter(([, was, is]) => was !== is);
    expect(lost).toEqual([]);
    expect(await s.page.locator('[data-text="hint"] code').allTextContents()).toEqual([
      'POST /wecom/attachments',
      'upload_attachment',
    ]);
    expect(await s.page.locator('[data-text="fitHint"] code').allTextContents()).toEqual(['fit']);
    const background = await s.page.evaluate(
      `getComputedStyle(document.querySelector('[data-text="hint"] code')).backgroundColor`,
    );
    expect(background).toBe('rgb(233, 237, 243)');
  });

  it('shows the expiry date in the page\u2019s language, not the browser\u2019s', async () => {
    await s.page.check('input[name="attachment_type"][value="2"]');
    await s.page.check('input[name="media_type"][value="image"]');
    const answered = s.page.waitForResponse((r) => r.url().includes('/wecom/attachments'));
    await pick(s.page, '商品图.png', 'image/png', fixture('photo.png'));
    const { expires_at: expiresAt } = (await (await answered).json()) as { expires_at: number };
    const date = (locale: string) =>
      s.page.evaluate(`new Date(${expiresAt} * 1000).toLocaleString(${JSON.stringify(locale)})`);
    const chinese = await date('zh-CN');
    expect(chinese).not.toBe(await date('en-US')); // the browser's own
    expect(await s.page.textContent('#verdict')).toContain(`有效期至 ${String(chinese)}`);
  });

  it('fits a phone photo for moments and says so in Chinese', async () => {
    await s.page.check('input[name="attachment_type"][value="1"]');
    await s.page.check('input[name="media_type"][value="image"]');
    const { makePng } = await import('../helpers/media-bytes.mjs');
    await pick(s.page, '手机照片.png', 'image/png', makePng(4032, 3024));
    expect(await s.page.getAttribute('#verdict', 'data-fitted')).toBe('1440x1080');
    expect(await s.page.textContent('#verdict')).toMatch(
      /已自动调整：PNG 4032 × 3024, \d+ KiB → PNG 1440 × 1080, \d+ KiB/,
    );
    expect(s.sample.emulator?.uploads.at(-1)?.upload?.filename).toBe('手机照片.png');
  });

  it('refuses a moment text of 2,001 characters before anything is sent, in Chinese', async () => {
    const uploads = s.sample.emulator?.uploads.length;
    await s.page.fill('#moment-text', 'a'.repeat(2001));
    await s.page.setInputFiles('#photos', [
      { name: '新品.png', mimeType: 'image/png', buffer: fixture('photo.png') },
    ]);
    await s.page.click('#moment button[type="submit"]');
    await s.page.waitForSelector('#moment-verdict.bad');
    expect(await s.page.textContent('#moment-verdict strong')).toBe('未发表');
    expect(await s.page.textContent('#moment-verdict li')).toMatch(/^朋友圈文本最多 2000 个字/);
    expect(s.sample.emulator?.uploads.length).toBe(uploads);
  });

  it.each(['400', '413', '502', '503', '504'])(
    'shows a working example of %s, in Chinese',
    async (status) => {
      await s.page.evaluate("document.getElementById('verdict').removeAttribute('class')");
      await s.page.click(`button[data-example="${status}"]`);
      await s.page.waitForSelector('#verdict.bad', { timeout: 15_000 });
      expect(await s.page.getAttribute('#verdict', 'data-status')).toBe(status);
      expect(await s.page.textContent('#verdict strong')).toMatch(/^未上传/);
      expect(await s.page.textContent('#verdict')).not.toContain('undefined');
    },
  );
});
