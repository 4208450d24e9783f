import type { WecomStore } from './wecom-store.interface.js';

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * The default store: one process's memory. Replicas each get their own; use `RedisStore` to share.
 *
 * @publicApi
 */
export class MemoryStore implements WecomStore {
  private readonly entries = new Map<string, Entry>();

  /** @param now - the clock that expires entries; tests may pass their own. @default `Date.now` */
  constructor(private readonly now: () => number = Date.now) {}

  /** {@inheritDoc WecomStore.get} */
  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.live(key)?.value);
  }

  /** {@inheritDoc WecomStore.set} */
  set(key: string, value: string, ttlMs: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    return Promise.resolve();
  }

  /** {@inheritDoc WecomStore.delete} */
  delete(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }

  /** {@inheritDoc WecomStore.compareAndDelete} */
  compareAndDelete(key: string, expected: string): Promise<boolean> {
    if (this.live(key)?.value !== expected) return Promise.resolve(false);
    this.entries.delete(key);
    return Promise.resolve(true);
  }

  /** {@inheritDoc WecomStore.acquireLock} */
  acquireLock(key: string, owner: string, leaseMs: number): Promise<boolean> {
    if (this.live(key)) return Promise.resolve(false);
    this.entries.set(key, { value: owner, expiresAt: this.now() + leaseMs });
    return Promise.resolve(true);
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
