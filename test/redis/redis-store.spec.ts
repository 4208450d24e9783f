import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../lib/index.js';
import { RedisServer, requireRedisServer } from '../helpers/redis-server.mjs';

describe.skipIf(!requireRedisServer())('RedisStore against a real redis-server', () => {
  let server: RedisServer;
  let client: Redis;
  let store: RedisStore;

  beforeAll(async () => {
    server = await RedisServer.start();
    client = new Redis(server.url, { lazyConnect: true });
    await client.connect();
    store = new RedisStore(client, { keyPrefix: 'test:' });
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it('sets with a TTL in milliseconds, under its prefix', async () => {
    await store.set('a', 'value', 60_000);
    expect(await store.get('a')).toBe('value');
    expect(await client.get('test:a')).toBe('value');
    const ttl = await client.pttl('test:a');
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
  });

  it('compare-and-delete removes only the expected value', async () => {
    await store.set('token', 'fresh', 60_000);
    expect(await store.compareAndDelete('token', 'stale')).toBe(false);
    expect(await store.get('token')).toBe('fresh');
    expect(await store.compareAndDelete('token', 'fresh')).toBe(true);
    expect(await store.get('token')).toBeUndefined();
  });

  it('locks with SET NX PX: one owner at a time, released only by its owner, freed by the lease', async () => {
    expect(await store.acquireLock('lock', 'owner-a', 60_000)).toBe(true);
    expect(await store.acquireLock('lock', 'owner-b', 60_000)).toBe(false);
    expect(await store.compareAndDelete('lock', 'owner-b')).toBe(false);
    expect(await store.compareAndDelete('lock', 'owner-a')).toBe(true);
    // A short lease: Redis itself frees the lock when the holder never releases it (it died).
    expect(await store.acquireLock('lock', 'owner-b', 1_000)).toBe(true);
    expect(await store.acquireLock('lock', 'owner-c', 60_000)).toBe(false);
    const lease = await client.pttl('test:lock');
    expect(lease).toBeGreaterThan(0);
    expect(lease).toBeLessThanOrEqual(1_000);
    await expect.poll(() => client.exists('test:lock'), { timeout: 10_000 }).toBe(0);
    expect(await store.acquireLock('lock', 'owner-c', 60_000)).toBe(true);
  });
});
