import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { resolveSource } from '../../lib/source/attachment-source.js';
import { OpenFile } from '../../lib/source/file-source.js';
import { TempDirectory } from '../../lib/source/temp-directory.js';

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

  it.runIf(process.platform === 'linux')(
    'a FIFO as the file: refused at once, not waited on for a writer, and nothing left open',
    async () => {
      const fifo = join(dir, 'pipe');
      execFileSync('mkfifo', [fifo]);
      const before = await openFds();
      const temp = new TempDirectory(dir);
      // Would never settle with a blocking open: the test would time out.
      await expect(resolveSource({ file: fifo } as never, { temp, spoolLimit: 1 })).rejects.toThrow(
        /not a regular file/,
      );
      expect(await openFds()).toBe(before);
      await temp.dispose();
    },
  );

  it('a read still under way when the file is closed: the descriptor closes after it', async () => {
    const path = join(dir, 'b.bin');
    await writeFile(path, Buffer.alloc(1024 * 1024, 1));
    const file = await OpenFile.open(path);
    const reading = file.read(Buffer.alloc(1024 * 1024), 0, 1024 * 1024, 0);
    const closing = file.close();
    expect((await reading).bytesRead).toBe(1024 * 1024);
    await closing;
  });
});
