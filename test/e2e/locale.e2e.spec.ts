import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { AttachmentType, MediaType } from '../../lib/index.js';
import { emulatorSuite } from '../helpers/wecom-test-app.js';
import { GIF_BYTES, makePng, padTo } from '../helpers/media-bytes.mjs';

const CJK = /[\u4e00-\u9fff]/;
const PATH = '/wecom/attachments';
const photo = makePng(4032, 3024);

describe("locale 'zh-CN': violations and HTTP errors in Chinese", () => {
  const s = emulatorSuite({ http: true, app: { locale: 'zh-CN' } });
  const post = (query: string) => supertest(s.http.url).post(`${PATH}?${query}`);

  it('a bad query: every message in Chinese, rule names and values as they are', async () => {
    const res = await post('media_type=voice&attachment_type=abc').attach('media', photo, 'a.png');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      statusCode: 400,
      violations: [
        { rule: 'media-type', actual: 'voice', limit: 'image, video, file' },
        { rule: 'attachment-type', actual: 'abc', limit: '1, 2' },
      ],
    });
    const body = res.body as { message: string; violations: Array<{ message: string }> };
    expect(body.message).toMatch(CJK);
    expect(body.violations.every((v) => CJK.test(v.message))).toBe(true);
    expect(body.violations[1]?.message).toBe(
      'attachment_type 必须是 1（朋友圈）或 2（商品图册）；收到 "abc"：请使用 1 或 2',
    );
  });

  it('a phone photo for moments: the short edge, and the size that would pass', async () => {
    const res = await post('media_type=image&attachment_type=1').attach('media', photo, '新品.png');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      message:
        '附件不符合上传规则：朋友圈图片的短边不能超过 1080 像素；此 PNG 为 4032 × 3024 像素：请缩小到 1440 × 1080 或更小',
      violations: [{ rule: 'moment-image-short-edge', limit: 1080, actual: 3024 }],
    });
  });

  it('a GIF, a file too large, a missing file', async () => {
    const gif = await post('media_type=image&attachment_type=2').attach(
      'media',
      GIF_BYTES,
      'a.gif',
    );
    expect((gif.body as { violations: Array<{ message: string }> }).violations[0]?.message).toBe(
      '图片必须是 JPEG 或 PNG 格式；此文件实际为 GIF：请转换为 JPEG 或 PNG',
    );
    const big = await post('media_type=image&attachment_type=2').attach(
      'media',
      padTo(makePng(10, 10), 10 * 1024 * 1024 + 12),
      'big.png',
    );
    expect(big.status).toBe(413);
    expect((big.body as { message: string }).message).toMatch(/^文件不能超过 10 MiB/);
    const none = await post('media_type=image&attachment_type=2').field('note', 'x');
    expect(none.status).toBe(400);
    expect((none.body as { message: string }).message).toBe(
      '请求中没有 multipart 字段 "media" 的文件',
    );
  });

  it('WeCom failures: 502 and 503 in Chinese, errcode as it is', async () => {
    const small = makePng(64, 64);
    s.emulator.failNext('upload_attachment', 40004);
    const refused = await post('media_type=image&attachment_type=2').attach(
      'media',
      small,
      'a.png',
    );
    expect(refused.status).toBe(502);
    expect(refused.body).toMatchObject({
      errcode: 40004,
      message:
        '企业微信接口 /cgi-bin/media/upload_attachment 返回错误码 40004：media_type 与文件不符，请以 image 上传图片、以 video 上传视频',
    });
    s.emulator.failNext('upload_attachment', 45009);
    const limited = await post('media_type=image&attachment_type=2').attach(
      'media',
      small,
      'a.png',
    );
    expect(limited.status).toBe(503);
    expect((limited.body as { message: string }).message).toMatch(
      /^企业微信接口 .*：请 60 秒后重试$/,
    );
  });
});

describe("locale 'zh-CN' in AttachmentService.check", () => {
  const s = emulatorSuite({ app: { locale: 'zh-CN' } });

  it('answers in Chinese, with the same rules and values as in English', async () => {
    const violations = await s.app.service.check({
      file: photo,
      filename: '新品.png',
      mediaType: MediaType.Image,
      attachmentType: AttachmentType.Moment,
    });
    expect(violations).toEqual([
      {
        rule: 'moment-image-short-edge',
        message:
          '朋友圈图片的短边不能超过 1080 像素；此 PNG 为 4032 × 3024 像素：请缩小到 1440 × 1080 或更小',
        limit: 1080,
        actual: 3024,
      },
    ]);
  });
});
