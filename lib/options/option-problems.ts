import type { WecomMediaModuleOptions } from './interfaces/wecom-media-module-options.interface.js';

/**
 * Every problem with `options`, in words. Secrets are described, never quoted.
 * Runs at start-up, so that a bad configuration fails the boot rather than the first upload.
 */
export function findOptionProblems(options: unknown): string[] {
  if (typeof options !== 'object' || options === null) return ['options must be an object'];
  const o = options as Partial<Record<keyof WecomMediaModuleOptions, unknown>>;
  const problems: string[] = [];
  if (typeof o.corpId !== 'string' || o.corpId.trim() === '') {
    problems.push('corpId must be a non-empty string (the corp id, "ww…")');
  }
  const hasProvider = o.tokenProvider !== undefined;
  if (hasProvider) {
    const p = o.tokenProvider as Record<string, unknown> | null;
    if (typeof p?.getToken !== 'function' || typeof p.invalidate !== 'function') {
      problems.push('tokenProvider must have getToken() and invalidate()');
    }
    if (o.corpSecret !== undefined)
      problems.push('give either corpSecret or tokenProvider, not both');
  } else if (typeof o.corpSecret !== 'string' || o.corpSecret.trim() === '') {
    problems.push(
      'corpSecret must be a non-empty string (the app secret), unless a tokenProvider is given',
    );
  }
  if (o.baseUrl !== undefined) problems.push(...baseUrlProblems(o.baseUrl));
  for (const key of ['timeoutMs', 'storeTimeoutMs', 'shutdownTimeoutMs'] as const) {
    if (o[key] !== undefined && !isPositive(o[key])) {
      problems.push(`${key} must be a positive number of milliseconds; got ${String(o[key])}`);
    }
  }
  if (
    o.tokenRefreshAheadMs !== undefined &&
    !(isPositive(o.tokenRefreshAheadMs) || o.tokenRefreshAheadMs === 0)
  ) {
    problems.push(`tokenRefreshAheadMs must be 0 or more; got ${String(o.tokenRefreshAheadMs)}`);
  }
  const retries = (o.retry as { busyRetries?: unknown } | undefined)?.busyRetries;
  if (retries !== undefined && !(Number.isInteger(retries) && (retries as number) >= 0)) {
    problems.push(`retry.busyRetries must be a whole number, 0 or more; got ${String(retries)}`);
  }
  return problems;
}

function baseUrlProblems(value: unknown): string[] {
  if (typeof value !== 'string') return ['baseUrl must be a string URL'];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [`baseUrl must be an absolute http(s) URL; got ${JSON.stringify(value)}`];
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return [`baseUrl must use http or https; got ${url.protocol}`];
  }
  if (url.search || url.hash || url.username || url.password) {
    return ['baseUrl must not carry a query, a fragment or credentials'];
  }
  return [];
}

const isPositive = (n: unknown): boolean => typeof n === 'number' && Number.isFinite(n) && n > 0;

/** Throws one error that lists every problem. */
export function assertValidOptions(options: unknown): WecomMediaModuleOptions {
  const problems = findOptionProblems(options);
  if (problems.length > 0) {
    throw new Error(`WecomMediaModule options are invalid:\n - ${problems.join('\n - ')}`);
  }
  return options as WecomMediaModuleOptions;
}
