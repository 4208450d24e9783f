import {
  Controller,
  Post,
  UploadedFile,
  UploadedFiles,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { readdir } from 'node:fs/promises';
import supertest from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AttachmentFileInterceptor,
  AttachmentFilesInterceptor,
  AttachmentQuery,
  AttachmentQueryInterceptor,
  AttachmentService,
  AttachmentType,
  MediaType,
  ProductAlbumService,
  WecomErrorFilter,
  WecomMediaModule,
} from '../../lib/index.js';
import { bootRootApp, emulatorSuite, type HttpTestApp } from '../helpers/wecom-test-app.js';
import { fixture } from '../helpers/fixtures.js';
import { scratchDir } from '../helpers/scratch-dir.js';

const MiB = 1024 * 1024;

// AttachmentFileInterceptor('media', { fit: true }) receives past the rules' size only what the
// query says is an image: the URL is read before the body, a part's Content-Type is the client's
// word. Anything else is cut off at the rules' size, early, with 413.

/** A handler that fits per call, the media type from the query. */
@Controller('fitting')
@UseFilters(WecomErrorFilter)
class FittingController {
  constructor(private readonly attachments: AttachmentService) {}

  @Post()
  @UseInterceptors(AttachmentQueryInterceptor, AttachmentFileInterceptor('media', { fit: true }))
  async upload(
    @AttachmentQuery() query: AttachmentQuery,
    @UploadedFile() file: Express.Multer.File,
  ) {
    const { mediaId, fitted } = await this.attachments.upload({ file, ...query, fit: true });
    return { mediaId, fitted };
  }
}

/** A handler that fits per call and names the media type itself: the query says nothing. */
@Controller('covers')
@UseFilters(WecomErrorFilter)
class CoversController {
  constructor(private readonly attachments: AttachmentService) {}

  @Post()
  @UseInterceptors(AttachmentFileInterceptor('media', { fit: true }))
  async upload(@UploadedFile() file: Express.Multer.File) {
    const { mediaId } = await this.attachments.upload({
      file,
      mediaType: MediaType.Image,
      attachmentType: AttachmentType.ProductAlbum,
      fit: true,
    });
    return { mediaId };
  }
}

/** A photos endpoint: the route says image, so fitting's size applies to each of its files. */
@Controller('albums')
@UseFilters(WecomErrorFilter)
class AlbumsController {
  constructor(private readonly albums: ProductAlbumService) {}

  @Post()
  @UseInterceptors(
    AttachmentFilesInterceptor('photos', 9, { fit: true, mediaType: MediaType.Image }),
  )
  async create(@UploadedFiles() photos: Express.Multer.File[]) {
    const { productId, attachments } = await this.albums.create({
      description: 'noise',
      priceFen: 100,
      images: photos,
      fit: true,
    });
    return { productId, fitted: attachments.map((a) => a.fitted?.sent.bytes) };
  }
}

/** A real MP4 (ftyp, moov, mdat) grown to `bytes` by a trailing `free` box. */
function paddedMp4(bytes: number): Buffer {
  const clip = fixture('clip-faststart.mp4');
  const free = Buffer.alloc(bytes - clip.length);
  free.writeUInt32BE(free.length, 0);
  free.write('free', 4, 'latin1');
  return Buffer.concat([clip, free]);
}

describe("AttachmentFileInterceptor('media', { fit: true }): past the rules' size only for media_type=image", () => {
  const s = emulatorSuite({ app: false });
  const temp = scratchDir();
  let app: HttpTestApp;
  beforeEach(async () => {
    app = await bootRootApp(
      {
        imports: [
          WecomMediaModule.forRoot({
            corpId: s.emulator.corpId,
            corpSecret: s.emulator.corpSecret,
            baseUrl: s.emulator.url,
            tempDir: temp.path,
          }),
        ],
        controllers: [FittingController, CoversController, AlbumsController],
      },
      { listen: true },
    );
  });
  afterEach(() => app.close());

  /** Every file left under the module's temp dir. */
  const leftovers = async () =>
    (await readdir(temp.path, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => e.name);

  it('refuses a 12 MiB MP4 for media_type=video with an early 413 at the video limit, and leaves no temp file', async () => {
    const video = paddedMp4(12 * MiB);
    const res = await supertest(app.url)
      .post('/fitting?media_type=video&attachment_type=1')
      .attach('media', video, 'clip.mp4');
    expect(res.status).toBe(413);
    // The spool's cut-off: the rules' 10 MiB, not fit.maxInputBytes (50 MiB).
    expect(res.body.violations).toEqual([
      expect.objectContaining({ rule: 'max-size', limit: 10 * MiB }),
    ]);
    expect(await leftovers()).toEqual([]);
    expect(s.emulator.uploads).toHaveLength(0);
  });

  it('still receives a 12 MiB image for media_type=image, and sends it fitted', async () => {
    const { noisyPng } = await import('../helpers/images.js');
    const big = await noisyPng(12 * MiB);
    const res = await supertest(app.url)
      .post('/fitting?media_type=image&attachment_type=2')
      .attach('media', big, 'noise.png');
    expect(res.status).toBe(201);
    expect(res.body.fitted.sent.bytes).toBeLessThanOrEqual(10 * MiB);
    expect(await leftovers()).toEqual([]);
  }, 60_000);

  it('without media_type=image in the query, receives at the rules\u2019 size: an image named only by the handler gets 413', async () => {
    const video = paddedMp4(12 * MiB);
    const res = await supertest(app.url).post('/covers').attach('media', video, 'cover.png');
    expect(res.status).toBe(413);
    expect(res.body.violations).toEqual([
      expect.objectContaining({ rule: 'max-size', limit: 10 * MiB }),
    ]);
    // A small one passes: the limit is the rules', not a refusal of the route.
    const { makePng } = await import('../helpers/media-bytes.mjs');
    const small = await supertest(app.url)
      .post('/covers')
      .attach('media', makePng(64, 64), 'cover.png');
    expect(small.status).toBe(201);
    expect(await leftovers()).toEqual([]);
  });

  it('a photos route (mediaType: image) receives a 12 MiB photo among others and the album gets it fitted', async () => {
    const { noisyPng } = await import('../helpers/images.js');
    const { makePng } = await import('../helpers/media-bytes.mjs');
    const res = await supertest(app.url)
      .post('/albums')
      .attach('photos', await noisyPng(12 * MiB), 'noise.png')
      .attach('photos', makePng(64, 64), 'small.png');
    expect(res.status).toBe(201);
    expect(res.body.fitted[0]).toBeLessThanOrEqual(10 * MiB);
    expect(await leftovers()).toEqual([]);
    // A video on that route is cut at fitting's size, never sent: the service judges it an image.
    const video = await supertest(app.url)
      .post('/albums')
      .attach('photos', paddedMp4(12 * MiB), 'a.mp4');
    expect(video.status).toBe(400);
    expect(await leftovers()).toEqual([]);
  }, 60_000);
});
