import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { animatedGif, describe as describeImage } from '../helpers/images.js';
import { bootApp, emulatorSuite } from '../helpers/wecom-test-app.js';
import { album, fitImages, image, MiB, received } from './fit-images.js';

// Images for the album: other formats converted, large ones re-encoded under the size limit.
const files = fitImages('webp', 'gif', 'avif', 'tiff', 'transparent', 'noisy');

describe('fit: images that break a rule are made to pass', () => {
  const s = emulatorSuite({ app: { fit: true }, emulator: { keepUploads: true } });

  it.each([
    ['a WebP', 'webp', 'shoe.webp'],
    ['a GIF (its first frame)', 'gif', 'shoe.gif'],
    ['an AVIF', 'avif', 'shoe.avif'],
    ['a TIFF', 'tiff', 'shoe.tiff'],
  ] as const)('%s for the album arrives as a JPEG named .jpg', async (_what, key, name) => {
    const result = await s.app.service.upload({
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

  it('a transparent image stays transparent: a PNG', async () => {
    await s.app.service.upload({
      file: files.transparent,
      filename: 'logo.webp',
      mediaType: image,
      attachmentType: album,
    });
    const sent = received(s.emulator.uploads);
    expect(sent.filename).toBe('logo.png');
    expect(await describeImage(sent.content)).toMatchObject({ format: 'png', hasAlpha: true });
  });

  it('an animated GIF: its first frame, not a strip of every frame', async () => {
    await s.app.service.upload({
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

  it('a 12 MiB noisy PNG is re-encoded under 10 MiB (a JPEG: it is opaque)', async () => {
    const result = await s.app.service.upload({
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
    const result = await s.app.service.upload({
      file: Readable.from([files.noisy]),
      filename: 'noise.png',
      mediaType: image,
      attachmentType: album,
    });
    expect(received(s.emulator.uploads).content.length).toBeLessThanOrEqual(10 * MiB);
    expect(result.fitted?.original.bytes).toBe(files.noisy.length);
  });

  it('an image over fit.maxInputBytes keeps its max-size violation, which names that limit', async () => {
    const violations = await s.app.service.check({
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

  it('steps the JPEG quality down until the image fits (the first that fits is sent)', async () => {
    const noise = await sharp(randomBytes(600 * 600 * 3), {
      raw: { width: 600, height: 600, channels: 3 },
    })
      .png()
      .toBuffer();
    const at = async (quality: number) =>
      (await sharp(noise).jpeg({ quality, optimiseCoding: false }).toBuffer()).length;
    const [at95, at30] = [await at(95), await at(30)];
    const maxBytes = Math.round((at95 + at30) / 2); // 95 is too large, 30 fits
    await s.app.close();
    s.app = await bootApp(s.emulator, {
      fit: { jpegQualities: [95, 30] },
      rules: { mediaTypes: { image: { maxBytes } } },
    });
    const result = await s.app.service.upload({
      file: noise,
      filename: 'noise.png',
      mediaType: image,
      attachmentType: album,
    });
    expect(result.fitted?.sent).toMatchObject({ format: 'jpeg', bytes: at30 });
  });
});
