import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { completeTsBlocks, root } from './readme-consumers.mjs';

const read = (file: string): Promise<string> => readFile(join(root, file), 'utf8');

/** The text of `markdown` from the heading `from` to the next heading of its level, or the end. */
function section(markdown: string, from: string): string {
  const start = markdown.indexOf(`\n${from}\n`);
  expect(start, `no heading ${from}`).toBeGreaterThanOrEqual(0);
  const level = /^#+/.exec(from)?.[0] ?? '##';
  const next = markdown.slice(start + from.length + 2).search(new RegExp(`^${level} `, 'm'));
  return next < 0 ? markdown.slice(start) : markdown.slice(start, start + from.length + 2 + next);
}

describe("the README's example violation", () => {
  it('is what the module says of a 1081 × 1081 PNG for moments', async () => {
    const readme = await read('README.md');
    const shown = /```json\n(\{\n {2}"rule": "moment-image-short-edge"[^`]*)```/.exec(readme)?.[1];
    const { checkAttachment } = await import('../../lib/rules/check-attachment.js');
    const { DEFAULT_ATTACHMENT_RULES } = await import('../../lib/rules/attachment-rules.js');
    const [actual] = checkAttachment(
      {
        mediaType: 'image',
        attachmentType: 1,
        size: 1000,
        filename: 'a.png',
        media: { format: 'png', width: 1081, height: 1081 },
      },
      DEFAULT_ATTACHMENT_RULES,
    );
    expect(JSON.parse(shown ?? '{}')).toEqual(actual);
  });
});

describe("docs/errors.md's rule names", () => {
  it('names every rule a violation can carry, and no other', async () => {
    const names = section(await read('docs/errors.md'), '## Rule names');
    const source = await read('lib/rules/violation.interface.ts');
    const union = source.slice(source.indexOf('export type RuleName'));
    const rules = [...union.slice(0, union.indexOf(';')).matchAll(/'([a-z-]+)'/g)].map((m) => m[1]);
    expect(rules.length).toBeGreaterThan(25);
    expect(rules).toContain('url-redirects');
    expect(rules.filter((name) => !names.includes(`\`${name}\``))).toEqual([]);
    // Each item names rules, and only rules a violation can carry.
    const listed = [...names.matchAll(/^- (`[a-z-]+`(?:, `[a-z-]+`)*) —/gm)].flatMap((m) =>
      [...(m[1] ?? '').matchAll(/`([a-z-]+)`/g)].map((n) => n[1]),
    );
    expect(listed.toSorted()).toEqual(rules.toSorted());
  });
});

describe("the README's install section", () => {
  it('names every package the blocks of the README and the guides import', async () => {
    const install = section(await read('README.md'), '## Install');
    const imported = new Set(
      (await completeTsBlocks()).flatMap((b) =>
        [...b.code.matchAll(/from '([^'.][^']*)'/g)]
          .map((m) => m[1] ?? '')
          .filter((name) => !name.startsWith('node:'))
          .map((name) =>
            name
              .split('/')
              .slice(0, name.startsWith('@') ? 2 : 1)
              .join('/'),
          ),
      ),
    );
    expect(imported).toContain('ioredis');
    expect(imported).toContain('@nestjs/config');
    expect(
      [...imported].filter(
        (name) =>
          !install.includes(`\`${name}\``) &&
          !install.includes(` ${name} `) &&
          !install.includes(` ${name}\n`),
      ),
    ).toEqual([]);
  });
});

describe("the README's own-controller recipe", () => {
  it('is the controller test/e2e/own-controller.e2e.spec.ts runs, word for word', async () => {
    const blocks = await completeTsBlocks();
    const recipes = blocks.filter((b) => b.code.includes('class ProductImagesController'));
    expect(recipes.map((b) => b.file)).toEqual(['README.md']);
    const spec = await read('test/e2e/own-controller.e2e.spec.ts');
    /** The controller class, decorators first, without comments or layout. */
    const controller = (code: string): string =>
      code
        .slice(
          code.indexOf("@Controller('products')"),
          code.indexOf('\n}\n', code.indexOf('class ProductImagesController')),
        )
        .replace(/\/\/.*$|\/\*\*.*?\*\//gm, '')
        .replace(/\s+/g, ' ')
        .replace(/export /g, '');
    expect(controller(spec)).not.toBe('');
    expect(controller(spec)).toBe(controller(recipes[0]?.code ?? ''));
  });

  it('says, beside the code, that `Express.Multer.File` needs "multer" in tsconfig types', async () => {
    const own = section(await read('README.md'), '## Your own endpoint');
    expect(own).toContain('"types": ["node", "multer"]');
    expect(own).toContain("TS2503 `Cannot find namespace 'Express'`");
    expect(own).toContain('@types/multer');
  });
});
