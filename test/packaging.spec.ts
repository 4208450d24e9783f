import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { makePng } from './helpers/media-bytes.mjs';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const png = makePng(4, 4).toString('base64');

/** Every runtime name of the package: the README's "Public API" section lists the same. */
const RUNTIME_EXPORTS = [
  'AttachmentFileInterceptor',
  'AttachmentFileValidator',
  'AttachmentFilesInterceptor',
  'AttachmentQuery',
  'AttachmentQueryInterceptor',
  'AttachmentRuleError',
  'AttachmentService',
  'AttachmentSourceError',
  'AttachmentType',
  'ClientAbortSignal',
  'CreateProductAlbumDto',
  'DEFAULT_ATTACHMENT_RULES',
  'FollowsPublishRule',
  'MediaType',
  'MemoryStore',
  'MomentLinkDto',
  'MomentService',
  'ProductAlbumService',
  'PublishJobFailedError',
  'PublishJobPendingError',
  'PublishMomentDto',
  'PublishQueue',
  'PublishRuleConstraint',
  'RedisStore',
  'SharpMissingError',
  'UploadAttachmentQueryDto',
  'WECOM_ACCESS_TOKEN_PROVIDER',
  'WECOM_ATTACHMENT_RULES',
  'WECOM_MEDIA_EXTRAS',
  'WECOM_MEDIA_OPTIONS',
  'WecomAbortedError',
  'WecomApiError',
  'WecomBusyError',
  'WecomCredentialSourceError',
  'WecomError',
  'WecomErrorFilter',
  'WecomInvalidCredentialsError',
  'WecomMediaModule',
  'WecomNetworkError',
  'WecomProtocolError',
  'WecomRateLimitError',
  'WecomTaskPendingError',
  'WecomTimeoutError',
];

/** Runs a script of test/packaging in plain Node and parses the JSON of its last line. */
async function script<T>(name: string, ...args: string[]): Promise<T> {
  const { stdout } = await run(process.execPath, [join(root, 'test/packaging', name), ...args], {
    cwd: root,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as T;
}

// dist is built by `npm test` (or test/global-setup.ts) before this runs.
describe('the built package, loaded by its name in plain Node', () => {
  it('imports as ESM (/health too) and uploads through a real Nest app', async () => {
    const result = await script<{ mediaId?: string; uploads?: number; health?: unknown }>(
      'smoke.mjs',
      png,
    );
    expect(result.mediaId).toMatch(/\S{20,}/);
    expect(result.uploads).toBe(1);
    // nestjs-wecom-media/health, in a Terminus app: the upload's token is held.
    expect(result.health).toEqual({
      status: 'up',
      corpId: 'wwemulator0000001',
      token: 'held',
      store: 'memory',
    });
  });

  it('loads through require() (require(esm)), exporting exactly the documented names', async () => {
    const { exports, testing, health } = await script<Record<string, string[]>>('smoke.cjs');
    expect(exports).toEqual(RUNTIME_EXPORTS);
    expect(testing).toEqual(['WecomEmulator']);
    expect(health).toEqual(['WecomHealthIndicator', 'WecomHealthModule']);
  });

  it('loads neither multer nor sharp when the app receives no uploads and fits no image', async () => {
    const result = await script<Record<string, unknown>>('lazy-peers.mjs', png);
    expect(result).toEqual({
      multerLoaded: false,
      sharpLoaded: false,
      otelAtImport: false, // @opentelemetry/api: only at boot
      otelAtBoot: true,
      health: 'loaded',
      uploads: 1,
    });
  });

  it('boots and uploads without @nestjs/terminus and @opentelemetry/api: the main entry never imports them', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', './test/helpers/hide-packages.mjs', 'test/packaging/lazy-peers.mjs', png],
      { cwd: root, env: { ...process.env, HIDE_PACKAGES: '@nestjs/terminus,@opentelemetry/api' } },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    expect(result).toMatchObject({
      otelAtBoot: false,
      health: 'ERR_MODULE_NOT_FOUND', // /health needs Terminus: the hiding works
      uploads: 1,
    });
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
    expect(paths).toContain('CHANGELOG.md');
    expect(paths).toContain('README.md');
    const outside = paths.filter(
      (p) =>
        !p.startsWith('dist/') && !/^(package\.json|README\.md|CHANGELOG\.md|LICENSE)$/.test(p),
    );
    expect(outside).toEqual([]);
  });
});

describe('docs/api.md, the list of the public API', () => {
  it('names every export the API reports record, and no other', async () => {
    const { readFile } = await import('node:fs/promises');
    const section = await readFile(join(root, 'docs', 'api.md'), 'utf8');
    const reports = [
      'nestjs-wecom-media.api.md',
      'nestjs-wecom-media-testing.api.md',
      'nestjs-wecom-media-health.api.md',
    ];
    for (const report of reports) {
      const api = await readFile(join(root, 'etc', report), 'utf8');
      const names = [
        ...api.matchAll(
          /^export (?:declare )?(?:class|interface|type|const|function|enum) (\w+)/gm,
        ),
      ].map((m) => m[1] ?? '');
      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((name) => !section.includes(`\`${name}\``))).toEqual([]);
    }
    const named = [...section.matchAll(/`(\w+)`/g)].map((m) => m[1] ?? '');
    const exported = (
      await Promise.all(reports.map((report) => readFile(join(root, 'etc', report), 'utf8')))
    ).join('');
    // Every name the section gives as an export is one (methods like `upload` aside).
    const notExported = named.filter(
      (name) =>
        /^[A-Z]/.test(name) && !new RegExp(`export (?:declare )?\\w+ ${name}\\b`).test(exported),
    );
    expect(notExported).toEqual([]);
  });
});
