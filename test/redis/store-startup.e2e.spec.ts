import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentType, MediaType, RedisStore } from '../../lib/index.js';
import { bootApp, emulatorSuite } from '../helpers/wecom-test-app.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { freePort, RedisServer, requireRedisServer } from '../helpers/redis-server.mjs';

const png = makePng(32, 32);

/** The README's client: connects in the background, fails fast while not connected. */
function readmeClient(url: string): Redis {
  const redis = new Redis(url, {
    commandTimeout: 500,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  });
  redis.on('error', () => undefined);
  return redis;
}

describe.skipIf(!requireRedisServer())('a shared store at start-up', () => {
  const s = emulatorSuite({ app: false });
  let server: RedisServer;
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(() => server?.stop());

  it('a client still connecting is waited for: the first upload shares its token, no warning', async () => {
    // Redis comes up while the app boots, and the client retries its connection every 300 ms:
    // it is not connected yet when the module starts, as with the README's client on a busy host.
    await server.stop();
    const redis = new Redis(server.url, {
      commandTimeout: 500,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy: () => 300,
    });
    redis.on('error', () => undefined);
    const booting = bootApp(s.emulator, {
      store: new RedisStore(redis, { keyPrefix: 'boot:' }),
      storeTimeoutMs: 3_000,
    });
    await server.resume();
    const t = await booting;
    try {
      await t.service.upload({
        file: png,
        filename: 'first.png',
        mediaType: MediaType.Image,
        attachmentType: AttachmentType.Moment,
      });
      expect(t.logs.text).not.toContain('the shared store failed');
      expect(await redis.keys('boot:wecom-media:token:*')).toHaveLength(1);
    } finally {
      await t.close();
      redis.disconnect();
    }
  });

  it('a store that never answers delays the boot by storeTimeoutMs at most, then warns once', async () => {
    const redis = readmeClient(`redis://127.0.0.1:${await freePort()}`); // nobody listens there
    const t = await bootApp(s.emulator, { store: new RedisStore(redis), storeTimeoutMs: 200 });
    try {
      const result = await t.service.upload({
        file: png,
        filename: 'alone.png',
        mediaType: MediaType.Image,
        attachmentType: AttachmentType.Moment,
      });
      expect(result.mediaId).toBe(s.emulator.uploads.at(-1)?.mediaId);
      expect(t.logs.lines.filter((l) => l.includes('the shared store failed'))).toHaveLength(1);
    } finally {
      await t.close();
      redis.disconnect();
    }
  });
});
