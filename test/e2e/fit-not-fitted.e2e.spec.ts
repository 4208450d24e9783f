import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AttachmentRuleError, MediaType } from '../../lib/index.js';
import { decodeBomb, pngOf } from '../helpers/images.js';
import { makeMp4 } from '../helpers/media-bytes.mjs';
import { bootApp, emulatorSuite } from '../helpers/wecom-test-app.js';
import { album, fitImages, image, moment, received } from './fit-images.js';

// With fit on, what is not fitted: a file that passes, a decode bomb, a video, an undecodable
// HEIC, a check's report, and a repeat the media-id cache answers.
const files = fitImages('photo');
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('fit: images that break a rule are made to pass', () => {
  const s = emulatorSuite({ app: { fit: true }, emulator: { keepUploads: true } });

  it('a file that already passes is sent byte for byte', async () => {
    const small = await pngOf(800, 600);
    const result = await s.app.service.upload({
      file: small,
      filename: 'ok.png',
      mediaType: image,
      attachmentType: moment,
    });
    expect(sha256(received(s.emulator.uploads).content)).toBe(sha256(small));
    expect(result.fitted).toBeUndefined();
  });

  it('a decode bomb is refused by its declared size, before any decoding', async () => {
    const error = await s.app.service
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
    const checked = await s.app.service.check({
      file: decodeBomb(),
      filename: 'bomb.png',
      mediaType: image,
      attachmentType: moment,
    });
    expect(checked.map((v) => v.rule)).toEqual(['image-pixels']);
  });

  it('videos are not transcoded: a long one keeps its violation, with the ffmpeg line', async () => {
    const violations = await s.app.service.check({
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
    const violations = await s.app.service.check({
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
    expect(await s.app.service.check(phone)).toEqual([]);
    expect((await s.app.service.check({ ...phone, fit: false })).map((v) => v.rule)).toEqual([
      'moment-image-short-edge',
    ]);
    const video = await s.app.service.check({ ...phone, file: makeMp4({ duration: 1000n }) });
    expect(video.map((v) => v.rule)).toEqual(['media-type-mismatch']);
    expect(s.emulator.uploads).toHaveLength(0);
  });

  it('the media-id cache keys on the original bytes and the fit: a repeat is neither fitted nor sent', async () => {
    await s.app.close(); // a fresh app, with the cache on
    s.app = await bootApp(s.emulator, { fit: true, mediaCache: true });
    const photo = {
      file: files.photo,
      filename: 'p.jpg',
      mediaType: image,
      attachmentType: moment,
    };
    const first = await s.app.service.upload(photo);
    const second = await s.app.service.upload({ ...photo, file: Buffer.from(files.photo) });
    expect(second).toEqual({ ...first, reused: true });
    expect(s.emulator.uploads).toHaveLength(1);
    await s.app.service.upload({ ...photo, fit: { jpegQualities: [70] } }); // other fit settings
    expect(s.emulator.uploads).toHaveLength(2);
  });
});
