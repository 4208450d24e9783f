import { beforeEach, describe, expect, it } from 'vitest';
import { WecomEmulator } from '../../lib/testing/index.js';
import { emulatorSuite } from '../helpers/wecom-test-app.js';
import { albumImage, callerOf, type Answer, type Caller } from './publishing-calls.js';

const OTHER = { corpId: 'wwemuother000002', corpSecret: 'other-secret' };

/** A valid album body around `png`, an image uploaded for the album (2). */
const album = (png: string, over: Record<string, unknown> = {}) => ({
  description: '春季新品 连衣裙',
  price: 30_000,
  product_sn: 'SN2026spring01',
  attachments: [albumImage(png)],
  ...over,
});

/** Albums WeCom refuses, with the errcode the emulator answers (assumed, see the handlers). */
const REFUSED: Array<[string, (png: string) => unknown, number]> = [
  ['a body wrapped in product', (png) => ({ product: album(png) }), 40058],
  ['no description', (png) => album(png, { description: undefined }), 41033],
  ['an empty description', (png) => album(png, { description: '' }), 41033],
  [
    'a description of 301 characters',
    (png) => album(png, { description: '字'.repeat(301) }),
    40058,
  ],
  ['no price', (png) => album(png, { price: undefined }), 40063],
  ['a price of 0', (png) => album(png, { price: 0 }), 40058],
  ['a price over 50,000 yuan', (png) => album(png, { price: 5_000_001 }), 40058],
  ['a price in yuan with fen', (png) => album(png, { price: 19.9 }), 40058],
  ['a price as text', (png) => album(png, { price: '30000' }), 40058],
  ['a product_sn with a dash', (png) => album(png, { product_sn: 'SN-1' }), 40058],
  ['a product_sn of 129 characters', (png) => album(png, { product_sn: 'a'.repeat(129) }), 40058],
  ['no attachments', (png) => album(png, { attachments: undefined }), 40063],
  ['no images', (png) => album(png, { attachments: [] }), 40063],
  ['10 images', (png) => album(png, { attachments: Array(10).fill(albumImage(png)) }), 41064],
  [
    'a video',
    (png) => album(png, { attachments: [{ type: 'video', video: { media_id: png } }] }),
    41065,
  ],
  ['an image without media_id', (png) => album(png, { attachments: [{ type: 'image' }] }), 41006],
  ['a body that is no JSON', () => 'description=a', 47001],
];

