// Hostile review of issue 22: the publishing DTOs and rules, at their edges.
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { CreateProductAlbumDto, PublishMomentDto } from '../../lib/index.js';
import { checkAlbum, checkMoment } from '../../lib/rules/publish-rules.js';
import { DEFAULT_ATTACHMENT_RULES } from '../../lib/rules/attachment-rules.js';

const album = async (priceFen: unknown) => {
  const dto = plainToInstance(CreateProductAlbumDto, { description: 'd', priceFen });
  return { errors: (await validate(dto)).map((e) => e.property), priceFen: dto.priceFen };
};

describe('review 22: CreateProductAlbumDto.priceFen is a number of fen, not anything Number() takes', () => {
  it.each([
    ['JSON true', true],
    ['"0x64"', '0x64'],
    ['"1e2"', '1e2'],
    ['"0b1100100"', '0b1100100'],
  ])('%s is refused', async (_, price) => {
    const { errors, priceFen } = await album(price);
    expect({ errors, priceFen }).toMatchObject({ errors: ['priceFen'] });
  });
});

describe('review 22: PublishMomentDto lists', () => {
  it('department ids "0x10" and "1e3" are not departments 16 and 1000', async () => {
    const dto = plainToInstance(PublishMomentDto, { senderDepartmentIds: '0x10,1e3' });
    const errors = await validate(dto);
    expect(errors.map((e) => e.property)).toEqual(['senderDepartmentIds']);
  });
});

describe('review 22: what the rules let through, and what they refuse', () => {
  const { moment, album: albumRules } = DEFAULT_ATTACHMENT_RULES;
  const rules = (v: ReturnType<typeof checkMoment>) => v.map((x) => x.rule);
  it('priceFen: "100", NaN, Infinity, 1e21, -0, 0.5 are all refused', () => {
    for (const priceFen of ['100', Number.NaN, Infinity, 1e21, -0, 0.5]) {
      expect(
        rules(
          checkAlbum({ description: 'd', priceFen, productSn: undefined, images: 1 }, albumRules),
        ),
      ).toEqual(['album-price']);
    }
  });
  it('2,000 emoji (surrogate pairs) are 8,000 bytes: refused', () => {
    expect(
      rules(checkMoment({ text: '😀'.repeat(2000), images: 0, video: false }, moment)),
    ).toEqual(['moment-text-length']);
  });
  it('a text of only whitespace is no text (moment-empty)', () => {
    expect(rules(checkMoment({ text: ' \n\t　', images: 0, video: false }, moment))).toEqual([
      'moment-empty',
    ]);
  });
  it('a description of only whitespace is no description', () => {
    expect(
      rules(
        checkAlbum(
          { description: '   ', priceFen: 1, productSn: undefined, images: 1 },
          albumRules,
        ),
      ),
    ).toEqual(['album-description']);
  });
  it('a link URL with credentials is refused (it is shown to customers)', () => {
    const link = (url: string) =>
      rules(
        checkMoment(
          { text: '', images: 0, video: false, link: { title: 't', url, cover: true } },
          moment,
        ),
      );
    expect(link('https://admin:hunter2@shop.example.com/')).toEqual(['moment-link-url']);
  });
});
