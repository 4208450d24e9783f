import {
  Body,
  Controller,
  Module,
  Post,
  UploadedFiles,
  UseFilters,
  UseInterceptors,
  ValidationPipe,
} from '@nestjs/common';
import { useContainer } from 'class-validator';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import supertest from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AttachmentFilesInterceptor,
  ClientAbortSignal,
  CreateProductAlbumDto,
  MomentService,
  ProductAlbumService,
  PublishMomentDto,
  WecomErrorFilter,
  WecomMediaModule,
  type Locale,
} from '../../lib/index.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { bootRootApp, emulatorSuite, type HttpTestApp } from '../helpers/wecom-test-app.js';

// docs/publishing.md's admin endpoint, as written there (and a link), with an album endpoint beside it:
// keep the two in step.
@Controller('admin')
@UseFilters(WecomErrorFilter)
class PublishingAdminController {
  constructor(
    private readonly moments: MomentService,
    private readonly albums: ProductAlbumService,
  ) {}

  /** POST /admin/moments: up to 9 photos in `photos`, and the text fields. */
  @Post('moments')
  @UseInterceptors(AttachmentFilesInterceptor('photos', 9, { minCount: 0 }))
  async publishMoment(
    @Body(new ValidationPipe({ transform: true })) body: PublishMomentDto,
    @UploadedFiles() photos: Express.Multer.File[],
    @ClientAbortSignal() signal: AbortSignal,
  ) {
    const { momentId, invalidSenders } = await this.moments.publish({
      ...(body.text === undefined ? {} : { text: body.text }),
      ...(body.link === undefined
        ? { images: photos }
        : { link: { ...body.link, cover: photos[0] } }),
      senders: { userIds: body.senderUserIds, departmentIds: body.senderDepartmentIds },
      ...(body.customerTagIds === undefined ? {} : { customerTagIds: body.customerTagIds }),
      signal,
    });
    return { momentId, invalidSenders };
  }

  /** POST /admin/albums: 1 to 9 photos in `photos`, the description, the price and the code. */
  @Post('albums')
  @UseInterceptors(AttachmentFilesInterceptor('photos'))
  async createAlbum(
    @Body(new ValidationPipe({ transform: true })) body: CreateProductAlbumDto,
    @UploadedFiles() photos: Express.Multer.File[],
    @ClientAbortSignal() signal: AbortSignal,
  ) {
    const { productId } = await this.albums.create({ ...body, images: photos, signal });
    return { productId };
  }
}

const photo = (n: number): Buffer => makePng(40 + n, 30 + n);

