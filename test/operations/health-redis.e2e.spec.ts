import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../lib/index.js';
import { RedisServer, requireRedisServer } from '../helpers/redis-server.mjs';
import { emulatorSuite } from '../helpers/wecom-test-app.js';
import { bootHealthApp } from './health-app.js';

describe.skipIf(!requireRedisServer())('the health check and a real Redis going away', () => {
  const s = emulatorSuite({ app: false });
  let server: RedisServer;
  let client: Redis;

  beforeAll(async () => {
    server = await RedisServer.start();
    client = new Redis(server.url, {
      commandTimeout: 300,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => 50,
      lazyConnect: true,
    });
    client.on('error', () => undefined); // the outage below is expected
    await client.connect();
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it('names the store in the details, is down for it only with storeRequired, and up again once Redis is back', async () => {
    const app = await bootHealthApp({
      corpId: s.emulator.corpId,
      corpSecret: s.emulator.corpSecret,
      baseUrl: s.emulator.url,
      store: new RedisStore(client, { keyPrefix: 'health:' }),
      storeTimeoutMs: 300,
    });
    try {
      const up = await app.probe('?storeRequired=true');
      expect(up.status).toBe(200);
      expect(up.body.details.wecom).toMatchObject({ status: 'up', token: 'fetched', store: 'up' });

      await server.stop();
      const named = await app.probe();
      expect(named.status).toBe(200); // the module carries on with this process's memory
      expect(named.body.details.wecom).toMatchObject({
        status: 'up',
        token: 'held',
        store: 'down',
      });
      const required = await app.probe('?storeRequired=true');
      expect(required.status).toBe(503);
      expect(required.body.details.wecom).toMatchObject({
        status: 'down',
        failed: 'store',
        store: 'down',
        token: 'held',
      });
      expect(String(required.body.details.wecom.message)).toMatch(/shared store/);

      await server.resume();
      // Asked again once the client has reconnected and the outage's back-off (1 s) has passed.
      await expect
        .poll(async () => (await app.probe('?storeRequired=true')).status, {
          timeout: 15_000,
          interval: 100,
        })
        .toBe(200);
      expect((await app.probe()).body.details.wecom).toMatchObject({ store: 'up' });
      expect(s.emulator.gettokenCalls).toBe(1); // the token outlived the outage, in memory
    } finally {
      await app.close();
    }
  });
});
