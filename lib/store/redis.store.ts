import type { WecomStore } from './wecom-store.interface.js';

/**
 * The commands `RedisStore` uses, as an ioredis `Redis` or `Cluster` has them. Typed
 * structurally so that this package does not need ioredis's types to compile.
 *
 * @publicApi
 */
export interface RedisClientLike {
  /** GET: the value, or null. */
  get(key: string): Promise<string | null>;
  /** SET with a time to live in milliseconds. */
  set(key: string, value: string, px: 'PX', ttlMs: number): Promise<unknown>;
  /** SET … NX: only if the key does not exist (a lock). */
  set(key: string, value: string, px: 'PX', ttlMs: number, nx: 'NX'): Promise<unknown>;
  /** DEL. */
  del(key: string): Promise<number>;
  /** EVAL of a Lua script (compare-and-delete). */
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
}

/** Deletes KEYS[1] only while it holds ARGV[1]: the owner-only release of a lock, the guarded token drop. */
const COMPARE_AND_DELETE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * Settings of a {@link RedisStore}.
 *
 * @publicApi
 */
export interface RedisStoreOptions {
  /** Prepended to every key, e.g. to share one Redis between apps. @default '' */
  keyPrefix?: string;
}

/**
 * A {@link WecomStore} on Redis, so that replicas share one token, one refresh lock and one
 * media-id cache. Locks are `SET NX PX` with a lease, released only by their owner.
 *
 * Give it an ioredis client made for the job, with bounded waits:
 * `new Redis(url, { commandTimeout: 500, maxRetriesPerRequest: 1, enableOfflineQueue: false })`.
 *
 * @publicApi
 */
export class RedisStore implements WecomStore {
  private readonly prefix: string;

  constructor(
    private readonly client: RedisClientLike,
    options: RedisStoreOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? '';
  }

  /** @internal The client and the key prefix, for the counters of the `rateLimit` budget. */
  redisClient(): { client: RedisClientLike; keyPrefix: string } {
    return { client: this.client, keyPrefix: this.prefix };
  }

  /** {@inheritDoc WecomStore.get} */
  async get(key: string): Promise<string | undefined> {
    return (await this.client.get(this.prefix + key)) ?? undefined;
  }

  /** {@inheritDoc WecomStore.set} */
  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.client.set(this.prefix + key, value, 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  /** {@inheritDoc WecomStore.delete} */
  async delete(key: string): Promise<void> {
    await this.client.del(this.prefix + key);
  }

  /** {@inheritDoc WecomStore.compareAndDelete} */
  async compareAndDelete(key: string, expected: string): Promise<boolean> {
    return Number(await this.client.eval(COMPARE_AND_DELETE, 1, this.prefix + key, expected)) === 1;
  }

  /** {@inheritDoc WecomStore.acquireLock} */
  async acquireLock(key: string, owner: string, leaseMs: number): Promise<boolean> {
    const reply = await this.client.set(
      this.prefix + key,
      owner,
      'PX',
      Math.max(1, Math.ceil(leaseMs)),
      'NX',
    );
    return reply === 'OK';
  }
}
