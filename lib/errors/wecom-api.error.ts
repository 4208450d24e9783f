import { WecomError } from './wecom.error.js';

/**
 * WeCom answered with a non-zero errcode.
 *
 * @publicApi
 */
export class WecomApiError extends WecomError {
  override readonly name: string = 'WecomApiError';

  constructor(
    /** WeCom's errcode, e.g. 40004. Branch on this, never on `errmsg`. */
    readonly errcode: number,
    /** WeCom's errmsg, with every token and secret the module knows redacted. */
    readonly errmsg: string,
    /** The API path that failed, e.g. `/cgi-bin/media/upload_attachment`. */
    readonly api: string,
    /** How many times the call was sent. */
    readonly attempts = 1,
    message = `WeCom ${api} failed with errcode ${errcode}: ${errmsg}`,
  ) {
    super(message);
  }
}

/**
 * 45009 (frequency limit) or 45033 (concurrency limit): wait before calling again.
 *
 * @publicApi
 */
export class WecomRateLimitError extends WecomApiError {
  override readonly name = 'WecomRateLimitError';

  constructor(
    errcode: number,
    errmsg: string,
    api: string,
    /** How long to wait before the next call, in milliseconds. */
    readonly retryAfterMs: number,
    attempts = 1,
  ) {
    super(errcode, errmsg, api, attempts);
  }
}

/**
 * -1 (system busy) on every attempt. Transient: try again later.
 *
 * @publicApi
 */
export class WecomBusyError extends WecomApiError {
  override readonly name = 'WecomBusyError';
}

/**
 * 40001 (invalid secret) or 40013 (invalid corpid): a configuration error. Never retried, since
 * repeated wrong-secret calls get the server's IP banned for an hour: after gettoken refuses the
 * module's secret, the module fails fast with this error, without calling WeCom, until `retryAt`.
 *
 * @publicApi
 */
export class WecomInvalidCredentialsError extends WecomApiError {
  override readonly name = 'WecomInvalidCredentialsError';

  constructor(
    errcode: number,
    errmsg: string,
    api: string,
    attempts: number,
    /**
     * When the module will next ask WeCom with these credentials (the cool-down's end); undefined
     * when no cool-down holds (a refusal of another API, or of a custom token provider's token).
     */
    readonly retryAt?: Date,
    /** True when this error was answered from the cool-down, without calling WeCom. */
    readonly cached = false,
  ) {
    super(
      errcode,
      errmsg,
      api,
      attempts,
      `WeCom ${api} refused the credentials with errcode ${errcode}: ${errmsg}` +
        (retryAt
          ? `; ${cached ? 'remembered from an earlier refusal: ' : ''}the next real attempt will be made at ${retryAt.toISOString()}`
          : ''),
    );
  }

  /** @internal This refusal, with the end of the cool-down that now holds. */
  withRetryAt(retryAt: Date): WecomInvalidCredentialsError {
    return new WecomInvalidCredentialsError(
      this.errcode,
      this.errmsg,
      this.api,
      this.attempts,
      retryAt,
    );
  }
}
