import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** A scratch directory for the files of one spec file, removed after it. */
export function scratchDir(): { path: string } {
  const dir = { path: '' };
  beforeAll(async () => {
    dir.path = await mkdtemp(join(tmpdir(), 'wecom-media-test-'));
  });
  afterAll(() => rm(dir.path, { recursive: true, force: true }));
  return dir;
}
