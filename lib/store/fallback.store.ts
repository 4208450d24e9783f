import { setTimeout as sleep } from 'node:timers/promises';
import type { WecomStore } from './wecom-store.interface.js';
import { MemoryStore } from './memory.store.js';
import { bounded, NoAnswer, OutageGuard, type Guarded } from './outage-guard.js';

/** Settings of a {@link FallbackStore} (defaults: see resolve-options.ts). */
export interface FallbackStoreSettings {
  /** The longest wait for the shared store, per call. */
  timeoutMs: number;
  /** After a failure, use the local store alone for this long before asking again. */
  retryAfterMs: number;
}

/**
 * Puts a shared store (Redis) in front of a local one so that trouble with the shared store never
 * fails an upload: each call is bounded by a timeout, and while the shared store is down the
 * process falls back to its own memory (in-process single-flight, direct gettoken). Writes go to
 * both, so the local copy is warm when an outage starts. One warning per outage, not per call.
 */
export class FallbackStore implements WecomStore {
  private readonly local = new MemoryStore();
  private readonly guard: OutageGuard;

  constructor(
    private readonly shared: WecomStore,
    private readonly settings: FallbackStoreSettings,
  ) {
    this.guard = new OutageGuard(settings, {
      down: (why) =>
        `the shared store failed (${why}); this process carries on alone until it answers again`,
      back: 'the shared store answers again: tokens and locks are shared once more',
    });
  }

  /** True while the shared store is considered unreachable. */
  get degraded(): boolean {
    return this.guard.degraded;
  }

  /**
   * At start-up the shared store's client may still be connecting (ioredis connects in the
   * background): asks it until it answers, for at most `timeoutMs` in all, so that the first
   * upload finds it ready. Only a store still silent then is an outage, warned about once.
   */
  async onModuleInit(): Promise<void> {
    const deadline = Date.now() + this.settings.timeoutMs;
    for (let pause = 5; ; pause = Math.min(pause * 2, 50)) {
      const left = deadline - Date.now();
      try {
        await bounded(this.shared.get(READY_PROBE_KEY), Math.max(1, left));
        return;
      } catch (error) {
        if (left <= pause) {
          // The one warning: a store that stayed silent is named for the whole wait.
          const why =
            error instanceof NoAnswer
              ? new NoAnswer(`no answer within ${this.settings.timeoutMs} ms at start-up`)
              : (error as Error);
          await this.attempt(() => Promise.reject(why));
          return;
        }
        await sleep(pause);
      }
    }
  }

  /**
   * Whether the shared store answers now (one bounded read of a key nobody writes), for a health
   * probe. Within `retryAfterMs` of a failure it is not asked: false at once.
   */
  async ping(): Promise<boolean> {
    return (await this.attempt(() => this.shared.get(READY_PROBE_KEY))).ok;
  }

  async get(key: string): Promise<string | undefined> {
    const shared = await this.attempt(() => this.shared.get(key));
    return shared.ok ? shared.value : this.local.get(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.local.set(key, value, ttlMs);
    await this.attempt(() => this.shared.set(key, value, ttlMs));
  }

  async delete(key: string): Promise<void> {
    await this.local.delete(key);
    await this.attempt(() => this.shared.delete(key));
  }

  async compareAndDelete(key: string, expected: string): Promise<boolean> {
    const locally = await this.local.compareAndDelete(key, expected);
    const shared = await this.attempt(() => this.shared.compareAndDelete(key, expected));
    return shared.ok ? shared.value : locally;
  }

  async acquireLock(key: string, owner: string, leaseMs: number): Promise<boolean> {
    const shared = await this.attempt(() => this.shared.acquireLock(key, owner, leaseMs));
    if (shared.ok) {
      // Mirror the lock locally so that its owner-only release works on both sides.
      if (shared.value) await this.local.set(key, owner, leaseMs);
      return shared.value;
    }
    return this.local.acquireLock(key, owner, leaseMs);
  }

  private attempt<T>(call: () => Promise<T>): Promise<Guarded<T>> {
    return this.guard.attempt(call);
  }
}

/** A key nobody writes: reading it tells whether the store answers. */
const READY_PROBE_KEY = 'wecom-media:ready-probe';
