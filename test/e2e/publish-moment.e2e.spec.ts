import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AttachmentRuleError,
  MemoryStore,
  MomentService,
  WecomApiError,
  WecomTaskPendingError,
  type PublishMomentInput,
} from '../../lib/index.js';
import { fixture, fixturePath } from '../helpers/fixtures.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { bootApp, emulatorSuite } from '../helpers/wecom-test-app.js';

/** What a publish refused, or 'published'. */
async function refusal(moments: MomentService, input: PublishMomentInput): Promise<string[]> {
  try {
    await moments.publish(input);
    return ['published'];
  } catch (error) {
    if (!(error instanceof AttachmentRuleError)) throw error;
    return error.violations.map((v) => v.rule);
  }
}

describe('MomentService.publish: from photos to a published moment', () => {
  const s = emulatorSuite();
  const moments = (): MomentService => s.app.app.get(MomentService);
  let photo: Buffer;

  beforeAll(async () => {
    photo = await readFile(fixturePath('location/phone-ii.jpg'));
  });

  it('uploads the images for moments side by side, sends add_moment_task as WeCom takes it, and waits for the moment', async () => {
    const result = await moments().publish({
      text: '春季新品上市',
      images: [makePng(300, 200), { file: photo, filename: '新品.jpg' }, fixturePath('photo.png')],
      senders: { userIds: ['zhangsan'], departmentIds: [2] },
      customerTagIds: ['etVIP'],
    });
    expect(result.momentId).toMatch(/\S+/);
    expect(result.attachments).toHaveLength(3);
    const uploads = s.emulator.uploads.map((u) => u.upload?.filename);
    expect(uploads.toSorted()).toEqual(['image-1.png', 'photo.png', '新品.jpg']);
    expect(s.emulator.uploads.every((u) => u.query.attachment_type === '1')).toBe(true);
    const [moment] = s.emulator.moments;
    expect(moment).toMatchObject({
      text: '春季新品上市',
      momentId: result.momentId,
      attachments: result.attachments.map((a) => ({
        msgtype: 'image',
        image: { media_id: a.mediaId },
      })),
      visibleRange: {
        sender_list: { user_list: ['zhangsan'], department_list: [2] },
        external_contact_list: { tag_list: ['etVIP'] },
      },
    });
    // Polled until done: started, creating, done.
    const polls = s.emulator.requests.filter((r) => r.api === 'get_moment_task_result');
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(result).toMatchObject({ jobId: moment?.jobId, invalidCustomerTagIds: [] });
  });

  it('a video, a link with its cover, a media_id given as it is', async () => {
    const video = await moments().publish({ video: fixturePath('clip-faststart.mp4') });
    expect(s.emulator.moments.at(-1)?.attachments).toEqual([
      { msgtype: 'video', video: { media_id: video.attachments[0]?.mediaId } },
    ]);
    const link = await moments().publish({
      text: 'read more',
      link: { title: '春季新品', url: 'https://shop.example.com/new', cover: makePng(100, 100) },
    });
    expect(s.emulator.moments.at(-1)?.attachments).toEqual([
      {
        msgtype: 'link',
        link: {
          title: '春季新品',
          url: 'https://shop.example.com/new',
          media_id: link.attachments[0]?.mediaId,
        },
      },
    ]);
    const uploads = s.emulator.uploads.length;
    const reused = await moments().publish({
      images: [{ mediaId: link.attachments[0]?.mediaId ?? '' }],
    });
    expect(s.emulator.uploads).toHaveLength(uploads);
    expect(reused.attachments).toEqual([]);
  });

  it('reports the senders and tags WeCom did not take', async () => {
    const result = await moments().publish({
      text: 'hello',
      senders: { userIds: ['lisi', 'invalid-user'] },
      customerTagIds: ['invalid-tag', 'etOK'],
    });
    expect(result.invalidSenders.userIds).toEqual(['invalid-user']);
    expect(result.invalidCustomerTagIds).toEqual(['invalid-tag']);
  });

  const rules: Array<[string, PublishMomentInput, string[]]> = [
    ['nothing at all', {}, ['moment-empty']],
    [
      'images and a video',
      { images: [makePng(10, 10)], video: fixturePath('clip-faststart.mp4') },
      ['moment-attachment-kinds'],
    ],
    [
      '10 images',
      { images: Array.from({ length: 10 }, () => makePng(10, 10)) },
      ['moment-image-count'],
    ],
    ['2,001 characters', { text: '字'.repeat(2001) }, ['moment-text-length']],
    ['4,001 bytes in 1,334 characters', { text: '字'.repeat(1333) + 'ab' }, ['moment-text-length']],
    [
      'a javascript: link',
      { link: { title: 't', url: 'javascript:alert(1)', cover: makePng(10, 10) } },
      ['moment-link-url'],
    ],
    [
      'a link without a title or a cover',
      { link: { title: '', url: 'https://x.example' } },
      ['moment-link-title', 'moment-link-cover'],
    ],
    [
      'a title of 65 bytes',
      { link: { title: 'a'.repeat(65), url: 'https://x.example', cover: makePng(10, 10) } },
      ['moment-link-title'],
    ],
    ['a GIF image', { images: [fixture('photo.gif')] }, ['format']],
    ['an image over 1440 × 1080 px', { images: [makePng(1080, 2000)] }, ['moment-image-pixels']],
  ];
  it.each(rules)('refuses %s before anything is sent', async (_, input, expected) => {
    expect(await refusal(moments(), input)).toEqual(expected);
    expect(s.emulator.uploads).toHaveLength(0);
    expect(s.emulator.requests.filter((r) => r.api === 'add_moment_task')).toHaveLength(0);
  });

  it('lists every violation of the moment and of its files, naming each file', async () => {
    const error = await moments()
      .publish({
        text: '字'.repeat(2001),
        images: [makePng(10, 10), fixture('photo.gif'), { mediaId: '' }],
        senders: { departmentIds: [1.5] },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AttachmentRuleError);
    const violations = (error as AttachmentRuleError).violations;
    expect(violations.map((v) => v.rule)).toEqual([
      'moment-text-length',
      'moment-visible-range',
      'format',
      'media-id',
    ]);
    expect(violations[2]?.message).toMatch(/^images\[1\]: /);
    expect(violations[3]?.message).toMatch(/^images\[2\]: /);
  });

  it('a mix of kinds, or too many images, opens no file: the files are moot', async () => {
    const stream = Readable.from([makePng(10, 10)]);
    const error = await moments()
      .publish({ images: [stream, fixture('photo.gif')], video: fixturePath('clip.mov') })
      .catch((e: unknown) => e);
    expect((error as AttachmentRuleError).violations.map((v) => v.rule)).toEqual([
      'moment-attachment-kinds',
    ]);
    expect(stream.destroyed).toBe(true);
  });

  it('a task that ends with an errcode rejects with it; one that never ends is pending, with its jobId', async () => {
    s.emulator.failNextMomentTask(41003);
    const failed = await moments()
      .publish({ text: 'x' })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(WecomApiError);
    expect(failed).toMatchObject({ errcode: 41003 });
    s.emulator.stallNextMomentTask(2);
    const pending = await moments()
      .publish({ text: 'y', waitMs: 300 })
      .catch((e: unknown) => e);
    expect(pending).toBeInstanceOf(WecomTaskPendingError);
    const jobId = (pending as WecomTaskPendingError).jobId;
    expect(jobId).toBe(s.emulator.moments.at(-1)?.jobId);
    expect(await moments().result(jobId)).toEqual({ status: 'creating' });
  });

  it('result() polls once; cancel() stops a moment', async () => {
    const { jobId, momentId } = await moments().publish({ text: 'z' });
    expect(await moments().result(jobId)).toMatchObject({ status: 'done', momentId });
    await moments().cancel(momentId);
    expect(s.emulator.moments.at(-1)?.cancelled).toBe(true);
  });

  it('if one upload fails, nothing is published, and the error names the file', async () => {
    s.emulator.failNext('upload_attachment', 40004);
    const error = await moments()
      .publish({ images: [makePng(20, 20), makePng(30, 30)] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomApiError);
    expect((error as Error).message).toMatch(/^images\[\d\]: /);
    expect(s.emulator.requests.filter((r) => r.api === 'add_moment_task')).toHaveLength(0);
  });

  it('a token that expires mid-publish is refreshed, and the moment published', async () => {
    await moments().publish({ images: [makePng(20, 20)] });
    s.emulator.expireTokens();
    const result = await moments().publish({ images: [makePng(21, 21)] });
    expect(result.momentId).toBeTruthy();
  });

  it('a stream or a Buffer without a name is named by its place and format', async () => {
    await moments().publish({ images: [Readable.from([makePng(15, 15)]), photo] });
    expect(s.emulator.uploads.map((u) => u.upload?.filename).toSorted()).toEqual([
      'image-1.png',
      'image-2.jpg',
    ]);
  });

  it('a photo published again within its 3 days is not uploaded again (mediaCache)', async () => {
    const cached = await bootApp(s.emulator, { mediaCache: true, store: new MemoryStore() });
    try {
      const service = cached.app.get(MomentService);
      await service.publish({ images: [photo] });
      await service.publish({ images: [photo] });
      expect(s.emulator.uploads).toHaveLength(1);
      expect(s.emulator.moments).toHaveLength(2);
    } finally {
      await cached.close();
    }
  });
});
