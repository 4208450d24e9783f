import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { makePng } from './helpers/media-bytes.js';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The names the public contract promises (DESIGN.md). */
const CONTRACT = [
  'AttachmentRuleError',
  'AttachmentService',
  'AttachmentType',
  'MediaType',
  'WecomApiError',
  'WecomMediaModule',
];

// dist is built once by test/global-setup.ts.
describe('the built package, loaded by its name in plain Node', () => {
  it('imports as ESM and uploads through a real Nest app', async () => {
    const png = makePng(4, 4).toString('base64');
    const { stdout } = await run(process.execPath, [join(root, 'test/packaging/smoke.mjs'), png], {
      cwd: root,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      mediaId?: string;
      uploads?: number;
    };
    expect(result.mediaId).toMatch(/\S{20,}/);
    expect(result.uploads).toBe(1);
  });

  it('loads through require() (require(esm)) with the whole contract', async () => {
    const { stdout } = await run(process.execPath, [join(root, 'test/packaging/smoke.cjs')], {
      cwd: root,
    });
    const { exports, testing } = JSON.parse(stdout) as { exports: string[]; testing: string[] };
    expect(exports).toEqual(expect.arrayContaining(CONTRACT));
    expect(testing).toContain('WecomEmulator');
  });

  it('packs only dist, the README, the CHANGELOG and the licence', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
    });
    const [pack] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
    const paths = pack?.files.map((f) => f.path) ?? [];
    expect(paths).toContain('dist/index.js');
    expect(paths).toContain('dist/index.d.ts');
    expect(paths).toContain('dist/testing/index.js');
    const outside = paths.filter(
      (p) =>
        !p.startsWith('dist/') && !/^(package\.json|README\.md|CHANGELOG\.md|LICENSE)$/.test(p),
    );
    expect(outside).toEqual([]);
  });
});
