import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  AttachmentRuleError,
  AttachmentType,
  MediaType,
  type AttachmentInput,
} from '../../lib/index.js';
import { bootApp, emulatorSuite } from '../helpers/wecom-test-app.js';
import { fixture, fixturePath } from '../helpers/fixtures.js';
import {
  bigAppSegments,
  GIF_BYTES,
  makeJpeg,
  makeMp4,
  makePng,
  padTo,
} from '../helpers/media-bytes.mjs';
import { scratchDir } from '../helpers/scratch-dir.js';

const MiB = 1024 * 1024;
const moment = AttachmentType.Moment;
const album = AttachmentType.ProductAlbum;

describe('upload rules, enforced before anything is sent', () => {
  // The `file` media type is allowed on moments here (in the module and in the s.emulator) so that
  // the 5/6-byte boundary can be shown.
  const scratch = scratchDir();
  const s = emulatorSuite({
    emulator: { accepts: { '1': ['image', 'video', 'file'] } },
    app: () => ({
      tempDir: scratch.path,
      rules: { attachmentTypes: { [moment]: [MediaType.Image, MediaType.Video, MediaType.File] } },
    }),
  });

  /** Uploads, and says what happened: 'sent' (one request), or the broken rules (no request). */
  async function verdict(input: AttachmentInput): Promise<string[] | 'sent'> {
    const before = s.emulator.uploads.length;
    const outcome = await s.app.service.upload(input).then(
      () => 'sent' as const,
      (error: unknown) => error,
    );
    const sent = s.emulator.uploads.length - before;
    if (outcome === 'sent' && sent === 1) return 'sent';
    if (outcome instanceof AttachmentRuleError && sent === 0)
      return outcome.violations.map((v) => v.rule);
    return [`unexpected: ${String(outcome)} after ${sent} requests`];
  }

  const image = (file: Buffer, attachmentType = moment) =>
    verdict({ file, filename: 'f', mediaType: MediaType.Image, attachmentType });
  const video = (file: Buffer | string, attachmentType = moment) =>
    verdict({ file, filename: 'v.mp4', mediaType: MediaType.Video, attachmentType });

  it('exactly 10 MiB is sent; 10 MiB + 1 is refused', async () => {
    expect(await image(padTo(makePng(100, 100), 10 * MiB), album)).toBe('sent');
    expect(await image(padTo(makePng(100, 100), 10 * MiB + 1), album)).toEqual(['max-size']);
  });

  it('a stream over the limit is cut off while spooling and refused', async () => {
    const big = padTo(makePng(10, 10), 10 * MiB + 100);
    const chunks = Array.from({ length: 11 }, (_, i) => big.subarray(i * MiB, (i + 1) * MiB));
    const error = await s.app.service
      .upload({
        file: Readable.from(chunks),
        filename: 's.png',
        mediaType: MediaType.Image,
        attachmentType: album,
      })
      .catch((e: unknown) => e);
    expect((error as AttachmentRuleError).violations[0]?.message).toBe(
      'image files may be at most 10 MiB (10485760 bytes); this one is more than 10 MiB (10485760 bytes): compress it to at most 10 MiB (10485760 bytes)',
    );
    expect(s.emulator.uploads).toHaveLength(0);
  });

  it('6 bytes is sent; 5 bytes is refused', async () => {
    const file = (bytes: string) =>
      verdict({
        file: Buffer.from(bytes),
        filename: 'a.txt',
        mediaType: MediaType.File,
        attachmentType: moment,
      });
    expect(await file('123456')).toBe('sent');
    expect(await file('12345')).toEqual(['min-size']);
  });

  it('moments: 1080 × 10800 is sent; a short edge of 1081 or a long edge of 10801 is refused', async () => {
    expect(await image(makePng(1080, 10_800))).toBe('sent');
    expect(await image(makePng(10_800, 1080))).toBe('sent');
    expect(await image(makePng(1081, 2000))).toEqual(['moment-image-short-edge']);
    expect(await image(makePng(1000, 10_801))).toEqual(['moment-image-long-edge']);
    expect(await image(makePng(1081, 10_801))).toEqual([
      'moment-image-short-edge',
      'moment-image-long-edge',
    ]);
    expect(await image(makePng(1081, 10_801), album)).toBe('sent'); // the album has no edge rule
  });

  it('moments: a 30.0 s MP4 is sent; a 30.1 s one is refused', async () => {
    expect(await video(fixturePath('clip-30.0s.mp4'))).toBe('sent');
    expect(await video(fixturePath('clip-30.1s.mp4'))).toEqual(['moment-video-duration']);
    const violations = await s.app.service.check({
      file: fixturePath('clip-30.1s.mp4'),
      mediaType: MediaType.Video,
      attachmentType: moment,
    });
    expect(violations[0]?.message).toBe(
      'moments videos may last at most 30 s; this MP4 lasts 30.1 s: trim it to 30 s (e.g. ffmpeg -i in.mp4 -t 29.9 -c:v libx264 -c:a aac out.mp4)',
    );
  });

  it('moments: fragmented MP4s (length in the fragments, not mvhd) are judged by their real length', async () => {
    expect(await video(fixturePath('clip-frag-5s.mp4'))).toBe('sent');
    expect(await video(fixturePath('clip-frag-30s.mp4'))).toBe('sent');
    expect(await video(fixturePath('clip-frag-31s.mp4'))).toEqual(['moment-video-duration']);
    expect(await video(fixturePath('clip-frag-mehd-31s.mp4'))).toEqual(['moment-video-duration']);
    const [long] = await s.app.service.check({
      file: fixturePath('clip-frag-300s.mp4'),
      mediaType: MediaType.Video,
      attachmentType: moment,
    });
    expect(long).toMatchObject({ rule: 'moment-video-duration', limit: 30, actual: 300 });
  });

  it('moments: a video whose length cannot be read is refused, never passed', async () => {
    // Fragmented (mvex) with mvhd 0 and not one fragment: nothing says how long it is.
    const unknown = makeMp4({ duration: 0n, fragmented: true });
    const violations = await s.app.service.check({
      file: unknown,
      filename: 'live.mp4',
      mediaType: MediaType.Video,
      attachmentType: moment,
    });
    expect(violations.map((v) => v.rule)).toEqual(['moment-video-duration-unknown']);
    expect(violations[0]?.message).toMatch(/length cannot be read/);
    expect(s.emulator.uploads).toHaveLength(0);
  });

  it('progressive JPEG, a JPEG with its SOF after 128 KB, and MP4 with moov at the end are sent', async () => {
    expect(await image(fixture('photo-progressive.jpg'))).toBe('sent');
    expect(
      await image(makeJpeg({ width: 1080, height: 1920, appSegments: bigAppSegments(140 * 1024) })),
    ).toBe('sent');
    expect(
      await image(
        makeJpeg({
          width: 1081,
          height: 1920,
          progressive: true,
          appSegments: bigAppSegments(140 * 1024),
        }),
      ),
    ).toEqual(['moment-image-short-edge']);
    expect(await video(fixture('clip-moov-end.mp4'))).toBe('sent');
    expect(await video(makeMp4({ duration: 10_000n, moovAtEnd: true, mdatBytes: 2 * MiB }))).toBe(
      'sent',
    );
  });

  it('truncated and corrupt files of each format are refused as unreadable', async () => {
    expect(await image(makePng(10, 10).subarray(0, 20))).toEqual(['unreadable']);
    expect(await image(fixture('photo-baseline.jpg').subarray(0, 40))).toEqual(['unreadable']);
    const mp4 = fixture('clip-moov-end.mp4');
    expect(await video(mp4.subarray(0, mp4.length - 100))).toEqual(['unreadable']);
    const corrupt = Buffer.from(mp4);
    corrupt.writeUInt32BE(3, 32); // the mdat box claims 3 bytes
    expect(await video(corrupt)).toEqual(['unreadable']);
  });

  it('bytes that contradict the media_type are refused', async () => {
    expect(await image(GIF_BYTES)).toEqual(['format']);
    expect(await image(fixture('clip-faststart.mp4'))).toEqual(['media-type-mismatch']);
    expect(await video(makePng(10, 10))).toEqual(['media-type-mismatch']);
    expect(await video(fixture('clip.mov'))).toEqual(['format']);
  });

  it('every media type × attachment type combination', async () => {
    const png = makePng(10, 10);
    const mp4 = fixture('clip-faststart.mp4');
    const cases: Array<[MediaType, AttachmentType, Buffer, string[] | 'sent']> = [
      [MediaType.Image, moment, png, 'sent'],
      [MediaType.Video, moment, mp4, 'sent'],
      [MediaType.Image, album, png, 'sent'],
      [MediaType.Video, album, mp4, ['attachment-media-type']],
      [MediaType.File, album, png, ['attachment-media-type']],
    ];
    for (const [mediaType, attachmentType, file, expected] of cases) {
      expect([
        mediaType,
        attachmentType,
        await verdict({ file, filename: 'x', mediaType, attachmentType }),
      ]).toEqual([mediaType, attachmentType, expected]);
    }
  });

  it('with the default rules, `file` is accepted by neither attachment type', async () => {
    const plain = await bootApp(s.emulator); // default rules
    try {
      for (const attachmentType of [moment, album]) {
        const violations = await plain.service.check({
          file: Buffer.from('hello world'),
          filename: 'a.txt',
          mediaType: MediaType.File,
          attachmentType,
        });
        expect(violations.map((v) => v.rule)).toEqual(['attachment-media-type']);
      }
    } finally {
      await plain.close();
    }
  });

  it('check() returns every violation and sends nothing', async () => {
    const violations = await s.app.service.check({
      file: GIF_BYTES,
      filename: '',
      mediaType: MediaType.Video,
      attachmentType: album,
    });
    expect(violations.map((v) => v.rule)).toEqual([
      'attachment-media-type',
      'filename-empty',
      'format',
    ]);
    expect(
      await s.app.service.check({
        file: makePng(5, 5),
        filename: 'ok.png',
        mediaType: MediaType.Image,
        attachmentType: album,
      }),
    ).toEqual([]);
    expect(s.emulator.requests).toHaveLength(0);
  });

  it('a refused stream leaves no spooled file behind', async () => {
    await verdict({
      file: Readable.from([GIF_BYTES]),
      filename: 'x.gif',
      mediaType: MediaType.Image,
      attachmentType: moment,
    });
    await s.app.service.upload({
      file: Readable.from([makePng(3, 3)]),
      filename: 'ok.png',
      mediaType: MediaType.Image,
      attachmentType: moment,
    });
    const [spoolDir] = await readdir(scratch.path);
    expect(spoolDir).toMatch(/^wecom-media-/);
    expect(await readdir(join(scratch.path, spoolDir ?? ''))).toEqual([]);
  });
});
