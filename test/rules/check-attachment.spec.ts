import { describe, expect, it } from 'vitest';
import { AttachmentType, DEFAULT_ATTACHMENT_RULES, MediaType } from '../../lib/index.js';
import { resolveRules } from '../../lib/rules/attachment-rules.js';
import { checkAttachment, type AttachmentFacts } from '../../lib/rules/check-attachment.js';

const MiB = 1024 * 1024;
const facts = (over: Partial<AttachmentFacts>): AttachmentFacts => ({
  mediaType: MediaType.Image,
  attachmentType: AttachmentType.Moment,
  size: 1000,
  filename: 'a.png',
  media: { format: 'png', width: 100, height: 100 },
  ...over,
});
const rules = DEFAULT_ATTACHMENT_RULES;
const check = (over: Partial<AttachmentFacts>) => checkAttachment(facts(over), rules);

describe('the rule table', () => {
  it('holds the doc values', () => {
    expect(rules.minBytesExclusive).toBe(5);
    expect(rules.mediaTypes.image).toEqual({ maxBytes: 10 * MiB, formats: ['jpeg', 'png'] });
    expect(rules.mediaTypes.video).toEqual({ maxBytes: 10 * MiB, formats: ['mp4'] });
    expect(rules.mediaTypes.file.maxBytes).toBe(10 * MiB);
    expect(rules.attachmentTypes[AttachmentType.Moment]).toEqual(['image', 'video']);
    expect(rules.attachmentTypes[AttachmentType.ProductAlbum]).toEqual(['image']);
    expect(rules.momentImage).toEqual({ maxLongEdge: 10_800, maxShortEdge: 1080 });
    expect(rules.momentVideo).toEqual({ maxDurationSeconds: 30 });
  });

  it('takes overrides and keeps the rest', () => {
    const custom = resolveRules({
      mediaTypes: { file: { maxBytes: 20 * MiB } },
      momentVideo: { maxDurationSeconds: 60 },
    });
    expect(custom.mediaTypes.file).toEqual({ maxBytes: 20 * MiB, formats: [] });
    expect(custom.mediaTypes.image.maxBytes).toBe(10 * MiB);
    expect(custom.momentVideo.maxDurationSeconds).toBe(60);
    expect(custom.momentImage.maxShortEdge).toBe(1080);
  });
});

