import { describe, expect, it } from 'vitest';
import type { AttachmentRuleError, AttachmentType } from '../../lib/index.js';
import { emulatorSuite } from '../helpers/wecom-test-app.js';
import { album, fitImages, image, moment } from './fit-images.js';

const files = fitImages(
  'photo',
  'sideways',
  'tall',
  'webp',
  'gif',
  'avif',
  'tiff',
  'transparent',
  'noisy',
);

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
      const checked = await s.app.service.check(input);
      expect(checked.map((v) => v.rule)).toEqual(rules);
      const error = await s.app.service.upload(input).catch((e: unknown) => e);
      expect((error as AttachmentRuleError).violations).toEqual(checked);
    }
    expect(s.emulator.uploads).toHaveLength(0);
  });

  it('a call may ask for fit when the module does not', async () => {
    const result = await s.app.service.upload({
      file: files.photo,
      filename: 'p.jpg',
      mediaType: image,
      attachmentType: moment,
      fit: true,
    });
    expect(result.fitted?.sent).toMatchObject({ width: 1440, height: 1080 });
  });
});
