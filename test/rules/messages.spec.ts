import { describe, expect, it } from 'vitest';
import { AttachmentType, DEFAULT_ATTACHMENT_RULES, MediaType } from '../../lib/index.js';
import { checkAttachment, type AttachmentFacts } from '../../lib/rules/check-attachment.js';
import { fitWithin } from '../../lib/messages/next-steps.js';
import { EN_MESSAGES, messagesFor, type Messages } from '../../lib/messages/index.js';

const ZH = messagesFor('zh-CN');
const CJK = /[\u4e00-\u9fff]/;

/** Every message, called with sample values: `[name, (m) => text, values the text must show]`. */
const samples: Array<[keyof Messages, (m: Messages) => string, string[]]> = [
  ['queueSource', (m) => m.queueSource('a Buffer'), ['a Buffer', 'mediaId']],
  [
    'queueKeyContent',
    (m) => m.queueKeyContent('album', '2026-01-02T03:04:05.000Z'),
    ['2026-01-02T03:04:05.000Z', 'ProductAlbumService.update'],
  ],
  ['minSize', (m) => m.minSize(5, 3), ['5', '3']],
  [
    'maxSize',
    (m) => m.maxSize(MediaType.Image, 10_485_760, 11_000_000, false),
    ['10485760', '11000000'],
  ],
  ['format', (m) => m.format(MediaType.Image, ['jpeg', 'png'], 'gif'), ['JPEG', 'PNG', 'GIF']],
  ['formatOfAny', (m) => m.formatOfAny(['jpeg', 'png', 'mp4'], 'webp'), ['JPEG', 'WebP']],
  [
    'mediaTypeMismatch',
    (m) => m.mediaTypeMismatch(MediaType.Image, ['jpeg', 'png'], 'mp4', MediaType.Video),
    ['media_type=video', 'MP4'],
  ],
  ['mediaType', (m) => m.mediaType('voice'), ['"voice"', 'image']],
  ['attachmentType', (m) => m.attachmentType('abc'), ['"abc"', '1', '2']],
  [
    'attachmentMediaType',
    (m) =>
      m.attachmentMediaType(AttachmentType.ProductAlbum, [MediaType.Image], MediaType.Video, [
        AttachmentType.Moment,
      ]),
    ['attachment_type=1'],
  ],
  [
    'momentImageShortEdge',
    (m) =>
      m.momentImageShortEdge(
        1080,
        { format: 'jpeg', width: 4032, height: 3024 },
        { width: 1440, height: 1080 },
      ),
    ['1080', '4032 × 3024', '1440 × 1080'],
  ],
  [
    'momentImageLongEdge',
    (m) =>
      m.momentImageLongEdge(
        10_800,
        { format: 'png', width: 1000, height: 12_000 },
        { width: 900, height: 10_800 },
      ),
    ['10800', '1000 × 12000', '900 × 10800'],
  ],
  ['momentVideoDuration', (m) => m.momentVideoDuration(30, 31), ['30', '31.0', 'ffmpeg']],
  [
    'momentVideoDurationUnknown',
    (m) => m.momentVideoDurationUnknown(30, 'mp4', 'no mehd'),
    ['30', 'no mehd', 'ffmpeg'],
  ],
  ['momentEmpty', (m) => m.momentEmpty(), []],
  ['momentTextNotText', (m) => m.momentTextNotText(), []],
  [
    'momentAttachmentKinds',
    (m) => m.momentAttachmentKinds(['images', 'video']),
    ['images', 'video'],
  ],
  ['momentImageCount', (m) => m.momentImageCount(9, 10), ['9', '10']],
  ['momentTextLength', (m) => m.momentTextLength(2000, 4000, 2001, 2001), ['2000', '4000', '2001']],
  ['momentLinkTitle', (m) => m.momentLinkTitle(64, 65), ['64', '65']],
  ['momentLinkUrl', (m) => m.momentLinkUrl('javascript:'), ['javascript:']],
  ['momentLinkCover', (m) => m.momentLinkCover(), []],
  [
    'momentImagePixels',
    (m) => m.momentImagePixels(1_555_200, 1441, 1080),
    ['1555200', '1441 × 1080'],
  ],
  ['albumDescription', (m) => m.albumDescription(300, 301), ['300', '301']],
  ['albumPrice', (m) => m.albumPrice(1, 5_000_000, '0.5'), ['1', '5000000', '0.5']],
  ['albumProductSn', (m) => m.albumProductSn(128, 129), ['128', '129']],
  ['albumImageCount', (m) => m.albumImageCount(9, 10), ['9', '10']],
  ['atMostFilesIn', (m) => m.atMostFilesIn('photos', 9), ['photos', '9']],
  [
    'momentVisibleRange',
    (m) => m.momentVisibleRange('senders.departmentIds', '1.5'),
    ['senders.departmentIds', '1.5'],
  ],
  ['mediaIdInvalid', (m) => m.mediaIdInvalid('""'), ['""']],
  ['taskPending', (m) => m.taskPending('job42'), ['job42']],
  ['unreadable', (m) => m.unreadable('png', 'truncated PNG: no IEND'), ['truncated PNG: no IEND']],
  [
    'imagePixels',
    (m) => m.imagePixels(268_402_689, 50_000, 50_000),
    ['268402689', '50000 × 50000'],
  ],
  [
    'formatNotDecodable',
    (m) => m.formatNotDecodable(MediaType.Image, ['jpeg', 'png'], 'heic'),
    ['JPEG', 'PNG', 'HEIC'],
  ],
  [
    'fitTooLarge',
    (m) => m.fitTooLarge(10 * 1024 * 1024, 11_000_000, { format: 'jpeg', quality: 50 }),
    ['10 MiB', '11000000', '50'],
  ],
  [
    'fitInputTooLarge',
    (m) => m.fitInputTooLarge(50 * 1024 * 1024, 60_000_000, false),
    ['50 MiB', '60000000'],
  ],
  ['corpMissing', (m) => m.corpMissing(), ['corpId']],
  ['corpInvalid', (m) => m.corpInvalid(), ['corpId']],
  ['corpUnresolved', (m) => m.corpUnresolved(), ['corpId']],
  ['corpResolverFailed', (m) => m.corpResolverFailed(), ['corpId']],
  [
    'credentialSourceFailed',
    (m) => m.credentialSourceFailed("secretFor('wwa')"),
    ["secretFor('wwa')"],
  ],
  ['corpNotServed', (m) => m.corpNotServed('wwA', 'wwB'), ['wwA', 'wwB', 'secretFor']],
  ['filenameEmpty', (m) => m.filenameEmpty(), []],
  ['filenameLength', (m) => m.filenameLength(255, 300), ['255', '300']],
  ['ruleError', (m) => m.ruleError(['one', 'two']), ['one', 'two']],
  ['list', (m) => m.list(['一', '二']), ['一', '二']],
  ['noFile', (m) => m.noFile('media'), ['"media"']],
  ['sendFileIn', (m) => m.sendFileIn('media'), ['"media"']],
  ['oneFileIn', (m) => m.oneFileIn('media'), ['"media"']],
  ['oneFile', (m) => m.oneFile(), []],
  ['tooManyParts', (m) => m.tooManyParts(10), ['10']],
  ['tooManyFields', (m) => m.tooManyFields(8), ['8']],
  ['fieldNameTooLong', (m) => m.fieldNameTooLong(), []],
  ['fieldNameMissing', (m) => m.fieldNameMissing(), []],
  ['fieldTooLarge', (m) => m.fieldTooLarge(1024), ['1024']],
  ['bodyUnreadable', (m) => m.bodyUnreadable('Unexpected end of form'), ['Unexpected end of form']],
  ['fileTooLarge', (m) => m.fileTooLarge(10_485_760), ['10485760']],
  ['receiveTimeout', (m) => m.receiveTimeout(120_000), ['120000']],
  [
    'wecomRefused',
    (m) => m.wecomRefused('/cgi-bin/x', 40004, 'invalid media type'),
    ['40004', 'invalid media type'],
  ],
  ['wecomBusy', (m) => m.wecomBusy('/cgi-bin/x', -1), ['-1']],
  ['wecomRateLimited', (m) => m.wecomRateLimited('/cgi-bin/x', 45009, 60), ['45009', '60']],
  ['heldBack', (m) => m.heldBack('/cgi-bin/x', 45009, 42), ['45009', '42']],
  [
    'credentialsRefused',
    (m) => m.credentialsRefused('/cgi-bin/gettoken', 40001, new Date(0)),
    ['40001', '1970-01-01T00:00:00.000Z'],
  ],
  ['wecomTimeout', (m) => m.wecomTimeout('/cgi-bin/x', 30_000), ['30000']],
  ['wecomUnreachable', (m) => m.wecomUnreachable('/cgi-bin/x', 'ECONNRESET'), ['ECONNRESET']],
  ['wecomGarbled', (m) => m.wecomGarbled('/cgi-bin/x', 502, 'an HTML page'), ['502']],
  ['aborted', (m) => m.aborted('shutdown'), []],
  ['fitTimeout', (m) => m.fitTimeout(300), ['300', 'fit.timeoutMs']],
  ['urlScheme', (m) => m.urlScheme('ftp:'), ['ftp:']],
  ['urlHost', (m) => m.urlHost('cdn.example.com:443', 2), ['cdn.example.com:443', '2']],
  [
    'urlAddress',
    (m) => m.urlAddress('cdn.example.com:443', '10.0.0.1', 'private'),
    ['cdn.example.com:443', '10.0.0.1', 'private'],
  ],
  [
    'urlRedirects',
    (m) => m.urlRedirects(3, 'https://cdn.example.com/a.jpg'),
    ['3', 'https://cdn.example.com/a.jpg'],
  ],
  [
    'urlTooLarge',
    (m) => m.urlTooLarge(10_485_760, 20_000_000, 'https://cdn.example.com/a.jpg'),
    ['10485760', '20000000', 'https://cdn.example.com/a.jpg'],
  ],
  ['sourceFailed', (m) => m.sourceFailed('url'), ['URL']],
];

