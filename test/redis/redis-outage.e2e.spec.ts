import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WECOM_STORE } from '../../lib/wecom-media.constants.js';
import { AttachmentType, MediaType, RedisStore } from '../../lib/index.js';
import type { FallbackStore } from '../../lib/store/fallback.store.js';
import { bootApp, emulatorSuite, type TestApp } from '../helpers/wecom-test-app.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { RedisServer, requireRedisServer } from '../helpers/redis-server.mjs';

const png = makePng(32, 32);
const upload = (t: TestApp, name: string) =>
  t.service.upload({
    file: png,
    filename: name,
    mediaType: MediaType.Image,
    attachmentType: AttachmentType.Moment,
  });

describe.skipIf(!requireRedisServer())('Redis trouble never fails an upload', () => {
  const s = emulatorSuite({ app: false });
  let server: RedisServer;
  const clients: Redis[] = [];

  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await server?.stop();
  });

  /** A replica in this process: its own app, its own Redis client. */
  async function replica(): Promise<TestApp> {
    const client = new Redis(server.url, {
      commandTimeout: 300,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => 50,
      lazyConnect: true,
    });
    // An outage is expected here: ioredis reports it as 'error' events, printed as "Unhandled error
    // event" noise unless someone listens, as any app using ioredis should.
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    return bootApp(s.emulator, { store: new RedisStore(client), storeTimeoutMs: 300 });
  }

  it('keeps uploading while Redis is down, warns once, and shares again when it is back', async () => {
    const a = await replica();
    const b = await replica();
    try {
      await upload(a, 'before.png');
      await upload(b, 'before.png');
      expect(s.emulator.gettokenCalls).toBe(1); // shared through Redis

      await server.stop();
      s.emulator.expireTokens(); // each replica must now refresh, with Redis gone
      for (let i = 0; i < 5; i++) {
        await upload(a, `during-${i}.png`);
        await upload(b, `during-${i}.png`);
      }
      expect(s.emulator.gettokenCalls).toBe(3); // each replica fetched its own, once
      // One warning per replica for the whole outage, not one per call. (Nest's logger is
      // process-wide, so both replicas' lines may land in either capture.)
      const lines = [...a.logs.lines, ...b.logs.lines];
      expect(lines.filter((l) => l.includes('the shared store failed'))).toHaveLength(2);

      await server.resume();
      await expect
        .poll(() => clients.every((c) => c.status === 'ready'), { timeout: 10_000 })
        .toBe(true);
      // Each replica asks Redis again once its back-off from the outage has passed.
      for (const t of [a, b]) {
        const store = t.app.get<FallbackStore>(WECOM_STORE);
        await expect
          .poll(async () => (await store.get('probe'), store.degraded), { timeout: 10_000 })
          .toBe(false);
      }
      s.emulator.expireTokens();
      // The first replica to notice refreshes and stores the token in Redis again…
      await upload(a, 'after.png');
      const afterA = s.emulator.gettokenCalls;
      expect(afterA).toBe(4);
      // …and the other finds it there instead of fetching its own.
      await upload(b, 'after.png');
      expect(s.emulator.gettokenCalls).toBe(afterA);
      expect(a.logs.text + b.logs.text).toContain('the shared store answers again');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
