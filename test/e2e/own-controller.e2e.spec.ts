import {
  Controller,
  Module,
  Post,
  Query,
  UploadedFile,
  UseFilters,
  UseInterceptors,
  ValidationPipe,
  type INestApplication,
} from '@nestjs/common';
import { request } from 'node:http';
import { Test } from '@nestjs/testing';
import supertest from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AttachmentFileInterceptor,
  AttachmentService,
  ClientAbortSignal,
  UploadAttachmentQueryDto,
  WecomErrorFilter,
  WecomMediaModule,
} from '../../lib/index.js';
import { emulatorSuite } from '../helpers/emulator-suite.js';
import { GIF_BYTES, makePng } from '../helpers/media-bytes.mjs';
import { buildMultipart } from '../helpers/multipart.mjs';

// The README's "Your own endpoints" recipe, as written there (only the module's options point at
// the emulator): keep the two in step.
@Controller('products')
@UseFilters(WecomErrorFilter)
class ProductImagesController {
  constructor(private readonly attachments: AttachmentService) {}

  @Post('images')
  @UseInterceptors(AttachmentFileInterceptor('media'))
  async upload(
    @Query(new ValidationPipe({ transform: true })) query: UploadAttachmentQueryDto,
    @UploadedFile() file: Express.Multer.File,
    @ClientAbortSignal() signal: AbortSignal,
  ) {
    const { mediaId, expiresAt } = await this.attachments.upload({
      file,
      mediaType: query.media_type,
      attachmentType: query.attachment_type,
      signal,
    });
    return { mediaId, expiresAt };
  }
}

const png = makePng(800, 600);
const ALBUM = '/products/images?media_type=image&attachment_type=2';

describe("the README's own-controller recipe", () => {
  const s = emulatorSuite({ app: false });
  let app: INestApplication;
  let url: string;

  beforeEach(async () => {
    @Module({
      imports: [
        WecomMediaModule.forRoot({
          corpId: s.emulator.corpId,
          corpSecret: s.emulator.corpSecret,
          baseUrl: s.emulator.url,
        }),
      ],
      controllers: [ProductImagesController],
    })
    class ProductsModule {}
    const ref = await Test.createTestingModule({ imports: [ProductsModule] }).compile();
    app = ref.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });
  afterEach(() => app.close());

  it('sends a Chinese filename to WeCom as the browser sent it, byte for byte', async () => {
    const name = '春季新品.jpg';
    const res = await supertest(url).post(ALBUM).attach('media', png, name);
    expect(res.status).toBe(201);
    const [upload] = s.emulator.uploads;
    expect((res.body as { mediaId: string }).mediaId).toBe(upload?.mediaId);
    expect(upload?.upload?.filename).toBe(name);
    expect(upload?.upload?.filenameBytes?.equals(Buffer.from(name, 'utf8'))).toBe(true);
  });

  it('answers a rule violation with 400 and the violations, not a bare 500', async () => {
    const res = await supertest(url).post(ALBUM).attach('media', GIF_BYTES, '动图.gif');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      statusCode: 400,
      violations: [{ rule: 'format', actual: 'GIF' }],
    });
    expect(s.emulator.uploads).toHaveLength(0);
  });

  it('answers a WeCom failure with 502 and its errcode, and busy with 503 and Retry-After', async () => {
    s.emulator.failNext('upload_attachment', 40004);
    const failed = await supertest(url).post(ALBUM).attach('media', png, 'a.png');
    expect(failed.status).toBe(502);
    expect(failed.body).toMatchObject({ errcode: 40004 });
    s.emulator.failNext('upload_attachment', 45009);
    const limited = await supertest(url).post(ALBUM).attach('media', png, 'a.png');
    expect(limited.status).toBe(503);
    expect(limited.headers['retry-after']).toBe('60');
  });

  it('refuses a file over the largest rule with 413, before WeCom hears of it', async () => {
    const big = Buffer.concat([png, Buffer.alloc(10 * 1024 * 1024)]);
    const res = await supertest(url).post(ALBUM).attach('media', big, 'big.png');
    expect(res.status).toBe(413);
    expect(s.emulator.uploads).toHaveLength(0);
  });

  it('stops the WeCom call when the client leaves (@ClientAbortSignal)', async () => {
    expect((await supertest(url).post(ALBUM).attach('media', png, 'warm.png')).status).toBe(201);
    s.emulator.setDelay(600_000);
    const { body, contentType } = buildMultipart(png, 'leave.png', 'image/png');
    const req = request(`${url}${ALBUM}`, {
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
});
