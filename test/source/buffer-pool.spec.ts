import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferPool } from '../../lib/source/buffer-pool.js';
import { resolveSource } from '../../lib/source/attachment-source.js';
import { WHOLE_FILES } from '../../lib/source/file-source.js';
import { TempDirectory } from '../../lib/source/temp-directory.js';

const KiB = 1024;

describe('BufferPool', () => {
  it('hands out power-of-two buffers, and the same one again once it is back', () => {
    const pool = new BufferPool(1024 * KiB, 4096 * KiB);
    const first = pool.acquire(100 * KiB);
    expect(first.length).toBe(128 * KiB);
    expect(pool.acquire(1).length).toBe(64 * KiB);
    pool.release(first);
    expect(pool.retainedBytes).toBe(128 * KiB);
    expect(pool.acquire(120 * KiB)).toBe(first);
    expect(pool.retainedBytes).toBe(0);
  });

  it('adds its slack to every size: a 1 MiB file and its room fit a 1 MiB class', () => {
    const pool = new BufferPool(1024 * KiB, 4096 * KiB, 4 * KiB);
    const exact = pool.acquire(1024 * KiB + 4 * KiB);
    expect(exact.length).toBe(1024 * KiB + 4 * KiB);
    expect(pool.acquire(1).length).toBe(64 * KiB + 4 * KiB);
    expect(pool.acquire(1024 * KiB + 4 * KiB + 1).length).toBe(1024 * KiB + 4 * KiB + 1);
    pool.release(exact);
    expect(pool.retainedBytes).toBe(1024 * KiB + 4 * KiB);
    expect(pool.acquire(600 * KiB + 4 * KiB)).toBe(exact);
  });

  it('keeps no more than it may retain, and nothing over its largest size', () => {
    const pool = new BufferPool(128 * KiB, 128 * KiB);
    const big = pool.acquire(200 * KiB);
    expect(big.length).toBe(200 * KiB);
    pool.release(big);
    expect(pool.retainedBytes).toBe(0);
    const [a, b] = [pool.acquire(128 * KiB), pool.acquire(128 * KiB)];
    pool.release(a);
    pool.release(b);
    expect(pool.retainedBytes).toBe(128 * KiB);
    expect(pool.acquire(128 * KiB)).toBe(a);
    expect(pool.acquire(128 * KiB)).not.toBe(b);
  });
});

describe('a file read whole', () => {
  let dir: string;
  let temp: TempDirectory;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wecom-pool-'));
    temp = new TempDirectory(dir);
  });
  afterAll(async () => {
    await temp.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives its buffer back once, however often it is disposed', async () => {
    const path = join(dir, 'a.bin');
    const bytes = Buffer.alloc(300 * KiB, 7);
    await writeFile(path, bytes);
    const options = { temp, spoolLimit: 1 };
    const source = await resolveSource({ file: path } as never, options);
    const body = source.body() as Buffer;
    expect(body.equals(bytes)).toBe(true);
    const before = WHOLE_FILES.retainedBytes;
    await source.dispose();
    await source.dispose();
    // 512 KiB, and the 4 KiB of room around a file (for the multipart head and tail).
    expect(WHOLE_FILES.retainedBytes - before).toBe(512 * KiB + 4 * KiB);
    // Two files at once never share a buffer.
    const [one, two] = await Promise.all([
      resolveSource({ file: path } as never, options),
      resolveSource({ file: path } as never, options),
    ]);
    expect((one.body() as Buffer).buffer).not.toBe((two.body() as Buffer).buffer);
    expect((two.body() as Buffer).equals(bytes)).toBe(true);
    await Promise.all([one.dispose(), two.dispose()]);
  });

  it('reads at most 32 MiB of files whole at once: the next ones stream, holding a chunk', async () => {
    const path = join(dir, 'b.bin');
    const bytes = Buffer.alloc(900 * KiB, 9);
    await writeFile(path, bytes);
    const options = { temp, spoolLimit: 1 };
    const lent = WHOLE_FILES.lentBytes;
    // 1 MiB + 4 KiB each: 31 fit under 32 MiB.
    const held = await Promise.all(
      Array.from({ length: 40 }, () => resolveSource({ file: path } as never, options)),
    );
    const whole = held.filter((source) => Buffer.isBuffer(source.body()));
    expect(whole).toHaveLength(31);
    expect(WHOLE_FILES.lentBytes - lent).toBeLessThanOrEqual(32 * 1024 * KiB);
    for (const source of held) {
      const body = source.body();
      const read = Buffer.isBuffer(body) ? body : Buffer.concat(await body.toArray());
      expect(read.equals(bytes)).toBe(true);
    }
    await Promise.all(held.map((source) => source.dispose()));
    expect(WHOLE_FILES.lentBytes).toBe(lent);
  });
});