describe('the product album: add, get, list, update, delete', () => {
  const s = emulatorSuite({ app: false, emulator: { apps: [WecomEmulator.DEFAULT_APP, OTHER] } });
  let c: Caller;
  let png: string;
  beforeEach(async () => {
    c = await callerOf(s.emulator);
    png = await c.upload('png', 2);
  });

  it('creates an album from a flat body and answers it wrapped in product', async () => {
    const jpeg = await c.upload('jpeg', 2);
    const body = album(png, { attachments: [albumImage(png), albumImage(jpeg)] });
    const added = await c.post('add_product_album', body);
    expect(added).toEqual({ errcode: 0, errmsg: 'ok', product_id: expect.any(String) });
    const plain = await c.post(
      'add_product_album',
      album(png, { product_sn: undefined, price: 1 }),
    );
    expect(plain.errcode).toBe(0);

    const got = await c.post('get_product_album', { product_id: added.product_id });
    expect(got).toEqual({
      errcode: 0,
      errmsg: 'ok',
      product: {
        product_id: added.product_id,
        description: body.description,
        price: 30_000,
        product_sn: 'SN2026spring01',
        attachments: body.attachments,
        create_time: expect.any(Number),
      },
    });
    expect(
      (await c.post('get_product_album', { product_id: plain.product_id })).product,
    ).toMatchObject({
      price: 1,
      product_sn: '',
    });
    expect(s.emulator.albums.map((a) => [a.productId, a.corpId, a.deleted])).toEqual([
      [added.product_id, s.emulator.corpId, false],
      [plain.product_id, s.emulator.corpId, false],
    ]);
  });

  it('takes the limits at their edge: 300 characters, 5,000,000 fen, 128 letters and digits, 9 images', async () => {
    const edge = album(png, {
      description: '字'.repeat(300),
      price: 5_000_000,
      product_sn: 'A1'.repeat(64),
      attachments: Array(9).fill(albumImage(png)),
    });
    expect((await c.post('add_product_album', edge)).errcode).toBe(0);
  });

  it.each(REFUSED)('refuses %s', async (_, bodyOf, errcode) => {
    expect((await c.post('add_product_album', bodyOf(png))).errcode).toBe(errcode);
    expect(s.emulator.albums).toEqual([]);
  });

  it('says where the fields go when the body is wrapped in product', async () => {
    const answer = await c.post('add_product_album', { product: album(png) });
    expect(answer.errmsg).toContain('not inside "product"');
  });

  it('pages through more albums than one page with opaque cursors, this corp only', async () => {
    const other = await callerOf({ url: s.emulator.url, ...OTHER });
    const theirs = await other.upload('png', 2);
    const ids: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await c.post('add_product_album', album(png, { price: 100 + i }))).product_id);
      await other.post('add_product_album', album(theirs));
    }
    await c.post('delete_product_album', { product_id: ids[1] });

    const pages: Answer[] = [await c.post('get_product_album_list', { limit: 2 })];
    while (pages.at(-1)?.next_cursor) {
      const cursor = pages.at(-1)?.next_cursor;
      pages.push(await c.post('get_product_album_list', { limit: 2, cursor }));
    }
    const listed = pages.map((p) => (p.product_list as Answer[]).map((x) => x.product_id));
    expect(listed).toEqual([
      [ids[0], ids[2]],
      [ids[3], ids[4]],
    ]);
    expect(pages.map((p) => p.next_cursor)).toEqual([expect.stringMatching(/^[\w-]+$/), '']);
    expect(pages[0]?.product_list).toContainEqual(expect.objectContaining({ price: 100 }));

    const cursor = pages[0]?.next_cursor;
    expect((await other.post('get_product_album_list', { limit: 2, cursor })).errcode).toBe(50100);
    expect((await c.post('get_product_album_list', { cursor: 'forged' })).errcode).toBe(50100);
    expect((await c.post('get_product_album_list', { limit: -1 })).errcode).toBe(40058);
    expect((await c.post('get_product_album_list', { limit: '2' })).errcode).toBe(40058);
  });

  it('lists 50 by default, and takes the default for a limit over 100', async () => {
    for (let i = 0; i < 51; i++) await c.post('add_product_album', album(png));
    for (const body of [{}, { limit: 101 }]) {
      const page = await c.post('get_product_album_list', body);
      expect((page.product_list as Answer[]).length).toBe(50);
      expect(page.next_cursor).not.toBe('');
    }
    const all = await c.post('get_product_album_list', { limit: 100 });
    expect([(all.product_list as Answer[]).length, all.next_cursor]).toEqual([51, '']);
  });

  it('updates only the fields given, each held to the same rules', async () => {
    const jpeg = await c.upload('jpeg', 2);
    const { product_id } = await c.post('add_product_album', album(png));
    expect((await c.post('update_product_album', { product_id, price: 0 })).errcode).toBe(40058);
    expect(
      (await c.post('update_product_album', { product_id, product: { price: 100 } })).errcode,
    ).toBe(40058);
    const update = { product_id, price: 9_900, attachments: [albumImage(jpeg)] };
    expect(await c.post('update_product_album', update)).toEqual({ errcode: 0, errmsg: 'ok' });

    const { product } = await c.post('get_product_album', { product_id });
    expect(product).toMatchObject({
      description: '春季新品 连衣裙',
      price: 9_900,
      product_sn: 'SN2026spring01',
      attachments: [albumImage(jpeg)],
    });
    expect(s.emulator.albums[0]).toMatchObject({ price: 9_900, updates: 1 });
    expect((await c.post('update_product_album', { price: 1 })).errcode).toBe(40063);
    expect((await c.post('update_product_album', { product_id: 'nope' })).errcode).toBe(40058);
  });

  it('deletes an album: it is answered as unknown from then on, and kept flagged for tests', async () => {
    const other = await callerOf({ url: s.emulator.url, ...OTHER });
    const { product_id } = await c.post('add_product_album', album(png));
    expect((await other.post('get_product_album', { product_id })).errcode).toBe(40058);
    expect((await other.post('delete_product_album', { product_id })).errcode).toBe(40058);
    expect(await c.post('delete_product_album', { product_id })).toEqual({
      errcode: 0,
      errmsg: 'ok',
    });
    expect((await c.post('get_product_album', { product_id })).errcode).toBe(40058);
    expect((await c.post('delete_product_album', { product_id })).errcode).toBe(40058);
    expect((await c.post('get_product_album', {})).errcode).toBe(40063);
    expect(s.emulator.albums.map((a) => a.deleted)).toEqual([true]);
  });
});
