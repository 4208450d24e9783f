/**
 * The small key-value contract behind the shared token, the refresh lock and the media-id cache.
 * `MemoryStore` serves one process; `RedisStore` lets replicas share. Implement it to use
 * another engine.
 *
 * @publicApi
 */
export interface WecomStore {
  /** The value of `key`, or undefined when there is none (or it expired). */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` for `ttlMs` milliseconds. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Removes `key`. */
  delete(key: string): Promise<void>;
  /** Deletes `key` only while it still holds `expected`; resolves true when it did. */
  compareAndDelete(key: string, expected: string): Promise<boolean>;
  /**
   * Takes the lock `key` for `owner` with a lease of `leaseMs` (SET NX PX). Resolves true when
   * `owner` now holds it. Release it with `compareAndDelete(key, owner)`.
   */
  acquireLock(key: string, owner: string, leaseMs: number): Promise<boolean>;
}
