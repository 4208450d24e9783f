import { randomUUID } from 'node:crypto';
import { RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { sleep } from './abort.js';
import { LOGGER_CONTEXT } from '../wecom-media.constants.js';
import { Errcode } from '../errors/errcodes.js';
import { WecomRateLimitError } from '../errors/wecom-api.error.js';
import type { RateLimitOptions } from '../options/wecom-media-options.js';
import type { WecomStore } from '../store/wecom-store.interface.js';
import { MemoryStore } from '../store/memory.store.js';
import { bounded, OutageGuard } from '../store/outage-guard.js';
import { Expiring, OwnCount, type Refusal } from './own-count.js';
import { RedisStore } from '../store/redis.store.js';
import { WecomLogger } from '../operations/telemetry/wecom-logger.js';

/**
 * How long a replica's heartbeat lasts in Redis, and how often an idle replica refreshes it: a
 * replica that stopped without a word is no longer counted once its heartbeat lapses.
 */
const HEARTBEAT_TTL_MS = 30_000;
const HEARTBEAT_EVERY_MS = 10_000;

/** One of the two windows WeCom counts calls in. */
interface Window {
  /** In Redis, shared by the replicas; undefined when this process counts alone. */
  shared: RateLimiterAbstract | undefined;
  /** This process's own count: all of the budget without Redis, its share while Redis fails. */
  own: OwnCount;
  /** Per key, what the shared count said last: where the window in progress stood. */
  lastShared: Expiring<{ consumed: number }>;
  /** The option that sets it, for the error. */
  option: 'rateLimit.perMinute' | 'rateLimit.perHour';
  per: 'minute' | 'hour';
  points: number;
  durationMs: number;
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
 * windows — by rate-limiter-flexible in Redis when the app's store is a `RedisStore` on an ioredis
 * client, so that every replica spends the same budget, in this process's memory otherwise. A
 * Redis that fails or stalls (`storeTimeoutMs`) never fails a call: this process counts alone for
 * a while (one warning per outage), then asks Redis again.
 *
 * Counting alone never multiplies the budget: while Redis is up, each replica keeps a heartbeat
 * there and learns how many replicas have one; while it fails, each counts against its share,
 * floor(budget / replicas last seen), at least 1 — of what was left of the window in progress, as
 * it last saw the shared count, and of the whole budget in the windows after it.
 */
export class CallBudget {
  private readonly logger = new WecomLogger(LOGGER_CONTEXT);
  private readonly windows: Window[];
  private readonly maxWaitMs: number;
  /** Bounds each Redis call, and counts locally for a while after one fails. */
  private readonly guard: OutageGuard;
  private readonly storeTimeoutMs: number;
  /** The store that keeps the replicas' heartbeats, when the counts are shared. */
  private readonly heartbeats: RedisStore | undefined;
  /** This replica's name among the heartbeats. */
  private readonly replicaId = randomUUID();
  /** How many replicas had a heartbeat when Redis last answered (this one included). */
  private replicasLastSeen = 1;
  private beating: Promise<void> | undefined;
  private nextBeat: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor({ limits, store, storeTimeoutMs, storeRetryAfterMs }: CallBudgetSettings) {
    this.maxWaitMs = limits.maxWaitMs;
    this.storeTimeoutMs = storeTimeoutMs;
    this.guard = new OutageGuard(
      { timeoutMs: storeTimeoutMs, retryAfterMs: storeRetryAfterMs },
      {
        down: (why) =>
          `rateLimit: Redis failed (${why}); this process counts its own calls against its share of the budget (the budget divided by the replicas last seen) until it answers again`,
        back: 'rateLimit: Redis answers again; the replicas share the budget again',
      },
    );
    const redis = store instanceof RedisStore ? store.redisClient() : undefined;
    // rate-limiter-flexible counts in Redis through ioredis's own commands (defineCommand).
    const shared =
      redis && typeof (redis.client as { defineCommand?: unknown }).defineCommand === 'function'
        ? redis
        : undefined;
    this.heartbeats = shared && store instanceof RedisStore ? store : undefined;
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
    ): Window => ({
      shared: shared
        ? new RateLimiterRedis({
            storeClient: shared.client,
            keyPrefix: `${shared.keyPrefix}wecom-media:calls-per-${per}`,
            points,
            duration,
          })
        : undefined,
      own: new OwnCount(),
      lastShared: new Expiring(),
      option,
      per,
      points,
      durationMs: duration * 1000,
    });
    this.windows = [
      window('minute', 'rateLimit.perMinute', limits.perMinute, 60),
      window('hour', 'rateLimit.perHour', limits.perHour, 60 * 60),
    ];
  }

  /**
   * With shared counts: this replica's first heartbeat (bounded by `storeTimeoutMs`; a store still
   * silent at start-up is the store's own warning), then one every HEARTBEAT_EVERY_MS while it runs.
   */
  async start(): Promise<void> {
    if (!this.heartbeats || this.timer) return;
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_EVERY_MS).unref();
    await this.beat();
  }

  /** Stops the heartbeat, and takes this replica out of the count while Redis answers. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const store = this.heartbeats;
    if (!store || this.guard.degraded) return;
    await bounded(store.leave(this.replicaId), this.storeTimeoutMs).catch(() => undefined);
  }

  /**
   * Spends one call of `corp`'s budget for `api`, waiting for it at most `maxWaitMs`.
   * @throws WecomRateLimitError (45009, `local`) when the budget does not come back in time.
   * @throws the signal's reason when it aborts while waiting.
   */
  async spend(corp: string, api: string, signal?: AbortSignal): Promise<void> {
    const key = `${corp}:${api}`;
    // Alongside the count, not after it: the count of replicas is fresh when Redis fails.
    const beat = this.beat();
    let waited = 0;
    for (const window of this.windows) {
      for (;;) {
        signal?.throwIfAborted();
        const refused = await this.consume(window, key);
        if (!refused) break;
        if (waited + refused.msBeforeNext > this.maxWaitMs) {
          throw new WecomRateLimitError(
            Errcode.FrequencyLimit,
            `${window.option} (${window.points} calls per ${window.per} for each corp and API) is spent for ${api} of corp ${corp}: this would be call ${refused.consumedPoints} in the ${window.per}${refused.replicas === undefined ? '' : `, over this process's share while Redis fails (${refused.allowed ?? 0} calls: the budget divided by ${refused.replicas} replicas last seen)`}`,
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
    await beat;
  }

  /** One call counted in `window`: undefined when it fits, the count's state when it does not. */
  private async consume(window: Window, key: string): Promise<Refusal | undefined> {
    const now = Date.now();
    const limiter = window.shared;
    if (!limiter) {
      return window.own.consume(key, now, () => ({
        allowed: window.points,
        endsAt: now + window.durationMs,
      }));
    }
    const shared = await this.guard.attempt(() => limiter.consume(key).then((res) => res, refusal));
    if (shared.ok) {
      const res = shared.value;
      window.lastShared.set(key, { consumed: res.consumedPoints }, now + res.msBeforeNext, now);
      return res.consumedPoints > window.points ? res : undefined;
    }
    // Redis failed: this process's share, of what was left of the window Redis counted last (as
    // this process saw it), or of a whole window.
    const replicas = this.replicasLastSeen;
    const refused = window.own.consume(key, now, () => {
      const last = window.lastShared.get(key, now);
      if (last) {
        const left = Math.max(0, window.points - last.value.consumed);
        return { allowed: Math.floor(left / replicas), endsAt: last.endsAt };
      }
      return {
        allowed: Math.max(1, Math.floor(window.points / replicas)),
        endsAt: now + window.durationMs,
      };
    });
    return refused && { ...refused, replicas };
  }

  /**
   * Refreshes this replica's heartbeat and learns how many replicas have one; bounded by
   * `storeTimeoutMs`, and skipped while Redis is known to fail (the count of calls tells when it
   * is back). One at a time; a caller that comes while one runs gets the next, sent after it
   * came, so that what it learns is never older than its call. It never fails: a heartbeat that
   * fails leaves the last count as it was.
   */
  private beat(): Promise<void> {
    const store = this.heartbeats;
    if (!store || this.guard.degraded) return Promise.resolve();
    if (!this.beating) {
      this.beating = bounded(store.heartbeat(this.replicaId, HEARTBEAT_TTL_MS), this.storeTimeoutMs)
        .then(
          (replicas) => {
            this.replicasLastSeen = replicas;
          },
          () => undefined,
        )
        .finally(() => {
          this.beating = undefined;
        });
      return this.beating;
    }
    this.nextBeat ??= this.beating.then(() => {
      this.nextBeat = undefined;
      return this.beat();
    });
    return this.nextBeat;
  }
}
