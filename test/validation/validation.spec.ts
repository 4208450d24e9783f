import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadRequestException, ParseFilePipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AttachmentFileValidator,
  AttachmentType,
  MediaType,
  UploadAttachmentQueryDto,
  type MulterFileLike,
} from '../../lib/index.js';
import { fixture } from '../helpers/fixtures.js';
import { GIF_BYTES, makePng, padTo } from '../helpers/media-bytes.mjs';

async function errorsOf(query: Record<string, string>): Promise<string[]> {
  const dto = plainToInstance(UploadAttachmentQueryDto, query);
  const errors = await validate(dto);
  return errors.flatMap((e) => Object.values(e.constraints ?? {}));
}

describe('UploadAttachmentQueryDto', () => {
  it('accepts the allowed combinations and turns attachment_type into a number', async () => {
    for (const query of [
      { media_type: 'image', attachment_type: '1' },
      { media_type: 'video', attachment_type: '1' },
      { media_type: 'image', attachment_type: '2' },
    ]) {
      expect(await errorsOf(query)).toEqual([]);
    }
    expect(
      plainToInstance(UploadAttachmentQueryDto, { media_type: 'image', attachment_type: '2' })
        .attachment_type,
    ).toBe(2);
  });

  it('rejects forbidden combinations, naming them', async () => {
    expect(await errorsOf({ media_type: 'video', attachment_type: '2' })).toEqual([
      'product album (商品图册) attachments accept only image; got video: send an image, or send the video to moments instead (attachment_type=1)',
    ]);
    expect(await errorsOf({ media_type: 'file', attachment_type: '1' })).toEqual([
      'moments (朋友圈) attachments accept only image or video; got file: send an image or a video',
    ]);
  });

  it('rejects unknown values and missing fields', async () => {
    expect(await errorsOf({ media_type: 'voice', attachment_type: '3' })).toEqual([
      'media_type must be one of image, video, file; got "voice": use one of them',
      'attachment_type must be 1 (moments) or 2 (product album); got 3: use 1 or 2',
    ]);
    expect(await errorsOf({})).toHaveLength(2);
  });
});

describe('AttachmentFileValidator', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wecom-validator-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const memory = (buffer: Buffer, originalname = 'a.png'): MulterFileLike => ({
    originalname,
    buffer,
    size: buffer.length,
    mimetype: 'image/png',
  });

  it('passes a good file held in memory and one on disk', async () => {
    const validator = new AttachmentFileValidator({ attachmentType: AttachmentType.Moment });
    expect(await validator.isValid(memory(makePng(100, 100)))).toBe(true);
    const path = join(dir, 'clip.mp4');
    await writeFile(path, fixture('clip-faststart.mp4'));
    expect(
      await validator.isValid({ originalname: 'clip.mp4', path, size: 0, mimetype: 'video/mp4' }),
    ).toBe(true);
  });

  it('reads the bytes, not the mimetype: a GIF labelled image/png fails, with the reason', async () => {
    const validator = new AttachmentFileValidator();
    const gif = memory(GIF_BYTES, 'fake.png');
    expect(await validator.isValid(gif)).toBe(false);
    expect(validator.buildErrorMessage(gif)).toBe(
      'attachments must be JPEG, PNG, MP4; the bytes are GIF: convert it to one of them',
    );
    // An MP4 for the album breaks the same rule whether the media type is named or not.
    const album = new AttachmentFileValidator({ attachmentType: AttachmentType.ProductAlbum });
    const named = new AttachmentFileValidator({
      attachmentType: AttachmentType.ProductAlbum,
      mediaType: MediaType.Video,
    });
    const clip = memory(fixture('clip-faststart.mp4'));
    const expected = [
      {
        rule: 'attachment-media-type',
        message:
          'product album (商品图册) attachments accept only image; got video: send an image, or send the video to moments instead (attachment_type=1)',
      },
    ];
    expect(await album.check(clip)).toMatchObject(expected);
    expect(await named.check(clip)).toMatchObject(expected);
  });

  it('speaks Chinese with locale zh-CN, and refuses a locale it does not know', async () => {
    const validator = new AttachmentFileValidator({ locale: 'zh-CN' });
    const gif = memory(GIF_BYTES, 'fake.png');
    expect(await validator.isValid(gif)).toBe(false);
    expect(validator.buildErrorMessage(gif)).toMatch(/^附件必须是 JPEG、PNG、MP4 格式/);
    expect(validator.buildErrorMessage({})).toBe('只能上传一个文件');
    expect(() => new AttachmentFileValidator({ locale: 'zh-cn' as 'zh-CN' })).toThrow(
      `AttachmentFileValidator: locale must be 'en' or 'zh-CN'; got "zh-cn"`,
    );
  });

  it('applies the rules of a fixed media and attachment type', async () => {
    const validator = new AttachmentFileValidator({
      mediaType: MediaType.Image,
      attachmentType: AttachmentType.Moment,
    });
    const wide = memory(makePng(1081, 1081));
    expect(await validator.isValid(wide)).toBe(false);
    expect(validator.buildErrorMessage(wide)).toBe(
      'moments images need a short edge of at most 1080 px; this PNG is 1081 × 1081 px: resize it to 1080 × 1080 or smaller',
    );
    expect(await validator.isValid(memory(GIF_BYTES))).toBe(false);
  });

  it('infers the media type from the bytes when none is fixed', async () => {
    const validator = new AttachmentFileValidator({ attachmentType: AttachmentType.Moment });
    const big = memory(padTo(makePng(10, 10), 10 * 1024 * 1024 + 1));
    expect(await validator.isValid(big)).toBe(false);
    expect(validator.buildErrorMessage(big)).toMatch(/^image files may be at most 10 MiB/);
    const wide = memory(makePng(2000, 2000));
    expect(await validator.isValid(wide)).toBe(false);
  });

  it('works inside ParseFilePipe', async () => {
    const pipe = new ParseFilePipe({
      validators: [
        new AttachmentFileValidator({
          mediaType: MediaType.Image,
          attachmentType: AttachmentType.ProductAlbum,
        }),
      ],
    });
    const good = memory(makePng(20, 20));
    await expect(pipe.transform(good)).resolves.toBe(good);
    const error = await pipe
      .transform(memory(fixture('clip-faststart.mp4')))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestException);
    expect((error as BadRequestException).message).toBe(
      'media_type image needs JPEG or PNG, but the bytes are MP4, which is a video: send it with media_type=video',
    );
  });
});
