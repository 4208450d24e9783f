import {
  Controller,
  Module,
  Post,
  UploadedFile,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { request } from 'node:http';
import supertest from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AttachmentFileInterceptor,
  AttachmentQuery,
  AttachmentQueryInterceptor,
  AttachmentService,
  ClientAbortSignal,
  WecomErrorFilter,
  WecomMediaModule,
  type WecomMediaModuleOptions,
} from '../../lib/index.js';
import { bootRootApp, emulatorSuite, type HttpTestApp } from '../helpers/wecom-test-app.js';
import { GIF_BYTES, makePng } from '../helpers/media-bytes.mjs';
import { buildMultipart } from '../helpers/multipart.mjs';

// The README's "Your own endpoints" recipe, as written there (only the module's options point at
// the emulator): keep the two in step.
@Controller('products')
@UseFilters(WecomErrorFilter)
class ProductImagesController {
  constructor(private readonly attachments: AttachmentService) {}

  @Post('images')
  @UseInterceptors(AttachmentQueryInterceptor, AttachmentFileInterceptor('media'))
  async upload(
    @AttachmentQuery() query: AttachmentQuery,
    @UploadedFile() file: Express.Multer.File,
    @ClientAbortSignal() signal: AbortSignal,
  ) {
    const { mediaId, expiresAt } = await this.attachments.upload({
      file,
      ...query,
      signal,
    });
    return { mediaId, expiresAt };
  }
}

const png = makePng(800, 600);
const ALBUM = '/products/images?media_type=image&attachment_type=2';

describe("the README's own-controller recipe", () => {
  const s = emulatorSuite({ app: false });
  let app: HttpTestApp;

  /** The recipe's module, pointed at the emulator, with `extra` options. */
  async function start(extra: Pick<WecomMediaModuleOptions, 'locale'> = {}): Promise<void> {
    @Module({
      imports: [
        WecomMediaModule.forRoot({
          corpId: s.emulator.corpId,
          corpSecret: s.emulator.corpSecret,
          baseUrl: s.emulator.url,
          ...extra,
        }),
      ],
      controllers: [ProductImagesController],
    })
    class ProductsModule {}
    app = await bootRootApp({ imports: [ProductsModule] }, { listen: true });
  }
  beforeEach(() => start());
  afterEach(() => app.close());

  it('sends a Chinese filename to WeCom as the browser sent it, byte for byte', async () => {
    const name = '春季新品.jpg';
    const res = await supertest(app.url).post(ALBUM).attach('media', png, name);
    expect(res.status).toBe(201);
    const [upload] = s.emulator.uploads;
    expect((res.body as { mediaId: string }).mediaId).toBe(upload?.mediaId);
    expect(upload?.upload?.filename).toBe(name);
    expect(upload?.upload?.filenameBytes?.equals(Buffer.from(name, 'utf8'))).toBe(true);
  });

  it('answers a rule violation with 400 and the violations, not a bare 500', async () => {
    const res = await supertest(app.url).post(ALBUM).attach('media', GIF_BYTES, '动图.gif');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      statusCode: 400,
      violations: [{ rule: 'format', actual: 'GIF' }],
    });
    expect(s.emulator.uploads).toHaveLength(0);
  });

  it('answers a WeCom failure with 502 and its errcode, and busy with 503 and Retry-After', async () => {
    s.emulator.failNext('upload_attachment', 40004);
    const failed = await supertest(app.url).post(ALBUM).attach('media', png, 'a.png');
    expect(failed.status).toBe(502);
    expect(failed.body).toMatchObject({ errcode: 40004 });
    s.emulator.failNext('upload_attachment', 45009);
    const limited = await supertest(app.url).post(ALBUM).attach('media', png, 'a.png');
    expect(limited.status).toBe(503);
    expect(limited.headers['retry-after']).toBe('60');
  });

  it('refuses a file over the largest rule with 413, before WeCom hears of it', async () => {
    const big = Buffer.concat([png, Buffer.alloc(10 * 1024 * 1024)]);
    const res = await supertest(app.url).post(ALBUM).attach('media', big, 'big.png');
    expect(res.status).toBe(413);
    expect(s.emulator.uploads).toHaveLength(0);
  });

  it('stops the WeCom call when the client leaves (@ClientAbortSignal)', async () => {
    expect((await supertest(app.url).post(ALBUM).attach('media', png, 'warm.png')).status).toBe(
      201,
    );
    s.emulator.setDelay(600_000);
    const { body, contentType } = buildMultipart(png, 'leave.png', 'image/png');
    const req = request(`${app.url}${ALBUM}`, {
      method: 'POST',
      headers: { 'content-type': contentType, 'content-length': body.length },
    });
    req.on('error', () => undefined);
    const calling = new Promise((resolve) => s.emulator.once('arrival', resolve));
    req.end(body);
    await calling;
    req.destroy();
    const abandoned = await s.emulator.waitFor((r) => r.closedByClient === true);
    expect(abandoned.api).toBe('upload_attachment');
  });

  it('judges the query before the body: a bad one is a 400 with violations, and nothing is spooled', async () => {
    const res = await supertest(app.url)
      .post('/products/images?media_type=video&attachment_type=2')
      .attach('media', png, 'a.png');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      statusCode: 400,
      violations: [{ rule: 'attachment-media-type', limit: 'image', actual: 'video' }],
    });
    const missing = await supertest(app.url).post('/products/images').attach('media', png, 'a.png');
    expect(missing.body.violations.map((v: { rule: string }) => v.rule)).toEqual([
      'media-type',
      'attachment-type',
    ]);
    expect(s.emulator.uploads).toHaveLength(0);
  });

  it('speaks the module\u2019s locale, the query included', async () => {
    await app.close();
    await start({ locale: 'zh-CN' });
    const res = await supertest(app.url)
      .post('/products/images?media_type=video&attachment_type=2')
      .attach('media', png, 'a.png');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^商品图册只支持图片/);
    const two = await supertest(app.url).post('/products/images?attachment_type=abc');
    expect(two.body.message).toContain('；');
  });
});

