// Hostile review of issue 22: the several-files interceptor, secrets and media_ids given as they are.
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
import { mkdtemp, readdir, rm } from 'node:fs/promises';
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
  WecomErrorFilter,
  WecomMediaModule,
} from '../../lib/index.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { bootRootApp, emulatorSuite, type HttpTestApp } from '../helpers/wecom-test-app.js';

@Controller('admin')
@UseFilters(WecomErrorFilter)
class MomentsController {
  constructor(private readonly moments: MomentService) {}
  @Post('moments')
  async publish(@Body() body: { text: string }) {
    return this.moments.publish({ text: body.text, waitMs: 300 });
  }
}

@Controller('admin')
@UseFilters(WecomErrorFilter)
class AlbumsController {
  constructor(private readonly albums: ProductAlbumService) {}
  @Post('albums')
  @UseInterceptors(AttachmentFilesInterceptor('photos'))
  async create(
    @Body(new ValidationPipe({ transform: true })) body: CreateProductAlbumDto,
    @UploadedFiles() photos: Express.Multer.File[],
    @ClientAbortSignal() signal: AbortSignal,
  ) {
    return this.albums.create({ ...body, images: photos, signal });
  }
}

describe('review 22: AttachmentFilesInterceptor', () => {
  const s = emulatorSuite({ app: false });
  let app: HttpTestApp;
  let tempDir: string;
  afterEach(async () => {
    await app.close();
    await rm(tempDir, { recursive: true, force: true });
  });
  const start = async () => {
    tempDir = await mkdtemp(join(tmpdir(), 'review22-http-'));
    @Module({
      imports: [
        WecomMediaModule.forRoot({
          corpId: s.emulator.corpId,
          corpSecret: s.emulator.corpSecret,
          baseUrl: s.emulator.url,
          tempDir,
          warmUp: false,
          locale: 'zh-CN',
        }),
      ],
      controllers: [AlbumsController, MomentsController],
    })
    class M {}
    app = await bootRootApp({ imports: [M] }, { listen: true });
  };
  const leftovers = async () =>
    (await readdir(tempDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());

  it('9 photos in the field and one in another field: 400 naming the stray field, nothing left', async () => {
    await start();
    let req = supertest(app.url)
      .post('/admin/albums')
      .field('description', 'd')
      .field('priceFen', '100');
    for (let n = 0; n < 9; n += 1) req = req.attach('photos', makePng(20 + n, 20), `p${n}.png`);
    req = req.attach('other', makePng(50, 50), 'x.png');
    const res = await req;
    expect(res.status).toBe(400);
    expect(res.body.violations?.[0]?.rule).toBe('file-unexpected');
    expect(JSON.stringify(res.body)).toContain('other');
    expect(await leftovers()).toEqual([]);
    expect(s.emulator.requests).toHaveLength(0);
  });

  it('a pending moment through WecomErrorFilter is no 5xx failure (a retry would publish twice): it says accepted, with the jobId, in the locale', async () => {
    await start();
    s.emulator.stallNextMomentTask(2);
    const res = await supertest(app.url).post('/admin/moments').send({ text: 'x' });
    expect(res.status).toBeLessThan(500);
    expect(res.body.jobId).toBe(s.emulator.moments[0]?.jobId);
    expect(res.body.message).not.toMatch(/did not finish within/);
  });

  it('a form price of "0x64" creates no album (read as 100 fen)', async () => {
    await start();
    const res = await supertest(app.url)
      .post('/admin/albums')
      .field('description', 'd')
      .field('priceFen', '0x64')
      .attach('photos', makePng(20, 20), 'a.png');
    expect(res.status).toBe(400);
  });
});

describe('review 22: secrets and given media_ids', () => {
  const s = emulatorSuite();
  const moments = (): MomentService => s.app.app.get(MomentService);

  it('a task result errmsg that echoes the token and the secret is redacted', async () => {
    await moments().publish({ text: 'warm' });
    const token = s.emulator.issuedTokens.at(-1) ?? '';
    expect(token).not.toBe('');
    s.emulator.answerNextWith('get_moment_task_result', {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        errcode: 0,
        status: 3,
        result: {
          errcode: 40058,
          errmsg: `bad access_token=${token} secret ${s.emulator.corpSecret}`,
        },
      }),
    });
    const error = (await moments()
      .publish({ text: 'x' })
      .catch((e: unknown) => e)) as Error;
    const all = `${error.message} ${JSON.stringify(error)} ${String(error.stack)}`;
    expect(all).not.toContain(token);
    expect(all).not.toContain(s.emulator.corpSecret);
  });

  it('an empty { mediaId } cover is refused, not silently dropped from the link', async () => {
    const error = await moments()
      .publish({ link: { title: 't', url: 'https://x.example', cover: { mediaId: '' } } })
      .catch((e: unknown) => e);
    expect(error?.constructor?.name).toBe('AttachmentRuleError');
    expect(s.emulator.callsOf('add_moment_task')).toHaveLength(0);
  });
});
