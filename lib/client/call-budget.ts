import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { sleep } from './abort.js';
import { LOGGER_CONTEXT } from '../wecom-media.constants.js';
import { Errcode } from '../errors/errcodes.js';
import { WecomRateLimitError } from '../errors/wecom-api.error.js';
import type { RateLimitOptions } from '../options/wecom-media-options.js';
import type { WecomStore } from '../store/wecom-store.interface.js';
import { MemoryStore } from '../store/memory.store.js';
import { OutageGuard } from '../store/outage-guard.js';
import { RedisStore } from '../store/redis.store.js';
import { WecomLogger } from '../operations/telemetry/wecom-logger.js';

/** One of the two windows WeCom counts calls in. */
interface Window {
  /** In Redis, shared by the replicas; undefined when this process counts alone. */
  shared: RateLimiterAbstract | undefined;
  /** This process's own count: without Redis, or while Redis fails. */
  local: RateLimiterMemory;
  /** The option that sets it, for the error. */
  option: 'rateLimit.perMinute' | 'rateLimit.perHour';
  per: 'minute' | 'hour';
  points: number;
}

/** rate-limiter-flexible rejects with the count's state when the budget is spent. */
function refusal(outcome: unknown): RateLimiterRes {
  if (outcome instanceof RateLimiterRes) return outcome;
  throw outcome;
}

/** Where the counters live, and how long one may take to answer. */
export interface CallBudgetSettings {
  limits: Required<RateLimitOptions>;
  /** The app's store: a RedisStore shares the counters between replicas. */
  store: WecomStore | undefined;
  storeTimeoutMs: number;
  /** After Redis failed, how long this process counts alone before asking it again. */
  storeRetryAfterMs: number;
}

/**
 * The `rateLimit` budget: calls per minute and per hour for each corp and API, counted in fixed
 * windows by rate-limiter-flexible — in Redis when the app's store is a `RedisStore` on an ioredis
 * client, so that every replica spends the same budget, in this process's memory otherwise. A
 * Redis that fails or stalls (`storeTimeoutMs`) never fails a call: this process counts alone for
 * a while (one warning per outage), then asks Redis again.
 */
export class CallBudget {
  private readonly logger = new WecomLogger(LOGGER_CONTEXT);
  private readonly windows: Window[];
  private readonly maxWaitMs: number;
  /** Bounds each Redis count, and counts locally for a while after one fails. */
  private readonly guard: OutageGuard;

  constructor({ limits, store, storeTimeoutMs, storeRetryAfterMs }: CallBudgetSettings) {
    this.maxWaitMs = limits.maxWaitMs;
    this.guard = new OutageGuard(
      { timeoutMs: storeTimeoutMs, retryAfterMs: storeRetryAfterMs },
      {
        down: (why) =>
          `rateLimit: Redis failed (${why}); this process counts its own calls until it answers again`,
        back: 'rateLimit: Redis answers again; the replicas share the budget again',
      },
    );
    const redis = store instanceof RedisStore ? store.redisClient() : undefined;
    // rate-limiter-flexible counts in Redis through ioredis's own commands (defineCommand).
    const shared =
      redis && typeof (redis.client as { defineCommand?: unknown }).defineCommand === 'function'
        ? redis
        : undefined;
    if (redis && !shared) {
      this.logger.warn(
        "rateLimit: the RedisStore's client is not ioredis, so each process counts its own calls; N replicas together may send N times the budget",
      );
    } else if (store && !shared && !(store instanceof MemoryStore)) {
      this.logger.warn(
        'rateLimit: the store is no RedisStore, so each process counts its own calls; N replicas together may send N times the budget',
      );
    }
    const window = (
      per: Window['per'],
      option: Window['option'],
      points: number,
      duration: number,
    ): Window => {
      const keyPrefix = `wecom-media:calls-per-${per}`;
      return {
        shared: shared
          ? new RateLimiterRedis({
              storeClient: shared.client,
              keyPrefix: `${shared.keyPrefix}${keyPrefix}`,
              points,
              duration,
            })
          : undefined,
        local: new RateLimiterMemory({ keyPrefix, points, duration }),
        option,
        per,
        points,
      };
    };
    this.windows = [
      window('minute', 'rateLimit.perMinute', limits.perMinute, 60),
      window('hour', 'rateLimit.perHour', limits.perHour, 60 * 60),
    ];
  }

  /**
   * Spends one call of `corp`'s budget for `api`, waiting for it at most `maxWaitMs`.
   * @throws WecomRateLimitError (45009, `local`) when the budget does not come back in time.
   * @throws the signal's reason when it aborts while waiting.
   */
  async spend(corp: string, api: string, signal?: AbortSignal): Promise<void> {
    const key = `${corp}:${api}`;
    let waited = 0;
    for (const window of this.windows) {
      for (;;) {
        signal?.throwIfAborted();
        const refused = await this.consume(window, key);
        if (!refused) break;
        if (waited + refused.msBeforeNext > this.maxWaitMs) {
          throw new WecomRateLimitError(
            Errcode.FrequencyLimit,
            `${window.option} (${window.points} calls per ${window.per} for each corp and API) is spent for ${api} of corp ${corp}: this would be call ${refused.consumedPoints} in the ${window.per}`,
            api,
            Math.max(1, refused.msBeforeNext),
            0,
            true,
          );
        }
        waited += refused.msBeforeNext;
        await sleep(refused.msBeforeNext, signal);
      }
    }
  }

  /** One call counted in `window`: undefined when it fits, the count's state when it does not. */
  private async consume(window: Window, key: string): Promise<RateLimiterRes | undefined> {
    if (window.shared) {
      const limiter = window.shared;
      const shared = await this.guard.attempt(() =>
        limiter.consume(key).then(() => undefined, refusal),
      );
      if (shared.ok) return shared.value;
    }
    return window.local.consume(key).then(() => undefined, refusal);
  }
}
