import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { CreateProductAlbumDto, PublishMomentDto } from '../../lib/index.js';

/** The constraints each property broke, without Nest's container: the doc's rules, in English. */
async function broken(type: new () => object, plain: object): Promise<Record<string, string[]>> {
  const errors = await validate(plainToInstance(type, plain));
  const out: Record<string, string[]> = {};
  const walk = (list: typeof errors, prefix: string): void => {
    for (const e of list) {
      const at = prefix + e.property;
      if (e.constraints) out[at] = Object.values(e.constraints);
      walk(e.children ?? [], `${at}.`);
    }
  };
  walk(errors, '');
  return out;
}

describe('PublishMomentDto and CreateProductAlbumDto (class-validator)', () => {
  it('a moment: the text by characters and by bytes, the link title and scheme', async () => {
    // At most 2,000 characters and 4,000 UTF-8 bytes: 2,000 letters, or 1,333 Chinese characters.
    expect(await broken(PublishMomentDto, { text: 'a'.repeat(2000) })).toEqual({});
    expect(await broken(PublishMomentDto, { text: '春'.repeat(1333) })).toEqual({});
    expect(Object.keys(await broken(PublishMomentDto, { text: 'a'.repeat(2001) }))).toEqual([
      'text',
    ]);
    expect(Object.keys(await broken(PublishMomentDto, { text: '春'.repeat(1333) + 'ab' }))).toEqual(
      ['text'],
    );
    const link = await broken(PublishMomentDto, {
      link: { title: 'a'.repeat(65), url: 'javascript:alert(1)' },
    });
    expect(link['link.title']?.[0]).toMatch(/64 bytes/);
    expect(link['link.url']?.[0]).toMatch(/javascript:/);
    expect(link['link.url']?.[0]).not.toMatch(/alert/);
  });

  it('lists from a form: comma-separated or repeated; department ids are numbers', async () => {
    const dto = plainToInstance(PublishMomentDto, {
      senderUserIds: 'zhangsan, lisi,',
      senderDepartmentIds: ['2', '3'],
      customerTagIds: 'etA',
    });
    expect(await validate(dto)).toEqual([]);
    expect(dto).toMatchObject({
      senderUserIds: ['zhangsan', 'lisi'],
      senderDepartmentIds: [2, 3],
      customerTagIds: ['etA'],
    });
    expect(Object.keys(await broken(PublishMomentDto, { senderDepartmentIds: 'two' }))).toEqual([
      'senderDepartmentIds',
    ]);
  });

  it.each([
    ['0.5', ['priceFen']],
    ['0', ['priceFen']],
    ['5000001', ['priceFen']],
    ['abc', ['priceFen']],
    ['19900', []],
  ])('an album priced %s fen', async (price, expected) => {
    const errors = await broken(CreateProductAlbumDto, {
      description: '连衣裙',
      priceFen: price,
      productSn: 'A1',
    });
    expect(Object.keys(errors)).toEqual(expected);
  });

  it('an album: the description, the product code', async () => {
    const errors = await broken(CreateProductAlbumDto, {
      description: '',
      priceFen: 1,
      productSn: 'SKU-1',
    });
    expect(errors.description?.[0]).toMatch(/1 to 300|at most 300/);
    expect(errors.productSn?.[0]).toMatch(/128/);
    expect(Object.keys(await broken(CreateProductAlbumDto, { priceFen: 1 }))).toEqual([
      'description',
    ]);
  });
});
