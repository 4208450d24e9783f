import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AttachmentType, RedisStore } from '../../lib/index.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { RedisServer, requireRedisServer } from '../helpers/redis-server.mjs';
import { bootApp, emulatorSuite } from '../helpers/wecom-test-app.js';
import { input, png } from '../helpers/moment-input.js';

describe('the media-id cache', () => {
  const s = emulatorSuite({ app: { mediaCache: true } });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a second identical upload sends nothing and returns the same media_id, marked reused', async () => {
    const first = await s.app.service.upload(input());
    const second = await s.app.service.upload(input({ file: Buffer.from(png) }));
    expect(first.reused).toBe(false);
    expect(second).toEqual({ ...first, reused: true });
    expect(s.emulator.uploads).toHaveLength(1);
  });

  it('a different filename or attachment type uploads again (users see the filename)', async () => {
    await s.app.service.upload(input());
    await s.app.service.upload(input({ filename: 'other-name.png' }));
    await s.app.service.upload(input({ attachmentType: AttachmentType.ProductAlbum }));
    expect(s.emulator.uploads).toHaveLength(3);
  });

  it('different bytes upload again', async () => {
    await s.app.service.upload(input());
    await s.app.service.upload(input({ file: makePng(121, 80) }));
    expect(s.emulator.uploads).toHaveLength(2);
  });

  it('an entry past its expiry (created_at + 3 days - 1 h) uploads again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await s.app.service.upload(input());
    vi.setSystemTime(Date.now() + 3 * 24 * 3600_000 - 3600_000 - 60_000);
    expect((await s.app.service.upload(input())).reused).toBe(true);
    vi.setSystemTime(Date.now() + 2 * 60_000); // now inside the safety margin
    expect((await s.app.service.upload(input())).reused).toBe(false);
    expect(s.emulator.uploads).toHaveLength(2);
  });

  it('callers sharing one upload: the first one leaving does not fail the others', async () => {
    await s.app.service.upload(input({ filename: 'warm.png' })); // the token first
    s.emulator.setDelay(300); // WeCom is slow: the first caller leaves while it works
    const calling = new Promise((resolve) => s.emulator.once('arrival', resolve));
    const leaves = new AbortController();
    const first = s.app.service.upload(input({ signal: leaves.signal })).catch((e: unknown) => e);
    const second = s.app.service.upload(input());
    await calling;
    leaves.abort(new Error('the first caller went away'));
    expect(await first).toMatchObject({ message: 'the first caller went away' });
    const result = await second;
    expect(result.mediaId).toBe(s.emulator.uploads.at(-1)?.mediaId);
    expect(s.emulator.uploads.filter((u) => u.closedByClient)).toHaveLength(0);
  });

  it('the shared upload stops once every caller has left', async () => {
    await s.app.service.upload(input({ filename: 'warm.png' }));
    s.emulator.setDelay(600_000);
    const calling = new Promise((resolve) => s.emulator.once('arrival', resolve));
    const callers = [new AbortController(), new AbortController()];
    const uploads = callers.map((c) =>
      s.app.service.upload(input({ signal: c.signal })).catch((e: unknown) => e),
    );
    await calling;
    for (const c of callers) c.abort(new Error('gone'));
    await Promise.all(uploads);
    const abandoned = await s.emulator.waitFor((r) => r.closedByClient === true);
    expect(abandoned.api).toBe('upload_attachment');
  });

  it('a path is hashed again once its file changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wecom-cache-'));
    try {
      const path = join(dir, 'product.png');
      await writeFile(path, png);
      await s.app.service.upload(input({ file: path }));
      expect((await s.app.service.upload(input({ file: path }))).reused).toBe(true);
      await writeFile(path, makePng(99, 99));
      expect((await s.app.service.upload(input({ file: path }))).reused).toBe(false);
      expect(s.emulator.uploads).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('concurrent identical uploads in one process share one request', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => s.app.service.upload(input())),
    );
    expect(new Set(results.map((r) => r.mediaId)).size).toBe(1);
    expect(results.filter((r) => r.reused)).toHaveLength(9);
    expect(s.emulator.uploads).toHaveLength(1);
  });

  it('is off unless asked for', async () => {
    const plain = await bootApp(s.emulator);
    try {
      await plain.service.upload(input());
      await plain.service.upload(input());
      expect(s.emulator.uploads).toHaveLength(2);
    } finally {
      await plain.close();
    }
  });
});

describe.skipIf(!requireRedisServer())('the media-id cache on Redis', () => {
  const s = emulatorSuite({ app: false });
  let server: RedisServer;
  let client: Redis;

  beforeAll(async () => {
    server = await RedisServer.start();
    client = new Redis(server.url, { lazyConnect: true });
    await client.connect();
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it('one replica uploads; another reuses the media_id from Redis', async () => {
    const a = await bootApp(s.emulator, { mediaCache: true, store: new RedisStore(client) });
    const b = await bootApp(s.emulator, { mediaCache: true, store: new RedisStore(client) });
    try {
      const first = await a.service.upload(input());
      const second = await b.service.upload(input());
      expect(second.mediaId).toBe(first.mediaId);
      expect(second.reused).toBe(true);
      expect(s.emulator.uploads).toHaveLength(1);
      const keys = await client.keys('wecom-media:media:*');
      expect(keys).toHaveLength(1);
      const ttl = await client.pttl(keys[0] ?? '');
      expect(ttl).toBeGreaterThan(3 * 24 * 3600_000 - 3600_000 - 120_000);
      expect(ttl).toBeLessThanOrEqual(3 * 24 * 3600_000 - 3600_000);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
