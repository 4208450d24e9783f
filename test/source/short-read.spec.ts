import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { AttachmentType, MediaType } from '../../lib/index.js';
import { emulatorSuite } from '../helpers/wecom-test-app.js';
import { fixturePath } from '../helpers/fixtures.js';

/** When set, the next fs.read asks for fewer bytes: a short read, as POSIX allows (NFS, FUSE). */
const next: { shorten?: number } = {};
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  const read = (...args: unknown[]): unknown => {
    if (next.shorten !== undefined && typeof args[3] === 'number') {
      args[3] = Math.floor(args[3] * next.shorten);
      next.shorten = undefined;
    }
    return (fs.read as (...a: unknown[]) => unknown)(...args);
  };
  return { ...fs, default: { ...fs, read }, read };
});

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('a file read short', () => {
  const s = emulatorSuite({ app: { mediaCache: true } });

  for (const [name, mediaType] of [
    ['photo-baseline.jpg', MediaType.Image],
    ['clip-faststart.mp4', MediaType.Video],
  ] as const) {
    it(`${name}: read on to its end, so WeCom gets every byte, and the cache keeps the whole file`, async () => {
      const path = fixturePath(name);
      next.shorten = 0.6;
      await s.app.service.upload({ file: path, mediaType, attachmentType: AttachmentType.Moment });
      expect(next.shorten).toBeUndefined(); // the short read did happen
      expect(s.emulator.uploads.at(-1)?.upload?.sha256).toBe(sha256(readFileSync(path)));
    });
  }
});
