import { describe, expect, it } from 'vitest';
import {
  describe as describeImage,
  GPS_MARKER,
  p3Photo,
  hasIccProfile,
  transparentPng,
} from '../helpers/images.js';
import { bootApp, emulatorSuite } from '../helpers/wecom-test-app.js';
import { fitImages, image, moment, received } from './fit-images.js';

// Images for moments, brought within its edges: scaled, turned upright, their colours kept.
const files = fitImages('photo', 'sideways', 'tall');

describe('fit: images that break a rule are made to pass', () => {
  const s = emulatorSuite({ app: { fit: true }, emulator: { keepUploads: true } });

  it('a 12 MP phone photo for moments: scaled to a short edge of 1080, same aspect, no GPS', async () => {
    const result = await s.app.service.upload({
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
    await s.app.service.upload({
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
    const result = await s.app.service.upload({
      file: files.tall,
      filename: 'long.png',
      mediaType: image,
      attachmentType: moment,
    });
    const arrived = await describeImage(received(s.emulator.uploads).content);
    expect(arrived).toMatchObject({ format: 'png', width: 900, height: 10_800 });
    expect(result.fitted?.sent).toMatchObject({ format: 'png', width: 900, height: 10_800 });
  });

  it('a PNG with transparency, too wide for moments, stays a transparent PNG', async () => {
    const wide = await transparentPng(2400, 1200);
    const result = await s.app.service.upload({
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
    await s.app.service.upload({
      file: await p3Photo(4032, 3024),
      filename: 'p3.jpg',
      mediaType: image,
      attachmentType: moment,
    });
    expect(await hasIccProfile(received(s.emulator.uploads).content)).toBe(true);
  });

  it("scales to the configured moments edges, not WeCom's defaults", async () => {
    await s.app.close();
    s.app = await bootApp(s.emulator, {
      fit: true,
      rules: { momentImage: { maxShortEdge: 720, maxLongEdge: 2000 } },
    });
    const result = await s.app.service.upload({
      file: files.photo,
      filename: 'p.jpg',
      mediaType: image,
      attachmentType: moment,
    });
    expect(result.fitted?.sent).toMatchObject({ width: 960, height: 720 });
  });
});
