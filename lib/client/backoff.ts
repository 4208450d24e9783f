import type { RetryOptions } from '../options/wecom-media-options.js';

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