// The other documented way to use the filter: for the whole app, from the container (so that it
// has the module's locale).
@Controller('plain')
class PlainController {
  constructor(private readonly attachments: AttachmentService) {}

  @Post()
  @UseInterceptors(AttachmentQueryInterceptor, AttachmentFileInterceptor('media'))
  async upload(
    @AttachmentQuery() query: AttachmentQuery,
    @UploadedFile() file: Express.Multer.File,
  ) {
    return this.attachments.upload({ file, ...query });
  }
}

describe('app.useGlobalFilters(app.get(WecomErrorFilter))', () => {
  const s = emulatorSuite({ app: false });
  let app: HttpTestApp;
  beforeEach(async () => {
    app = await bootRootApp(
      {
        imports: [
          WecomMediaModule.forRoot({
            corpId: s.emulator.corpId,
            corpSecret: s.emulator.corpSecret,
            baseUrl: s.emulator.url,
            locale: 'zh-CN',
            timeoutMs: 300,
            retry: { busyRetries: 0 },
          }),
        ],
        controllers: [PlainController],
      },
      { listen: true, beforeStart: (nest) => nest.useGlobalFilters(nest.get(WecomErrorFilter)) },
    );
  });
  afterEach(() => app.close());

  it('answers each failure with its status, in the module locale', async () => {
    const send = () =>
      supertest(app.url)
        .post('/plain?media_type=image&attachment_type=2')
        .attach('media', png, 'a.png');
    const refused = await supertest(app.url)
      .post('/plain?media_type=image&attachment_type=2')
      .attach('media', GIF_BYTES, 'a.gif');
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/^附件不符合上传规则/);
    s.emulator.failNext('upload_attachment', 60020);
    const untrusted = await send();
    expect(untrusted.status).toBe(502);
    expect(untrusted.body).toMatchObject({ errcode: 60020 });
    expect(untrusted.body.message).toContain('可信 IP');
    s.emulator.failNext('upload_attachment', -1);
    const busy = await send();
    expect(busy.status).toBe(503);
    expect(busy.headers['retry-after']).toBeDefined();
    s.emulator.answerNextWith('upload_attachment', { status: 200, body: '', hang: true });
    const slow = await send();
    expect(slow.status).toBe(504);
    expect(slow.body.message).toMatch(/未在 300 毫秒内响应/);
  });
});

// A handler that fits per call: its interceptor receives images as large as fitting takes.
@Controller('fitting')
class FittingController {
  constructor(private readonly attachments: AttachmentService) {}

  @Post()
  @UseInterceptors(AttachmentQueryInterceptor, AttachmentFileInterceptor('media', { fit: true }))
  async upload(
    @AttachmentQuery() query: AttachmentQuery,
    @UploadedFile() file: Express.Multer.File,
  ) {
    const { fitted } = await this.attachments.upload({ file, ...query, fit: true });
    return { fitted };
  }
}

describe("AttachmentFileInterceptor('media', { fit: true }): images over 10 MiB for a handler that fits", () => {
  const s = emulatorSuite({ app: false });
  let app: HttpTestApp;
  beforeEach(async () => {
    app = await bootRootApp(
      {
        imports: [
          WecomMediaModule.forRoot({
            corpId: s.emulator.corpId,
            corpSecret: s.emulator.corpSecret,
            baseUrl: s.emulator.url,
          }),
        ],
        controllers: [FittingController, ProductImagesController],
      },
      { listen: true },
    );
  });
  afterEach(() => app.close());

  it('receives a 12 MiB PNG and sends it fitted; without the option, 413', async () => {
    const { noisyPng } = await import('../helpers/images.js');
    const big = await noisyPng(12 * 1024 * 1024);
    const res = await supertest(app.url)
      .post('/fitting?media_type=image&attachment_type=2')
      .attach('media', big, 'noise.png');
    expect(res.status).toBe(201);
    expect(res.body.fitted.sent.bytes).toBeLessThanOrEqual(10 * 1024 * 1024);
    const plain = await supertest(app.url).post(ALBUM).attach('media', big, 'noise.png');
    expect(plain.status).toBe(413);
  }, 60_000);
});
