/**
 * The module's own budget of calls per corp and API, shared by every replica through the module's
 * store (a `RedisStore`; a `MemoryStore` counts for this process alone). WeCom allows 10,000 calls
 * per minute and 150,000 per hour per corp and API (doc 90454) and answers 45009 past that,
 * blocking the caller for the rest of the window: the module stops short of it instead.
 *
 * @publicApi
 */
export interface RateLimitOptions {
  /** Calls per minute per corp and API, all replicas together. @default 10000 (WeCom's limit) */
  perMinute?: number;
  /** Calls per hour per corp and API, all replicas together. @default 150000 (WeCom's limit) */
  perHour?: number;
  /**
   * How long a call may wait for the budget to come back, in milliseconds. A call that would wait
   * longer fails at once with `WecomRateLimitError` (`local: true`, `retryAfterMs`), without
   * calling WeCom.
   * @default 0 (fail at once)
   */
  maxWaitMs?: number;
}
