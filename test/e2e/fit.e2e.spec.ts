import { createHash, randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { Readable } from 'node:stream';
import supertest from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { AttachmentRuleError, AttachmentType, MediaType } from '../../lib/index.js';
import type { RecordedUpload } from '../../lib/testing/index.js';
import { emulatorSuite } from '../helpers/emulator-suite.js';
import {
  avifOf,
  decodeBomb,
  describe as describeImage,
  gifOf,
  GPS_MARKER,
  noisyPng,
  phonePhoto,
  pngOf,
  tiffOf,
  animatedGif,
  hasIccProfile,
  p3Photo,
  transparentPng,
  transparentWebp,
  webpOf,
} from '../helpers/images.js';
import { makeMp4 } from '../helpers/media-bytes.mjs';
import { bootApp } from '../helpers/testing-app.js';

const MiB = 1024 * 1024;
const moment = AttachmentType.Moment;
const album = AttachmentType.ProductAlbum;
const image = MediaType.Image;
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The images of the issue, made once for the file. */
const files = {} as Record<
  | 'photo'
  | 'sideways'
  | 'tall'
  | 'webp'
  | 'gif'
  | 'avif'
  | 'tiff'
  | 'transparent'
  | 'transparentPng'
  | 'noisy',
  Buffer
>;
beforeAll(async () => {
  files.photo = await phonePhoto(4032, 3024);
  files.sideways = await phonePhoto(4032, 3024, 6); // a 3024 × 4032 photo, stored on its side
  files.tall = await pngOf(1000, 12_000);
  files.webp = await webpOf(800, 600);
  files.gif = await gifOf(640, 480);
  files.avif = await avifOf(640, 480);
  files.tiff = await tiffOf(640, 480);
  files.transparent = await transparentWebp(400, 300);
  files.transparentPng = await transparentPng(400, 300);
  files.noisy = await noisyPng(12 * MiB);
}, 120_000);

/** What WeCom received last, bytes included. */
function received(uploads: readonly { upload?: RecordedUpload; errcode?: number }[]): {
  content: Buffer;
  filename?: string;
  errcode?: number;
} {
  const last = uploads.at(-1);
  return {
    content: last?.upload?.content ?? Buffer.alloc(0),
    filename: last?.upload?.filename,
    errcode: last?.errcode,
  };
}

describe('fit: images that break a rule are made to pass', () => {
  const s = emulatorSuite({ app: { fit: true }, emulator: { keepUploads: true } });

  it('a 12 MP phone photo for moments: scaled to a short edge of 1080, same aspect, no GPS', async () => {
    const result = await s.t.service.upload({
      file: files.photo,
      filename: '春季新品.jpg',
      mediaType: image,
      attachmentType: moment,
    });
    const sent = received(s.emulator.uploads);
    expect(sent.errcode).toBe(0); // WeCom's own checks agree
    expect(sent.filename).toBe('春季新品.jpg');
    const arrived = await describeImage(sent.content);
    expect(arrived).toMatchObject({ format: 'jpeg', width: 1440, height: 1080, hasExif: false });
    expect(
      Math.abs(arrived.width / arrived.height - 4032 / 3024) * arrived.height,
    ).toBeLessThanOrEqual(1);
    expect(sent.content.includes(GPS_MARKER)).toBe(false);
    expect(files.photo.includes(GPS_MARKER)).toBe(true); // the test image did carry it
    expect(result.fitted).toEqual({
      original: { format: 'jpeg', width: 4032, height: 3024, bytes: files.photo.length },
      sent: { format: 'jpeg', width: 1440, height: 1080, bytes: sent.content.length },
    });
  });

  it('a photo stored sideways (EXIF orientation 6) arrives upright: portrait', async () => {
    await s.t.service.upload({
      file: files.sideways,
      filename: 'p.jpg',
      mediaType: image,
      attachmentType: moment,
    });
    const arrived = await describeImage(received(s.emulator.uploads).content);
    expect(arrived).toMatchObject({ width: 1080, height: 1440 });
    expect(arrived.orientation ?? 1).toBe(1);
  });

  it('a 1000 × 12000 PNG for moments: the long edge brought to 10800, still a PNG', async () => {
    const result = await s.t.service.upload({
      file: files.tall,
      filename: 'long.png',
      mediaType: image,
      attachmentType: moment,
    });
    const arrived = await describeImage(received(s.emulator.uploads).content);
    expect(arrived).toMatchObject({ format: 'png', width: 900, height: 10_800 });
    expect(result.fitted?.sent).toMatchObject({ format: 'png', width: 900, height: 10_800 });
  });

  for (const [what, key, name] of [
    ['a WebP', 'webp', 'shoe.webp'],
    ['a GIF (its first frame)', 'gif', 'shoe.gif'],
    ['an AVIF', 'avif', 'shoe.avif'],
    ['a TIFF', 'tiff', 'shoe.tiff'],
  ] as const) {
    it(`${what} for the album arrives as a JPEG named .jpg`, async () => {
      const result = await s.t.service.upload({
        file: files[key],
        filename: name,
        mediaType: image,
        attachmentType: album,
      });
      const sent = received(s.emulator.uploads);
      expect(sent.errcode).toBe(0);
      expect(sent.filename).toBe('shoe.jpg');
      expect(await describeImage(sent.content)).toMatchObject({
        format: 'jpeg',
        width: result.fitted?.original.width,
      });
    });
  }

  it('a transparent image stays transparent: a PNG', async () => {
    await s.t.service.upload({
      file: files.transparent,
      filename: 'logo.webp',
      mediaType: image,
      attachmentType: album,
    });
    const sent = received(s.emulator.uploads);
    expect(sent.filename).toBe('logo.png');
    expect(await describeImage(sent.content)).toMatchObject({ format: 'png', hasAlpha: true });
  });

  it('a 12 MiB noisy PNG is re-encoded under 10 MiB (a JPEG: it is opaque)', async () => {
    const result = await s.t.service.upload({
      file: files.noisy,
      filename: 'noise.png',
      mediaType: image,
      attachmentType: album,
    });
    const sent = received(s.emulator.uploads);
    expect(sent.errcode).toBe(0);
    expect(sent.content.length).toBeLessThanOrEqual(10 * MiB);
    expect(result.fitted?.sent.format).toBe('jpeg');
    expect(result.fitted?.original.bytes).toBeGreaterThan(12 * MiB);
  });

  it('a stream of an image over the limit is spooled as far as fitting takes, then fitted', async () => {
    const result = await s.t.service.upload({
      file: Readable.from([files.noisy]),
      filename: 'noise.png',
      mediaType: image,
      attachmentType: album,
    });
    expect(received(s.emulator.uploads).content.length).toBeLessThanOrEqual(10 * MiB);
    expect(result.fitted?.original.bytes).toBe(files.noisy.length);
  });

  it('an image over fit.maxInputBytes keeps its max-size violation, which names that limit', async () => {
    const violations = await s.t.service.check({
      file: files.noisy,
      filename: 'noise.png',
      mediaType: image,
      attachmentType: album,
      fit: { maxInputBytes: 11 * MiB },
    });
    expect(violations).toMatchObject([
      { rule: 'max-size', limit: 11 * MiB, actual: files.noisy.length },
    ]);
    expect(violations[0]?.message).toBe(
      `images to be fitted may be at most 11 MiB (11534336 bytes); this one is ${files.noisy.length} bytes: send a smaller image`,
    );
    expect(s.emulator.uploads).toHaveLength(0);
  });

  it('a PNG with transparency, too wide for moments, stays a transparent PNG', async () => {
    const wide = await transparentPng(2400, 1200);
    const result = await s.t.service.upload({
      file: wide,
      filename: 'logo.png',
      mediaType: image,
      attachmentType: moment,
    });
    const arrived = await describeImage(received(s.emulator.uploads).content);
    expect(arrived).toMatchObject({ format: 'png', width: 2160, height: 1080, hasAlpha: true });
    expect(result.fitted?.sent.format).toBe('png');
  });

  it('keeps the colour profile of what it re-encodes (a Display P3 photo stays P3)', async () => {
    await s.t.service.upload({
      file: await p3Photo(4032, 3024),
      filename: 'p3.jpg',
      mediaType: image,
      attachmentType: moment,
    });
    expect(await hasIccProfile(received(s.emulator.uploads).content)).toBe(true);
  });

  it("scales to the configured moments edges, not WeCom's defaults", async () => {
    await s.t.close();
    s.t = await bootApp(s.emulator, {
      fit: true,
      rules: { momentImage: { maxShortEdge: 720, maxLongEdge: 2000 } },
    });
    const result = await s.t.service.upload({
      file: files.photo,
      filename: 'p.jpg',
      mediaType: image,
      attachmentType: moment,
    });
    expect(result.fitted?.sent).toMatchObject({ width: 960, height: 720 });
  });

  it('an animated GIF: its first frame, not a strip of every frame', async () => {
    await s.t.service.upload({
      file: await animatedGif(200, 100, 3),
      filename: 'anim.gif',
      mediaType: image,
      attachmentType: album,
    });
    expect(await describeImage(received(s.emulator.uploads).content)).toMatchObject({
      format: 'jpeg',
      width: 200,
      height: 100,
    });
  });

  it('steps the JPEG quality down until the image fits (the first that fits is sent)', async () => {
    const noise = await sharp(randomBytes(600 * 600 * 3), {
      raw: { width: 600, height: 600, channels: 3 },
    })
      .png()
      .toBuffer();
    const at = async (quality: number) =>
      (await sharp(noise).jpeg({ quality, mozjpeg: true }).toBuffer()).length;
    const [at95, at30] = [await at(95), await at(30)];
    const maxBytes = Math.round((at95 + at30) / 2); // 95 is too large, 30 fits
    await s.t.close();
    s.t = await bootApp(s.emulator, {
      fit: { jpegQualities: [95, 30] },
      rules: { mediaTypes: { image: { maxBytes } } },
    });
    const result = await s.t.service.upload({
      file: noise,
      filename: 'noise.png',
      mediaType: image,
      attachmentType: album,
    });
    expect(result.fitted?.sent).toMatchObject({ format: 'jpeg', bytes: at30 });
  });

  it('a file that already passes is sent byte for byte', async () => {
    const small = await pngOf(800, 600);
    const result = await s.t.service.upload({
      file: small,
      filename: 'ok.png',
      mediaType: image,
      attachmentType: moment,
    });
    expect(sha256(received(s.emulator.uploads).content)).toBe(sha256(small));
    expect(result.fitted).toBeUndefined();
  });

  it('a decode bomb is refused by its declared size, before any decoding', async () => {
    const error = await s.t.service
      .upload({
        file: decodeBomb(),
        filename: 'bomb.png',
        mediaType: image,
        attachmentType: moment,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AttachmentRuleError);
    expect((error as AttachmentRuleError).violations).toMatchObject([
      { rule: 'image-pixels', limit: 50_000_000, actual: 2_500_000_000 },
    ]);
    expect(s.emulator.uploads).toHaveLength(0);
    const checked = await s.t.service.check({
      file: decodeBomb(),
      filename: 'bomb.png',
      mediaType: image,
      attachmentType: moment,
    });
    expect(checked.map((v) => v.rule)).toEqual(['image-pixels']);
  });

  it('videos are not transcoded: a long one keeps its violation, with the ffmpeg line', async () => {
    const violations = await s.t.service.check({
      file: makeMp4({ duration: 31_000n }),
      filename: 'clip.mp4',
      mediaType: MediaType.Video,
      attachmentType: moment,
    });
    expect(violations).toMatchObject([{ rule: 'moment-video-duration' }]);
    expect(violations[0]?.message).toContain(
      'ffmpeg -i in.mp4 -t 29.9 -c:v libx264 -c:a aac out.mp4',
    );
  });

  it('HEIC this sharp cannot decode: a violation that says so', async () => {
    const heic = makeMp4({ duration: 1000n, major: 'heic', compatible: ['mif1', 'heic'] });
    const violations = await s.t.service.check({
      file: heic,
      filename: 'IMG_0001.HEIC',
      mediaType: image,
      attachmentType: album,
    });
    expect(violations).toMatchObject([{ rule: 'format', actual: 'HEIC' }]);
    expect(violations[0]?.message).toContain("this server's sharp cannot decode");
  });

  it('check({ fit }) reports only what fitting cannot repair', async () => {
    const phone = {
      file: files.photo,
      filename: 'p.jpg',
      mediaType: image,
      attachmentType: moment,
    };
    expect(await s.t.service.check(phone)).toEqual([]);
    expect((await s.t.service.check({ ...phone, fit: false })).map((v) => v.rule)).toEqual([
      'moment-image-short-edge',
    ]);
    const video = await s.t.service.check({ ...phone, file: makeMp4({ duration: 1000n }) });
    expect(video.map((v) => v.rule)).toEqual(['media-type-mismatch']);
    expect(s.emulator.uploads).toHaveLength(0);
  });

  it('the media-id cache keys on the original bytes and the fit: a repeat is neither fitted nor sent', async () => {
    await s.t.close(); // a fresh app, with the cache on
    s.t = await bootApp(s.emulator, { fit: true, mediaCache: true });
    const photo = {
      file: files.photo,
      filename: 'p.jpg',
      mediaType: image,
      attachmentType: moment,
    };
    const first = await s.t.service.upload(photo);
    const second = await s.t.service.upload({ ...photo, file: Buffer.from(files.photo) });
    expect(second).toEqual({ ...first, reused: true });
    expect(s.emulator.uploads).toHaveLength(1);
    await s.t.service.upload({ ...photo, fit: { jpegQualities: [70] } }); // other fit settings
    expect(s.emulator.uploads).toHaveLength(2);
  });
});

describe('without fit, every one of them is refused as before, and nothing is sent', () => {
  const s = emulatorSuite({ app: {} });

  it('refuses them all, with exactly the violations of a module that never heard of fit', async () => {
    const cases: Array<[Buffer, AttachmentType, string[]]> = [
      [files.photo, moment, ['moment-image-short-edge']],
      [files.sideways, moment, ['moment-image-short-edge']],
      [files.tall, moment, ['moment-image-long-edge']],
      [files.webp, album, ['format']],
      [files.gif, album, ['format']],
      [files.avif, album, ['format']],
      [files.tiff, album, ['format']],
      [files.transparent, album, ['format']],
      [files.noisy, album, ['max-size']],
    ];
    for (const [file, attachmentType, rules] of cases) {
      const input = { file, filename: 'x', mediaType: image, attachmentType };
      const checked = await s.t.service.check(input);
      expect(checked.map((v) => v.rule)).toEqual(rules);
      const error = await s.t.service.upload(input).catch((e: unknown) => e);
      expect((error as AttachmentRuleError).violations).toEqual(checked);
    }
    expect(s.emulator.uploads).toHaveLength(0);
  });

  it('a call may ask for fit when the module does not', async () => {
    const result = await s.t.service.upload({
      file: files.photo,
      filename: 'p.jpg',
      mediaType: image,
      attachmentType: moment,
      fit: true,
    });
    expect(result.fitted?.sent).toMatchObject({ width: 1440, height: 1080 });
  });
});

describe('fit through the built-in controller', () => {
  const s = emulatorSuite({ http: true, app: { fit: true } });

  it('answers 201 with what was fitted', async () => {
    const res = await supertest(s.h.url)
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
    const res = await supertest(s.h.url)
      .post('/wecom/attachments?media_type=image&attachment_type=2')
      .attach('media', files.noisy, 'noise.png');
    expect(res.status).toBe(201);
    expect(res.body.fitted.sent.bytes).toBeLessThanOrEqual(10 * MiB);
    expect(received(s.emulator.uploads).content.length).toBe(res.body.fitted.sent.bytes);
  });

  it('still cuts a video off at the rules’ 10 MiB: 413', async () => {
    const res = await supertest(s.h.url)
      .post('/wecom/attachments?media_type=video&attachment_type=1')
      .attach('media', files.noisy, 'clip.mp4');
    expect(res.status).toBe(413);
    expect(res.body.violations).toMatchObject([{ rule: 'max-size', limit: 10 * MiB }]);
  });

  it('cuts an image off at fit.maxInputBytes: 413 naming it', async () => {
    const res = await supertest(s.h.url)
      .post('/wecom/attachments?media_type=image&attachment_type=2')
      .attach('media', Buffer.concat([files.noisy, Buffer.alloc(2 * MiB)]), 'big.png');
    expect(res.status).toBe(413);
    expect(res.body.violations).toMatchObject([{ rule: 'max-size', limit: 13 * MiB }]);
    expect(s.emulator.uploads).toHaveLength(0);
  });
});
