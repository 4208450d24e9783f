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
 * Refreshes ARGV[1]'s heartbeat in the sorted set KEYS[1] (score: when it lapses, by Redis's own
 * clock, so that the replicas' clocks need not agree), drops the lapsed ones, and returns how many
 * are left. Replicated by its effects (the default from Redis 5 on), so TIME may precede the writes.
 */
const HEARTBEAT = `if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('ZCARD', KEYS[1])`;
/** Removes ARGV[1]'s heartbeat from KEYS[1]: a replica that stops says so. */
const LEAVE = `return redis.call('ZREM', KEYS[1], ARGV[1])`;
/** The sorted set of the replicas' heartbeats. */
const REPLICAS_KEY = 'wecom-media:replicas';

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

  /**
   * @internal Refreshes the heartbeat of replica `id` for `ttlMs` and resolves with how many
   * replicas (this one included) have a heartbeat that has not lapsed: what the `rateLimit`
   * budget is divided by while Redis fails.
   */
  async heartbeat(id: string, ttlMs: number): Promise<number> {
    const ttl = Math.max(1, Math.ceil(ttlMs));
    const live = Number(await this.client.eval(HEARTBEAT, 1, this.prefix + REPLICAS_KEY, id, ttl));
    return Number.isInteger(live) && live >= 1 ? live : 1;
  }

  /** @internal Removes the heartbeat of replica `id`: it stops, and is no longer counted. */
  async leave(id: string): Promise<void> {
    await this.client.eval(LEAVE, 1, this.prefix + REPLICAS_KEY, id);
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