describe('the messages, in English and in Chinese', () => {
  it('covers every message of the catalog', () => {
    expect(samples.map(([name]) => name).toSorted()).toEqual(Object.keys(EN_MESSAGES).toSorted());
    expect(Object.keys(ZH).toSorted()).toEqual(Object.keys(EN_MESSAGES).toSorted());
  });

  it.each(samples)(
    '%s: both languages state the values; Chinese is Chinese',
    (_name, call, values) => {
      for (const messages of [EN_MESSAGES, ZH]) {
        const text = call(messages);
        for (const value of values) expect(text).toContain(value);
      }
      expect(call(ZH)).toMatch(CJK);
      expect(call(ZH)).not.toBe(call(EN_MESSAGES));
    },
  );

  // What the user can act on: every message about their file or their configuration ends with
  // what to do, in both languages. (Not the ones that only report: busy, timeouts, aborts.)
  const ACTIONABLE = new Set<keyof Messages>([
    'minSize',
    'maxSize',
    'format',
    'formatOfAny',
    'mediaTypeMismatch',
    'mediaType',
    'attachmentType',
    'attachmentMediaType',
    'momentImageShortEdge',
    'momentImageLongEdge',
    'momentVideoDuration',
    'momentVideoDurationUnknown',
    'unreadable',
    'imagePixels',
    'formatNotDecodable',
    'fitTooLarge',
    'fitInputTooLarge',
    'filenameEmpty',
    'filenameLength',
    'fileTooLarge',
    'receiveTimeout',
    'fieldNameMissing',
    'wecomRefused',
    'credentialsRefused',
    'wecomUnreachable',
    'wecomRateLimited',
    'heldBack',
    'wecomBusy',
    'fitTimeout',
    'urlScheme',
    'urlHost',
    'urlAddress',
    'urlRedirects',
    'urlTooLarge',
    'sourceFailed',
    'momentAttachmentKinds',
    'momentImageCount',
    'momentTextLength',
    'momentLinkTitle',
    'momentLinkUrl',
    'momentLinkCover',
    'momentImagePixels',
    'albumDescription',
    'albumPrice',
    'albumProductSn',
    'albumImageCount',
    'atMostFilesIn',
    'momentVisibleRange',
    'mediaIdInvalid',
  ]);
  const EN_STEP =
    /[:;] (?:e\.g\. )?(?:send|use|give|convert|trim|resize|compress|re-encode|export|shorten|name|check|add|look|try|fix)\b/;
  it.each(samples.filter(([n]) => ACTIONABLE.has(n)))(
    '%s: says what to do next, in both languages',
    (_name, call) => {
      expect(call(EN_MESSAGES)).toMatch(EN_STEP);
      expect(call(ZH)).toMatch(/[：；，]请/);
    },
  );

  it("uses the WeCom docs' own terms", () => {
    const image = { format: 'jpeg', width: 4032, height: 3024 } as const;
    const fit = { width: 1440, height: 1080 };
    expect(ZH.momentImageShortEdge(1080, image, fit)).toContain('朋友圈图片的短边');
    expect(ZH.momentImageLongEdge(10_800, image, fit)).toContain('长边');
    expect(ZH.momentVideoDuration(30, 31)).toContain('朋友圈视频时长');
    expect(
      ZH.attachmentMediaType(AttachmentType.ProductAlbum, [MediaType.Image], MediaType.Video, [
        AttachmentType.Moment,
      ]),
    ).toBe('商品图册只支持图片类型；收到视频：请上传图片，或将视频发到朋友圈（attachment_type=1）');
  });
});

