import { beforeEach, describe, expect, it } from 'vitest';
import { WecomEmulator } from '../../lib/testing/index.js';
import { emulatorSuite } from '../helpers/wecom-test-app.js';
import { callerOf, image, link, video, type Caller } from './publishing-calls.js';

const OTHER = { corpId: 'wwemuother000002', corpSecret: 'other-secret' };

/** The media_ids of one corp's uploads, for moments (1). */
interface Media {
  png: string;
  jpeg: string;
  mp4: string;
}

/** Bodies WeCom refuses, with the errcode (and errmsg, where the page names it) it answers. */
const REFUSED: Array<[string, (m: Media) => unknown, number, string?]> = [
  [
    'text of 2001 characters',
    () => ({ text: { content: 'a'.repeat(2001) } }),
    40058,
    'invalid text size',
  ],
  [
    'text of 4002 bytes in 1334 characters',
    () => ({ text: { content: '字'.repeat(1334) } }),
    40058,
    'invalid text size',
  ],
  ['text that is no string', () => ({ text: { content: 12 } }), 40058],
  ['neither text nor attachments', () => ({}), 44004],
  ['empty text and no attachments', () => ({ text: { content: '' }, attachments: [] }), 44004],
  ['attachments that are no list', (m) => ({ attachments: image(m.png) }), 40058],
  [
    '10 images',
    (m) => ({ attachments: Array(10).fill(image(m.png)) }),
    41064,
    'invalid attachments size',
  ],
  ['2 videos', (m) => ({ attachments: [video(m.mp4), video(m.mp4)] }), 41064],
  [
    '2 links',
    (m) => ({ attachments: Array(2).fill(link({ url: 'https://a.cn', media_id: m.png })) }),
    41064,
  ],
  [
    'an image and a video',
    (m) => ({ attachments: [image(m.png), video(m.mp4)] }),
    41065,
    'invalid attachments msgtype',
  ],
  [
    'an image and a link',
    (m) => ({ attachments: [image(m.png), link({ url: 'https://a.cn', media_id: m.png })] }),
    41065,
  ],
  [
    'a msgtype WeCom does not know',
    (m) => ({ attachments: [{ msgtype: 'file', file: { media_id: m.png } }] }),
    40008,
  ],
  ['an image without media_id', () => ({ attachments: [{ msgtype: 'image', image: {} }] }), 41006],
  [
    'a video without media_id',
    () => ({ attachments: [{ msgtype: 'video' }] }),
    41006,
    'invalid msg',
  ],
  ['a link without url', (m) => ({ attachments: [link({ title: 't', media_id: m.png })] }), 41010],
  [
    'a link to ftp',
    (m) => ({ attachments: [link({ url: 'ftp://a.cn/x', media_id: m.png })] }),
    40094,
  ],
  [
    'a link url without scheme',
    (m) => ({ attachments: [link({ url: 'a.cn/x', media_id: m.png })] }),
    40094,
  ],
  [
    'a link title of 65 characters',
    (m) => ({
      attachments: [link({ title: 'a'.repeat(65), url: 'https://a.cn', media_id: m.png })],
    }),
    40058,
  ],
  [
    'a link title of 129 bytes',
    (m) => ({
      attachments: [link({ title: `abc${'字'.repeat(42)}`, url: 'https://a.cn', media_id: m.png })],
    }),
    40058,
  ],
  [
    'a link without its cover',
    () => ({ attachments: [link({ title: 't', url: 'https://a.cn' })] }),
    41006,
  ],
  [
    'a user_list that is no list',
    () => ({ text: { content: 'a' }, visible_range: { sender_list: { user_list: 'zhangsan' } } }),
    40058,
  ],
  [
    'a department_list of strings',
    () => ({ text: { content: 'a' }, visible_range: { sender_list: { department_list: ['2'] } } }),
    40058,
  ],
  [
    'a tag_list of numbers',
    () => ({ text: { content: 'a' }, visible_range: { external_contact_list: { tag_list: [1] } } }),
    40058,
  ],
  ['a body that is no JSON', () => '{"text":', 47001],
];

describe('add_moment_task: the wire shapes and the rules', () => {
  const s = emulatorSuite({
    app: false,
    emulator: { apps: [WecomEmulator.DEFAULT_APP, OTHER] },
  });
  let c: Caller;
  let m: Media;
  beforeEach(async () => {
    c = await callerOf(s.emulator);
    m = { png: await c.upload('png'), jpeg: await c.upload('jpeg'), mp4: await c.upload('mp4') };
  });

  it('accepts each wire shape: text alone, 1 to 9 images, one video, one link with or without title', async () => {
    const bodies = [
      { text: { content: 'a'.repeat(2000) } },
      { text: { content: '字'.repeat(1333) } }, // 3999 bytes
      { attachments: [image(m.png)] },
      {
        text: { content: '春季新品' },
        attachments: Array.from({ length: 9 }, (_, i) => image(i % 2 ? m.png : m.jpeg)),
      },
      { attachments: [video(m.mp4)] },
      { attachments: [link({ title: 'a'.repeat(64), url: 'https://a.cn/x', media_id: m.png })] },
      { attachments: [link({ title: '字'.repeat(42), url: 'http://a.cn/y', media_id: m.jpeg })] },
      { attachments: [link({ url: 'https://a.cn/z', media_id: m.png })] },
      {
        text: { content: 'a' },
        visible_range: {
          sender_list: { user_list: ['zhangsan'], department_list: [2, 3] },
          external_contact_list: { tag_list: ['etA'] },
        },
      },
    ];
    for (const body of bodies) {
      const answer = await c.post('add_moment_task', body);
      expect(answer).toMatchObject({ errcode: 0, errmsg: 'ok' });
      expect(answer.jobid).toMatch(/^[\w-]{1,64}$/);
    }
    const moments = s.emulator.moments;
    expect(moments.map((x) => x.attachments.length)).toEqual([0, 0, 1, 9, 1, 1, 1, 1, 0]);
    expect(moments[7]?.attachments).toEqual([
      { msgtype: 'link', link: { url: 'https://a.cn/z', media_id: m.png } },
    ]);
    expect(moments[8]).toMatchObject({
      corpId: s.emulator.corpId,
      text: 'a',
      status: 1,
      cancelled: false,
      visibleRange: bodies[8]?.visible_range,
    });
  });

  it.each(REFUSED)('refuses %s', async (_, bodyOf, errcode, errmsg) => {
    const answer = await c.post('add_moment_task', bodyOf(m));
    expect(answer).toMatchObject({ errcode, ...(errmsg === undefined ? {} : { errmsg }) });
    expect(s.emulator.moments).toEqual([]);
  });
});
