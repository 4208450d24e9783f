import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { makePng } from '../helpers/media-bytes.mjs';

const run = promisify(execFile);

// dist is built by `npm test` (or test/global-setup.ts): the path is measured on the built
// package, in plain Node, where coverage counting does not meet vitest's own.
describe('one upload from a path', () => {
  it('runs through at most 18 lib files: service, source, inspection, rules, client', async () => {
    // Measured with @opentelemetry/api installed (a dev dependency) and no SDK registered, as in
    // most apps: telemetry runs only once an SDK is (see AttachmentService.finish).
    expect(createRequire(import.meta.url).resolve('@opentelemetry/api')).toMatch(/node_modules/);
    const { stdout } = await run(process.execPath, [
      join(import.meta.dirname, 'upload-path.mjs'),
      Buffer.from(makePng(200, 100)).toString('base64'),
    ]);
    const files = JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as string[];
    expect(files).toContain('lib/attachment.service.ts');
    expect(files).toContain('lib/client/upload-attachment.ts');
    // Listed in full when it fails, so that the file to fold or to skip shows.
    expect(files.length > 18 ? files : []).toEqual([]);
  });
});
