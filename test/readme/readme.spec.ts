import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  asFiles,
  compile,
  completeTsBlocks,
  fileOf,
  root,
  writeConsumer,
  type Complaints,
} from './readme-consumers.mjs';

const run = promisify(execFile);

/** What the test fails on: errors in the blocks or in this package; the rest is reported. */
function ours({ ours: inBlocks, theirs }: Complaints): string {
  if (theirs.length > 0) {
    console.warn(
      `errors inside third-party packages' own .d.ts files (theirs, not failing this test):\n${theirs.join('\n')}`,
    );
  }
  return inBlocks.join('\n');
}

// dist is built by `npm test` (or test/global-setup.ts) before this runs. Each compile takes a
// few seconds: skipLibCheck is off, so every declaration file the blocks reach is checked too.
describe("the README's and the guides' code, as a new user copies it", () => {
  it('has complete ts blocks to check (a deliberately partial one says `ts partial`)', async () => {
    const blocks = await completeTsBlocks();
    expect(blocks.length).toBeGreaterThanOrEqual(15);
    expect(
      blocks.some((b) => b.file === 'README.md' && b.code.includes('ProductImagesController')),
    ).toBe(true);
    // Every guide but the generated options and the API list shows code that compiles.
    const withCode = new Set(blocks.map((b) => b.file));
    for (const guide of ['configuration', 'errors', 'fit', 'many-corps', 'network', 'replicas']) {
      expect(withCode).toContain(`docs/${guide}.md`);
    }
  });

  // tsc reads every peer's .d.ts with skipLibCheck off: 6–9 s alone, far more beside a full suite.
  const COMPILE_BUDGET_MS = 120_000;

  it(
    'compiles in an ESM app, strict, with skipLibCheck off',
    { timeout: COMPILE_BUDGET_MS },
    async () => {
      const dir = await writeConsumer('esm', asFiles(await completeTsBlocks()));
      expect(ours(await compile(dir))).toBe('');
    },
  );

  it(
    'compiles in a CommonJS app, strict, with skipLibCheck off',
    { timeout: COMPILE_BUDGET_MS },
    async () => {
      const dir = await writeConsumer('cjs', asFiles(await completeTsBlocks()));
      expect(ours(await compile(dir))).toBe('');
    },
  );

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
    expect(ours(await compile(dir))).toBe('');
  });

  it('runs the quick start (app.module.ts and main.ts) against the emulator', async () => {
    const readme = (await completeTsBlocks()).filter((b) => b.file === 'README.md');
    const quickStart = readme.filter((b) => /\/(app\.module|main)\.ts$/.test(fileOf(b)));
    expect(quickStart.map((b) => fileOf(b))).toEqual([
      'README-md/app.module.ts',
      'README-md/main.ts',
    ]);
    // A newcomer's first guess was AttachmentType.Moments: the quick start names the real one.
    expect(quickStart[0]?.code).toContain('AttachmentType.Moment,');
    const dir = await writeConsumer('esm', asFiles(quickStart));
    expect(ours(await compile(dir))).toBe('');
    const { stdout } = await run(
      process.execPath,
      [
        join(root, 'test', 'readme', 'run-quick-start.mjs'),
        join(dir, 'out', 'README-md', 'main.js'),
      ],
      { cwd: dir },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      printed?: string;
      uploaded?: string;
      attachmentType?: string;
      filename?: string;
    };
    expect(result.uploaded).toMatch(/\S{20,}/);
    expect(result.printed).toMatch(new RegExp(`^media_id ${result.uploaded}, valid until 20`));
    expect(result.attachmentType).toBe('1');
    expect(result.filename).toBe('春季新品.png');
  });
});

describe('what the README test fails on', () => {
  /** A third-party package whose own .d.ts imports a module that ships no types. */
  const untypedDependency = {
    'typed-lib': {
      'package.json': JSON.stringify({ name: 'typed-lib', version: '1.0.0', types: 'index.d.ts' }),
      'index.js': 'exports.answer = 42;',
      'index.d.ts': "import { Base } from 'untyped-lib';\nexport declare const answer: number;\n",
    },
    'untyped-lib': {
      'package.json': JSON.stringify({ name: 'untyped-lib', version: '1.0.0', main: 'index.js' }),
      'index.js': 'exports.Base = class {};',
    },
  };

  it("reports an error inside a third-party package's own .d.ts, without failing", async () => {
    const dir = await writeConsumer(
      'esm',
      {
        'uses.ts':
          "import { answer } from 'typed-lib';\nexport const twice: number = answer * 2;\n",
      },
      untypedDependency,
    );
    const complaints = await compile(dir);
    expect(complaints.ours).toEqual([]);
    expect(complaints.theirs.join('\n')).toMatch(/node_modules\/typed-lib\/index\.d\.ts.*TS7016/);
  });

  it('fails on an error in a block, even beside a third-party one', async () => {
    const dir = await writeConsumer(
      'esm',
      {
        'uses.ts':
          "import { answer } from 'typed-lib';\nexport const twice: string = answer * 2;\n",
        'README-md/line-1.ts':
          "import { AttachmentType } from 'nestjs-wecom-media';\nAttachmentType.Moments;\n",
      },
      untypedDependency,
    );
    const complaints = await compile(dir);
    expect(complaints.theirs).toHaveLength(1);
    expect(complaints.ours.join('\n')).toMatch(/src\/uses\.ts.*TS2322/);
    expect(complaints.ours.join('\n')).toMatch(/README-md\/line-1\.ts.*'Moments' does not exist/);
  });
});
