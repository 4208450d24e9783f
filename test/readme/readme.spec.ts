import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { completeTsBlocks, root, writeConsumer, type CodeBlock } from './readme-consumers.mjs';

const run = promisify(execFile);
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** Type-checks (and emits) a consumer; resolves with tsc's complaints, empty when it compiles. */
async function compile(dir: string): Promise<string> {
  try {
    await run(process.execPath, [tsc, '-p', dir], { cwd: dir });
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

/** Each block as its own file, named after where it stands in the README. */
const asFiles = (blocks: CodeBlock[]): Record<string, string> =>
  Object.fromEntries(
    blocks.map((b) => [`${b.file.replace(/\W+/g, '-')}-line-${b.line}.ts`, b.code]),
  );

// dist is built by `npm test` (or test/global-setup.ts) before this runs. Each compile takes a
// few seconds: skipLibCheck is off, so every declaration file the blocks reach is checked too.
describe("the README's code, as a new user copies it", () => {
  it('has complete ts blocks to check (a deliberately partial one says `ts partial`)', async () => {
    const blocks = await completeTsBlocks();
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    expect(blocks.some((b) => b.code.includes('ProductImagesController'))).toBe(true);
  });

  it('compiles in an ESM app, strict, with skipLibCheck off', async () => {
    const dir = await writeConsumer('esm', asFiles(await completeTsBlocks()));
    expect(await compile(dir)).toBe('');
  });

  it('compiles in a CommonJS app, strict, with skipLibCheck off', async () => {
    const dir = await writeConsumer('cjs', asFiles(await completeTsBlocks()));
    expect(await compile(dir)).toBe('');
  });

  it("resolves '/testing' under the legacy moduleResolution node (typesVersions)", async () => {
    const dir = await writeConsumer('cjs-node10', {
      'emulator.ts': [
        "import { WecomMediaModule, type WecomMediaModuleOptions } from 'nestjs-wecom-media';",
        "import { WecomEmulator, type RecordedRequest } from 'nestjs-wecom-media/testing';",
        'export async function start(): Promise<RecordedRequest[]> {',
        '  const wecom = await WecomEmulator.start();',
        '  const options: WecomMediaModuleOptions = { corpId: wecom.corpId, corpSecret: wecom.corpSecret };',
        '  WecomMediaModule.forRoot(options);',
        '  return wecom.uploads;',
        '}',
      ].join('\n'),
    });
    expect(await compile(dir)).toBe('');
  });

  it('runs the quick start against the emulator', async () => {
    const [quickStart] = await completeTsBlocks();
    expect(quickStart?.code).toContain('class ProductImages');
    const dir = await writeConsumer('esm', { 'quick-start.ts': quickStart?.code ?? '' });
    expect(await compile(dir)).toBe('');
    const { stdout } = await run(
      process.execPath,
      [join(root, 'test', 'readme', 'run-quick-start.mjs'), join(dir, 'out', 'quick-start.js')],
      { cwd: dir },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      mediaId?: string;
      filename?: string;
      uploaded?: string;
    };
    expect(result.mediaId).toBe(result.uploaded);
    expect(result.filename).toBe('春季新品.png');
  });
});

describe("the README's example violation", () => {
  it('is what the module says of a 1081 × 1081 PNG for moments', async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const shown = /```json\n(\{\n  "rule": "moment-image-short-edge"[^`]*)```/.exec(readme)?.[1];
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

describe("the README's rule names", () => {
  it('names every rule a violation can carry, and no other', async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const source = await readFile(join(root, 'lib/rules/violation.interface.ts'), 'utf8');
    const union = source.slice(source.indexOf('export type RuleName'));
    const names = [...union.slice(0, union.indexOf(';')).matchAll(/'([a-z-]+)'/g)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(20);
    const section = readme.slice(
      readme.indexOf('## Upload rules'),
      readme.indexOf('## Fit instead'),
    );
    expect(names.filter((name) => !section.includes(`\`${name}\``))).toEqual([]);
  });
});

describe("the README's install section", () => {
  it('names every package the blocks import (the install lines or the peers)', async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const install = readme.slice(readme.indexOf('## Install'), readme.indexOf('## Quick start'));
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
    expect(imported.size).toBeGreaterThan(3);
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
    const recipe = blocks.find((b) => b.code.includes('class ProductImagesController'))?.code ?? '';
    const spec = await readFile(join(root, 'test/e2e/own-controller.e2e.spec.ts'), 'utf8');
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
    expect(controller(spec)).toBe(controller(recipe));
  });
});
