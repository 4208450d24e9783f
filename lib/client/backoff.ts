/** Retry settings for errcode -1 (system busy). */
export interface RetryOptions {
  /** How many times to retry -1 after the first attempt. WeCom advises at most 3. */
  busyRetries?: number;
  /** The first backoff, in milliseconds; it doubles each retry. */
  baseDelayMs?: number;
  /** The longest backoff, in milliseconds. */
  maxDelayMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = {
  busyRetries: 3,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
};

/**
 * The wait before retry `retry` (1-based): exponential, capped, with "equal jitter" so that
 * replicas that failed together do not retry together, yet never retry at once.
 */
export function backoffDelay(
  retry: number,
  options: Required<RetryOptions>,
  random = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
