import { describe, expect, it, vi } from 'vitest';
import { AttachmentType, MediaType, SharpMissingError } from '../../lib/index.js';
import { bootApp, emulatorSuite } from '../helpers/wecom-test-app.js';
import { makePng } from '../helpers/media-bytes.mjs';

// As in an app that did not install the optional peer: importing sharp fails.
vi.mock('sharp', () => {
  throw new Error("Cannot find package 'sharp' imported from nestjs-wecom-media");
});

const tooWide = makePng(2000, 1500);

describe('fit without sharp installed: an error that names npm i sharp, never a silent pass', () => {
  const s = emulatorSuite({ app: false });

  it('the module option fails the boot', async () => {
    const error = await bootApp(s.emulator, { fit: true }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('npm i sharp');
  });

  it('a call that asks for fit fails, naming npm i sharp; nothing is sent', async () => {
    const t = await bootApp(s.emulator);
    try {
      const input = {
        file: tooWide,
        filename: 'wide.png',
        mediaType: MediaType.Image,
        attachmentType: AttachmentType.Moment,
        fit: true,
      } as const;
      await expect(t.service.upload(input)).rejects.toThrow(/npm i sharp/);
      await expect(t.service.check(input)).rejects.toThrow(/npm i sharp/);
      expect(s.emulator.uploads).toHaveLength(0);
      // Even an image that needs no fitting: fit asked for without sharp is an error every time,
      // typed, so that it shows at the first call, not at the first phone photo.
      const fine = { ...input, file: makePng(800, 600) };
      await expect(t.service.upload(fine)).rejects.toBeInstanceOf(SharpMissingError);
      await expect(t.service.check(fine)).rejects.toBeInstanceOf(SharpMissingError);
      expect(s.emulator.uploads).toHaveLength(0);
      // Without fit, the module works as ever: the rule refuses the image.
      const violations = await t.service.check({ ...input, fit: false });
      expect(violations.map((v) => v.rule)).toEqual(['moment-image-short-edge']);
    } finally {
      await t.close();
    }
  });
});