describe('the next step a message gives', () => {
  it('the largest moments size at the same aspect ratio, which itself passes', () => {
    expect(fitWithin(4032, 3024, 1080, 10_800)).toEqual({ width: 1440, height: 1080 });
    expect(fitWithin(3024, 4032, 1080, 10_800)).toEqual({ width: 1080, height: 1440 });
    expect(fitWithin(1000, 12_000, 1080, 10_800)).toEqual({ width: 900, height: 10_800 });
    expect(fitWithin(2000, 30_000, 1080, 10_800)).toEqual({ width: 720, height: 10_800 });
    for (const [w, h] of [
      [4033, 3023],
      [1081, 1081],
      [7, 99_999],
      [12_345, 6_789],
    ] as const) {
      const fit = fitWithin(w, h, 1080, 10_800);
      expect(Math.min(fit.width, fit.height)).toBeLessThanOrEqual(1080);
      expect(Math.max(fit.width, fit.height)).toBeLessThanOrEqual(10_800);
    }
  });

  it('a phone photo is told its size in both languages; rule, limit and actual stay neutral', () => {
    const facts: AttachmentFacts = {
      mediaType: MediaType.Image,
      attachmentType: AttachmentType.Moment,
      size: 3_000_000,
      filename: '春季新品.jpg',
      media: { format: 'jpeg', width: 4032, height: 3024 },
    };
    const [en] = checkAttachment(facts, DEFAULT_ATTACHMENT_RULES);
    const [zh] = checkAttachment(facts, DEFAULT_ATTACHMENT_RULES, ZH);
    expect(en?.message).toBe(
      'moments images need a short edge of at most 1080 px; this JPEG is 4032 × 3024 px: resize it to 1440 × 1080 or smaller',
    );
    expect(zh?.message).toBe(
      '朋友圈图片的短边不能超过 1080 像素；此 JPEG 为 4032 × 3024 像素：请缩小到 1440 × 1080 或更小',
    );
    expect({ ...zh, message: '' }).toEqual({ ...en, message: '' });
  });
});