describe('checkAttachment', () => {
  it('passes a good moments image', () => {
    expect(check({})).toEqual([]);
  });

  it('size: 10 MiB passes, 10 MiB + 1 fails with the limit and the size', () => {
    expect(check({ size: 10 * MiB })).toEqual([]);
    expect(check({ size: 10 * MiB + 1 })).toEqual([
      {
        rule: 'max-size',
        message:
          'image files may be at most 10 MiB (10485760 bytes); this one is 10485761 bytes: compress it to at most 10 MiB (10485760 bytes)',
        limit: 10 * MiB,
        actual: 10 * MiB + 1,
      },
    ]);
    expect(check({ size: 10 * MiB, sizeExceeded: true })[0]?.message).toBe(
      'image files may be at most 10 MiB (10485760 bytes); this one is more than 10 MiB (10485760 bytes): compress it to at most 10 MiB (10485760 bytes)',
    );
  });

  it('size: 6 bytes passes, 5 fails', () => {
    expect(check({ size: 6 })).toEqual([]);
    expect(check({ size: 5 })).toEqual([
      {
        rule: 'min-size',
        message: 'every file must be larger than 5 bytes; this one is 5 bytes: send the whole file',
        limit: 5,
        actual: 5,
      },
    ]);
  });

  it('moments images: 1080 × 10800 passes; a short edge of 1081 or a long edge of 10801 fails', () => {
    expect(check({ media: { format: 'png', width: 1080, height: 10_800 } })).toEqual([]);
    expect(check({ media: { format: 'png', width: 10_800, height: 1080 } })).toEqual([]);
    expect(check({ media: { format: 'png', width: 1081, height: 1081 } })).toEqual([
      {
        rule: 'moment-image-short-edge',
        message:
          'moments images need a short edge of at most 1080 px; this PNG is 1081 × 1081 px: resize it to 1080 × 1080 or smaller',
        limit: 1080,
        actual: 1081,
      },
    ]);
    expect(check({ media: { format: 'jpeg', width: 1000, height: 10_801 } })).toEqual([
      {
        rule: 'moment-image-long-edge',
        message:
          'moments images need a long edge of at most 10800 px; this JPEG is 1000 × 10801 px: resize it to 999 × 10800 or smaller',
        limit: 10_800,
        actual: 10_801,
      },
    ]);
  });

  it('product-album images have no edge limits', () => {
    expect(
      check({
        attachmentType: AttachmentType.ProductAlbum,
        media: { format: 'png', width: 5000, height: 20_000 },
      }),
    ).toEqual([]);
  });

  it('moments videos: 30.0 s passes, 30.1 s fails', () => {
    const video = (units: bigint) =>
      check({
        mediaType: MediaType.Video,
        media: { format: 'mp4', duration: { units, timescale: 1000 } },
      });
    expect(video(30_000n)).toEqual([]);
    expect(video(30_100n)).toEqual([
      {
        rule: 'moment-video-duration',
        message:
          'moments videos may last at most 30 s; this MP4 lasts 30.1 s: trim it to 30 s (e.g. ffmpeg -i in.mp4 -t 29.9 -c:v libx264 -c:a aac out.mp4)',
        limit: 30,
        actual: 30.1,
      },
    ]);
    expect(video(30_001n)[0]?.message).toBe(
      'moments videos may last at most 30 s; this MP4 lasts 30.001 s: trim it to 30 s (e.g. ffmpeg -i in.mp4 -t 29.9 -c:v libx264 -c:a aac out.mp4)',
    );
    // Over the limit by less than a millisecond: never shown as the limit itself.
    const barely = check({
      mediaType: MediaType.Video,
      media: { format: 'mp4', duration: { units: 300_001n, timescale: 10_000 } },
    });
    expect(barely).toMatchObject([{ limit: 30, actual: 30.001 }]);
    expect(barely[0]?.message).toContain('lasts 30.001 s');
    const hundredths = check({
      mediaType: MediaType.Video,
      media: { format: 'mp4', duration: { units: 30_010n, timescale: 1000 } },
    });
    expect(hundredths[0]?.message).toContain('lasts 30.01 s');
  });

  it('moments videos of unknown length are refused, saying why; other scenes do not ask', () => {
    const media = { format: 'mp4', durationUnknown: 'fragmented MP4 without mehd' } as const;
    expect(check({ mediaType: MediaType.Video, media })).toEqual([
      {
        rule: 'moment-video-duration-unknown',
        message:
          "moments videos may last at most 30 s, and this MP4's length cannot be read (fragmented MP4 without mehd): re-encode it as a plain MP4 with its length in the header (e.g. ffmpeg -i in.mp4 -c copy -movflags +faststart out.mp4)",
        limit: 30,
      },
    ]);
    const asFile = checkAttachment(
      facts({ mediaType: MediaType.File, attachmentType: AttachmentType.Moment, media }),
      resolveRules({ attachmentTypes: { 1: [MediaType.Image, MediaType.Video, MediaType.File] } }),
    );
    expect(asFile).toEqual([]);
  });

  it('every media type × attachment type combination', () => {
    const verdict = (mediaType: MediaType, attachmentType: AttachmentType) => {
      const media =
        mediaType === 'image'
          ? { format: 'png' as const, width: 10, height: 10 }
          : mediaType === 'video'
            ? { format: 'mp4' as const, duration: { units: 1n, timescale: 1 } }
            : { format: 'unknown' as const };
      return check({ mediaType, attachmentType, media }).map((v) => v.rule);
    };
    expect(verdict(MediaType.Image, AttachmentType.Moment)).toEqual([]);
    expect(verdict(MediaType.Video, AttachmentType.Moment)).toEqual([]);
    expect(verdict(MediaType.File, AttachmentType.Moment)).toEqual(['attachment-media-type']);
    expect(verdict(MediaType.Image, AttachmentType.ProductAlbum)).toEqual([]);
    expect(verdict(MediaType.Video, AttachmentType.ProductAlbum)).toEqual([
      'attachment-media-type',
    ]);
    expect(verdict(MediaType.File, AttachmentType.ProductAlbum)).toEqual(['attachment-media-type']);
    expect(
      check({
        mediaType: MediaType.Video,
        attachmentType: AttachmentType.ProductAlbum,
        media: { format: 'mp4', duration: { units: 1n, timescale: 1 } },
      })[0]?.message,
    ).toBe(
      'product album (商品图册) attachments accept only image; got video: send an image, or send the video to moments instead (attachment_type=1)',
    );
  });

  it('a media_type the bytes contradict is a violation', () => {
    expect(check({ media: { format: 'gif' } })).toEqual([
      {
        rule: 'format',
        message: 'image files must be JPEG or PNG; the bytes are GIF: convert it to JPEG or PNG',
        limit: 'JPEG, PNG',
        actual: 'GIF',
      },
    ]);
    expect(
      check({ media: { format: 'mp4', duration: { units: 1n, timescale: 1 } } })[0],
    ).toMatchObject({
      rule: 'media-type-mismatch',
      message:
        'media_type image needs JPEG or PNG, but the bytes are MP4, which is a video: send it with media_type=video',
    });
    expect(
      check({ mediaType: MediaType.Video, media: { format: 'png', width: 1, height: 1 } })[0]?.rule,
    ).toBe('media-type-mismatch');
    expect(check({ mediaType: MediaType.Video, media: { format: 'quicktime' } })[0]?.message).toBe(
      'video files must be MP4; the bytes are QuickTime (MOV): convert it to MP4 (e.g. ffmpeg -i in.mov -c:v libx264 -c:a aac out.mp4)',
    );
  });

  it('unreadable media is a violation, not an exception', () => {
    expect(check({ media: { format: 'png', unreadable: 'truncated PNG: no IHDR' } })).toEqual([
      {
        rule: 'unreadable',
        message:
          'truncated PNG: no IHDR: the file is damaged or cut short; export or download it again',
        actual: 'PNG',
      },
    ]);
  });

  it('reports every violation at once', () => {
    const all = check({
      mediaType: MediaType.Video,
      attachmentType: AttachmentType.ProductAlbum,
      size: 11 * MiB,
      media: { format: 'gif' },
      filename: '',
    });
    expect(all.map((v) => v.rule)).toEqual([
      'attachment-media-type',
      'filename-empty',
      'max-size',
      'format',
    ]);
  });

  it('rejects unknown media and attachment types from untyped callers, one rule each', () => {
    const violations = check({ mediaType: 'voice', attachmentType: 3 });
    expect(violations.map((v) => [v.rule, v.message])).toEqual([
      ['media-type', 'media_type must be one of image, video, file; got "voice": use one of them'],
      [
        'attachment-type',
        'attachment_type must be 1 (moments) or 2 (product album); got 3: use 1 or 2',
      ],
    ]);
  });

  it('filenames: empty or longer than 255 UTF-8 bytes fail', () => {
    expect(check({ filename: '   ' })[0]?.rule).toBe('filename-empty');
    expect(check({ filename: `${'图'.repeat(85)}` })).toEqual([]); // 255 bytes
    expect(check({ filename: `${'图'.repeat(85)}a` })[0]?.rule).toBe('filename-length');
    expect(check({ filename: `${'图'.repeat(85)}a` })[0]?.message).toBe(
      'filenames may be at most 255 bytes of UTF-8; this one is 256 bytes: shorten it (255 bytes hold about 85 Chinese characters)',
    );
  });
});