describe('an admin endpoint that takes up to 9 photos and publishes (AttachmentFilesInterceptor, DTOs)', () => {
  const s = emulatorSuite({ app: false });
  let app: HttpTestApp;
  let tempDir: string;

  async function start(locale: Locale = 'en'): Promise<void> {
    tempDir = await mkdtemp(join(tmpdir(), 'wecom-admin-'));
    @Module({
      imports: [
        WecomMediaModule.forRoot({
          corpId: s.emulator.corpId,
          corpSecret: s.emulator.corpSecret,
          baseUrl: s.emulator.url,
          tempDir,
          locale,
          warmUp: false,
        }),
      ],
      controllers: [PublishingAdminController],
    })
    class AdminModule {}
    app = await bootRootApp(
      { imports: [AdminModule] },
      {
        listen: true,
        // The DTOs' limits and words come from the module when class-validator uses Nest's container.
        beforeStart: (nest) => useContainer(nest.select(AdminModule), { fallbackOnErrors: true }),
      },
    );
  }
  const leftovers = async (): Promise<string[]> =>
    (await readdir(tempDir, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name);
  afterEach(async () => {
    await app.close();
    await rm(tempDir, { recursive: true, force: true });
  });

  it('publishes a moment of 3 photos (a Chinese name among them), its text and its senders', async () => {
    await start();
    const res = await supertest(app.url)
      .post('/admin/moments')
      .field('text', '春季新品上市')
      .field('senderUserIds', 'zhangsan, lisi')
      .field('senderDepartmentIds', '2')
      .attach('photos', photo(1), '新品.png')
      .attach('photos', photo(2), 'b.png')
      .attach('photos', photo(3), 'c.png');
    expect(res.status).toBe(201);
    expect(res.body.momentId).toBe(s.emulator.moments[0]?.momentId);
    expect(s.emulator.uploads.map((u) => u.upload?.filename).toSorted()).toEqual([
      'b.png',
      'c.png',
      '新品.png',
    ]);
    expect(s.emulator.moments[0]).toMatchObject({
      text: '春季新品上市',
      visibleRange: { sender_list: { user_list: ['zhangsan', 'lisi'], department_list: [2] } },
    });
    expect(await leftovers()).toEqual([]);
  });

  it('a text-only moment, and a link with its cover', async () => {
    await start();
    expect(
      (await supertest(app.url).post('/admin/moments').field('text', 'only words')).status,
    ).toBe(201);
    const link = await supertest(app.url)
      .post('/admin/moments')
      .field('link[title]', '新品')
      .field('link[url]', 'https://shop.example.com/a')
      .attach('photos', photo(4), 'cover.png');
    expect(link.status).toBe(201);
    expect(s.emulator.moments[1]?.attachments[0]).toMatchObject({
      msgtype: 'link',
      link: { title: '新品' },
    });
  });

  it('refuses a 10th photo with 400 file-count; nothing spooled stays, nothing is sent', async () => {
    await start();
    let req = supertest(app.url).post('/admin/moments').field('text', 'ten');
    for (let n = 0; n < 10; n += 1) req = req.attach('photos', photo(n), `p${n}.png`);
    const res = await req;
    expect(res.status).toBe(400);
    expect(res.body.violations).toEqual([
      expect.objectContaining({ rule: 'file-count', limit: 9, actual: '>9' }),
    ]);
    expect(await leftovers()).toEqual([]);
    expect(s.emulator.requests).toHaveLength(0);
  });

  it('refuses a 2,001-character text and a javascript: link in the module’s locale, and removes the photos', async () => {
    await start('zh-CN');
    const text = await supertest(app.url)
      .post('/admin/moments')
      .field('text', '字'.repeat(2001))
      .attach('photos', photo(5), 'a.png');
    expect(text.status).toBe(400);
    expect(text.body.message).toEqual([expect.stringMatching(/^朋友圈文本最多 2000 个字/)]);
    const link = await supertest(app.url)
      .post('/admin/moments')
      .field('link[title]', 't')
      .field('link[url]', 'javascript:alert(1)')
      .attach('photos', photo(6), 'a.png');
    expect(link.status).toBe(400);
    expect(JSON.stringify(link.body.message)).toContain('javascript:');
    expect(await leftovers()).toEqual([]);
    expect(s.emulator.requests).toHaveLength(0);
  });

  it('an album: a price of 0.5 or "abc" is refused; 19900 fen is an album', async () => {
    await start();
    const post = (price: string) =>
      supertest(app.url)
        .post('/admin/albums')
        .field('description', '连衣裙')
        .field('priceFen', price)
        .field('productSn', 'SKU1')
        .attach('photos', photo(7), 'a.png');
    for (const price of ['0.5', 'abc', '0']) {
      const res = await post(price);
      expect(res.status).toBe(400);
      expect(res.body.message).toEqual([expect.stringContaining('1')]);
    }
    expect(s.emulator.requests).toHaveLength(0);
    const ok = await post('19900');
    expect(ok.status).toBe(201);
    expect(s.emulator.albums[0]).toMatchObject({ productId: ok.body.productId, price: 19_900 });
    expect(await leftovers()).toEqual([]);
  });

  it('an album needs a photo: none is 400 file-missing', async () => {
    await start();
    const res = await supertest(app.url)
      .post('/admin/albums')
      .field('description', 'x')
      .field('priceFen', '100');
    expect(res.status).toBe(400);
    expect(res.body.violations[0]).toMatchObject({ rule: 'file-missing' });
  });

  it('a client that leaves while its photos upload: the publish is stopped, nothing published, no file left', async () => {
    await start();
    // The token first: the upload, not gettoken, is what the client leaves.
    expect((await supertest(app.url).post('/admin/moments').field('text', 'warm')).status).toBe(
      201,
    );
    s.emulator.setDelay(600_000);
    const boundary = 'b0undary';
    const part = (n: number) =>
      Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename="p${n}.png"\r\n` +
            'Content-Type: image/png\r\n\r\n',
        ),
        photo(n),
        Buffer.from('\r\n'),
      ]);
    const body = Buffer.concat([part(1), part(2), Buffer.from(`--${boundary}--\r\n`)]);
    const req = request(`${app.url}/admin/moments`, {
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': body.length,
      },
    });
    req.on('error', () => undefined);
    const calling = new Promise((resolve) => s.emulator.once('arrival', resolve));
    req.end(body);
    await calling;
    req.destroy();
    await s.emulator.waitFor((r) => r.closedByClient === true);
    s.emulator.setDelay(0);
    expect(s.emulator.callsOf('add_moment_task')).toHaveLength(1);
    await app.close();
    expect(await leftovers()).toEqual([]);
  });
});
