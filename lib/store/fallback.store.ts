import { Logger } from '@nestjs/common';
import { sleep } from '../common/sleep.js';
import { LOGGER_CONTEXT } from '../common/wecom-media.constants.js';
import type { WecomStore } from '../interfaces/wecom-store.interface.js';
import { MemoryStore } from './memory.store.js';

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
  private readonly logger = new Logger(LOGGER_CONTEXT);
  private readonly local = new MemoryStore();
  private downUntil = 0;
  private down = false;

  constructor(
    private readonly shared: WecomStore,
    private readonly settings: FallbackStoreSettings,
  ) {}

  /** True while the shared store is considered unreachable. */
  get degraded(): boolean {
    return this.down;
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

  private async attempt<T>(
    call: () => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false }> {
    if (Date.now() < this.downUntil) return { ok: false };
    try {
      const value = await bounded(call(), this.settings.timeoutMs);
      if (this.down) {
        this.down = false;
        this.logger.log('the shared store answers again: tokens and locks are shared once more');
      }
      return { ok: true, value };
    } catch (error) {
      this.downUntil = Date.now() + this.settings.retryAfterMs;
      if (!this.down) {
        this.down = true;
        this.logger.warn(
          `the shared store failed (${(error as Error).message}); this process carries on alone until it answers again`,
        );
      }
      return { ok: false };
    }
  }
}

/** A key nobody writes: reading it tells whether the store answers. */
const READY_PROBE_KEY = 'wecom-media:ready-probe';

/** `call`'s result, or a rejection once `ms` have passed without one. */
/** The store did not answer in time. */
class NoAnswer extends Error {}

async function bounded<T>(call: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      call,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new NoAnswer(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
