import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenFile } from '../../lib/source/open-file.js';

const openFds = async (): Promise<number> => (await readdir('/proc/self/fd')).length;

describe('OpenFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wecom-open-file-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.runIf(process.platform === 'linux')(
    'reads by position, and closes its descriptor once however often it is closed',
    async () => {
      const path = join(dir, 'a.bin');
      await writeFile(path, Buffer.from('0123456789'));
      const before = await openFds();
      const file = await OpenFile.open(path);
      expect((await file.stat()).size).toBe(10);
      const { bytesRead, buffer } = await file.read(Buffer.alloc(4), 0, 4, 3);
      expect([bytesRead, buffer.toString()]).toEqual([4, '3456']);
      expect(await openFds()).toBe(before + 1);
      await file.close();
      // A second close must not close whatever file was given the same number since.
      const other = await OpenFile.open(path);
      await file.close();
      expect((await other.read(Buffer.alloc(2), 0, 2, 0)).buffer.toString()).toBe('01');
      await other.close();
      await expect(file.read(Buffer.alloc(1), 0, 1, 0)).rejects.toThrow(/closed/);
      expect(await openFds()).toBe(before);
    },
  );
});
