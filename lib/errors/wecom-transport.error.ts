import { WecomError } from './wecom.error.js';

/**
 * The request to WeCom failed before a full answer came: connection refused or reset, DNS.
 *
 * @publicApi
 */
export class WecomNetworkError extends WecomError {
  /** The class's name, for logs and `instanceof`-free checks: `'WecomNetworkError'`. */
  override readonly name: string = 'WecomNetworkError';

  constructor(
    /** The API path that failed. */
    readonly api: string,
    /** The system error code, e.g. `ECONNRESET`. */
    readonly code: string,
    /** How many times the call was sent. */
    readonly attempts = 1,
    /** The proxy the call went through (its origin, never its credentials), if any. */
    readonly proxy?: string,
  ) {
    super(
      `WeCom ${api} could not be reached${proxy ? ` through the proxy ${proxy}` : ''}: ${code}`,
    );
  }
}

/**
 * No full answer within `timeoutMs`.
 *
 * @publicApi
 */
export class WecomTimeoutError extends WecomNetworkError {
  /** The class's name, for logs and `instanceof`-free checks: `'WecomTimeoutError'`. */
  override readonly name = 'WecomTimeoutError';

  constructor(
    api: string,
    /** The time allowed, in milliseconds. */
    readonly timeoutMs: number,
    attempts = 1,
  ) {
    super(api, 'ETIMEDOUT', attempts);
    this.message = `WeCom ${api} did not answer within ${timeoutMs} ms`;
  }
}

/**
 * WeCom (or a proxy before it) answered with something that is not WeCom's JSON, or JSON that
 * lacks what a success must carry.
 *
 * @publicApi
 */
export class WecomProtocolError extends WecomError {
  /** The class's name, for logs and `instanceof`-free checks: `'WecomProtocolError'`. */
  override readonly name = 'WecomProtocolError';

  constructor(
    /** The API path that answered. */
    readonly api: string,
    /** The HTTP status of the answer. */
    readonly status: number,
    /** What was wrong with it. */
    readonly reason: string,
    /** Set when the proxy answered in WeCom's place (its origin, never its credentials). */
    readonly proxy?: string,
  ) {
    super(
      proxy
        ? `the proxy ${proxy} answered HTTP ${status} for WeCom ${api} with ${reason}`
        : `WeCom ${api} answered HTTP ${status} with ${reason}`,
    );
  }
}

/**
 * The upload was cut short before WeCom answered: the application is shutting down, or the
 * controller's client went away. Nothing was stored; try again once the service is back.
 *
 * @publicApi
 */
export class WecomAbortedError extends WecomError {
  /** The class's name, for logs and `instanceof`-free checks: `'WecomAbortedError'`. */
  override readonly name = 'WecomAbortedError';

  constructor(
    /** Why: `shutdown` (the application is closing) or `client-gone` (the caller hung up). */
    readonly reason: 'shutdown' | 'client-gone',
  ) {
    super(
      `the upload was cut short: ${reason === 'shutdown' ? 'the application is shutting down' : 'the client closed the connection'}`,
    );
  }
}
