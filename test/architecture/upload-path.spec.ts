import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { makePng } from '../helpers/media-bytes.mjs';

const run = promisify(execFile);

const png = Buffer.from(makePng(200, 100)).toString('base64');
/** The lib files one upload runs through, in a fresh Node (with `env` added to this one's). */
async function pathOf(execArgv: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const script = join(import.meta.dirname, 'upload-path.mjs');
  const { stdout } = await run(process.execPath, [...execArgv, script, png], {
    env: { ...process.env, ...env },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as string[];
}

// dist is built by `npm test` (or test/global-setup.ts): the path is measured on the built
// package, in plain Node, where coverage counting does not meet vitest's own.
describe('one upload from a path', () => {
  it('runs through at most 18 lib files: service, source, inspection, rules, client', async () => {
    // Measured with @opentelemetry/api installed (a dev dependency) and no SDK registered, as in
    // most apps: telemetry runs only once an SDK is (see AttachmentService.finish).
    expect(createRequire(import.meta.url).resolve('@opentelemetry/api')).toMatch(/node_modules/);
    const files = await pathOf();
    expect(files).toContain('lib/attachment.service.ts');
    expect(files).toContain('lib/client/upload-attachment.ts');
    // Listed in full when it fails, so that the file to fold or to skip shows.
    expect(files.length > 18 ? files : []).toEqual([]);
  });

  it('is the same path whether @opentelemetry/api is installed (no SDK) or not', async () => {
    const hidden = await pathOf(['--import', './test/helpers/hide-packages.mjs'], {
      HIDE_PACKAGES: '@opentelemetry/api',
    });
    expect(hidden).toContain('lib/attachment.service.ts');
    expect(await pathOf()).toEqual(hidden);
  });
});
