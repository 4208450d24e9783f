import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AttachmentRuleError,
  ProductAlbumService,
  WecomApiError,
  type CreateProductAlbumInput,
} from '../../lib/index.js';
import { fixture, fixturePath } from '../helpers/fixtures.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { bootApp, emulatorSuite } from '../helpers/wecom-test-app.js';

/** What a create refused, or 'created'. */
async function refusal(
  albums: ProductAlbumService,
  input: CreateProductAlbumInput,
): Promise<string[]> {
  try {
    await albums.create(input);
    return ['created'];
  } catch (error) {
    if (!(error instanceof AttachmentRuleError)) throw error;
    return error.violations.map((v) => v.rule);
  }
}

const album = (over: Partial<CreateProductAlbumInput> = {}): CreateProductAlbumInput => ({
  description: '春季新品 连衣裙',
  priceFen: 19_900,
  productSn: 'SKU2026A',
  images: [makePng(400, 400)],
  ...over,
});

describe('ProductAlbumService: from photos to a product album, and back', () => {
  const s = emulatorSuite();
  const albums = (): ProductAlbumService => s.app.app.get(ProductAlbumService);
  let photo: Buffer;

  beforeAll(async () => {
    photo = await readFile(fixturePath('location/phone-ii.jpg'));
  });

  it('uploads the photos for the album (attachment_type 2) and sends add_product_album flat', async () => {
    const created = await albums().create(
      album({
        images: [
          makePng(300, 300),
          { file: photo, filename: '正面.jpg' },
          fixturePath('photo.png'),
        ],
      }),
    );
    expect(created.productId).toMatch(/\S+/);
    expect(created.attachments).toHaveLength(3);
    expect(s.emulator.uploads.every((u) => u.query.attachment_type === '2')).toBe(true);
    const [call] = s.emulator.callsOf('add_product_album');
    // Flat: never wrapped in `product`.
    expect(Object.keys(call?.json ?? {}).toSorted()).toEqual([
      'attachments',
      'description',
      'price',
      'product_sn',
    ]);
    expect(s.emulator.albums[0]).toMatchObject({
      productId: created.productId,
      description: '春季新品 连衣裙',
      price: 19_900,
      productSn: 'SKU2026A',
      attachments: created.attachments.map((a) => ({
        type: 'image',
        image: { media_id: a.mediaId },
      })),
    });
  });

  it('get() reads an album back, with its date; list() follows next_cursor over every page', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 5; n += 1) {
      ids.push(
        (await albums().create(album({ priceFen: 100 + n, productSn: undefined }))).productId,
      );
    }
    const one = await albums().get(ids[2] ?? '');
    expect(one).toMatchObject({ productId: ids[2], priceFen: 102, description: '春季新品 连衣裙' });
    expect(one.productSn).toBeUndefined();
    expect(one.createdAt).toBeInstanceOf(Date);
    expect(one.mediaIds).toHaveLength(1);
    const listed: string[] = [];
    for await (const a of albums().list({ limit: 2 })) listed.push(a.productId);
    expect(listed).toEqual(ids);
    expect(s.emulator.callsOf('get_product_album_list')).toHaveLength(3);
    expect(() => albums().list({ limit: 101 })).toThrow(/1 to 100/);
  });

  it('update() changes the fields given; images replace the whole list; delete() removes it', async () => {
    const { productId } = await albums().create(
      album({ images: [makePng(50, 50), makePng(60, 60)] }),
    );
    await albums().update(productId, { priceFen: 50 });
    expect(s.emulator.albums[0]).toMatchObject({
      price: 50,
      description: '春季新品 连衣裙',
      updates: 1,
    });
    expect(s.emulator.albums[0]?.attachments).toHaveLength(2);
    await albums().update(productId, { description: '夏季', images: [photo] });
    expect(s.emulator.albums[0]).toMatchObject({ description: '夏季', price: 50, updates: 2 });
    expect(s.emulator.albums[0]?.attachments).toHaveLength(1);
    await albums().delete(productId);
    expect(s.emulator.albums[0]?.deleted).toBe(true);
    await expect(albums().get(productId)).rejects.toBeInstanceOf(WecomApiError);
  });

  const rules: Array<[string, Partial<CreateProductAlbumInput>, string[]]> = [
    ['a price of 0.5', { priceFen: 0.5 }, ['album-price']],
    ['a price of 0', { priceFen: 0 }, ['album-price']],
    ['a price over ¥50,000', { priceFen: 5_000_001 }, ['album-price']],
    ['an empty description', { description: '' }, ['album-description']],
    ['301 characters', { description: '字'.repeat(301) }, ['album-description']],
    ['a product code with a dash', { productSn: 'SKU-1' }, ['album-product-sn']],
    ['a product code of 129 characters', { productSn: 'a'.repeat(129) }, ['album-product-sn']],
    ['no images', { images: [] }, ['album-image-count']],
    [
      '10 images',
      { images: Array.from({ length: 10 }, () => makePng(10, 10)) },
      ['album-image-count'],
    ],
    ['a video', { images: [fixturePath('clip-faststart.mp4')] }, ['media-type-mismatch']],
    ['a GIF', { images: [fixture('photo.gif')] }, ['format']],
  ];
  it.each(rules)('refuses %s before anything is sent', async (_, over, expected) => {
    expect(await refusal(albums(), album(over))).toEqual(expected);
    expect(s.emulator.uploads).toHaveLength(0);
    expect(s.emulator.callsOf('add_product_album')).toHaveLength(0);
  });

  it('an update is held to the same rules, for what it changes', async () => {
    const { productId } = await albums().create(album());
    const uploads = s.emulator.uploads.length;
    const error = await albums()
      .update(productId, { priceFen: 0.5, productSn: '编号', images: [] })
      .catch((e: unknown) => e);
    expect((error as AttachmentRuleError).violations.map((v) => v.rule)).toEqual([
      'album-price',
      'album-product-sn',
      'album-image-count',
    ]);
    expect(s.emulator.uploads).toHaveLength(uploads);
    expect(s.emulator.callsOf('update_product_album')).toHaveLength(0);
  });

  it('the limits are rules like the upload’s: overridable', async () => {
    const cheap = await bootApp(s.emulator, { rules: { album: { minPriceFen: 100 } } });
    try {
      const error = await cheap.app
        .get(ProductAlbumService)
        .create(album({ priceFen: 99 }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AttachmentRuleError);
      expect((error as AttachmentRuleError).violations[0]).toMatchObject({
        rule: 'album-price',
        actual: 99,
      });
    } finally {
      await cheap.close();
    }
  });

  it('an image that fails to upload publishes nothing, and the error names it', async () => {
    s.emulator.failNext('upload_attachment', 40004);
    const error = await albums()
      .create(album({ images: [makePng(20, 20), makePng(30, 30), makePng(40, 40)] }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomApiError);
    expect((error as Error).message).toMatch(/^images\[\d\]: /);
    expect(s.emulator.callsOf('add_product_album')).toHaveLength(0);
  });

  it('an album errcode is a typed error; a token expired between calls is refreshed', async () => {
    s.emulator.failNext('add_product_album', 40058);
    await expect(albums().create(album())).rejects.toMatchObject({ errcode: 40058 });
    s.emulator.expireTokens();
    const { productId } = await albums().create(album());
    expect(productId).toBeTruthy();
    expect(s.emulator.gettokenCalls).toBe(2);
  });
});
