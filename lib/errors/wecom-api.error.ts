import { WecomError } from './wecom.error.js';

/**
 * WeCom answered with a non-zero errcode.
 *
 * @publicApi
 */
export class WecomApiError extends WecomError {
  /** The class's name, for logs and `instanceof`-free checks: `'WecomApiError'`. */
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
 * 45009 (frequency limit) or 45033 (concurrency limit): wait before calling again. Raised when
 * WeCom answered so, or — `local: true`, `attempts: 0` — when the module held the call back
 * itself, without calling WeCom: the `rateLimit` budget was spent, or the line of calls waiting
 * for `maxConcurrentCalls` was full (`maxQueuedCalls`).
 *
 * @publicApi
 */
export class WecomRateLimitError extends WecomApiError {
  /** The class's name, for logs and `instanceof`-free checks: `'WecomRateLimitError'`. */
  override readonly name = 'WecomRateLimitError';

  constructor(
    errcode: number,
    errmsg: string,
    api: string,
    /** How long to wait before the next call, in milliseconds. */
    readonly retryAfterMs: number,
    attempts = 1,
    /** True when the module held the call back itself; WeCom was not called. */
    readonly local = false,
  ) {
    super(
      errcode,
      errmsg,
      api,
      attempts,
      local
        ? `WeCom ${api} not called: ${errmsg}; try again in ${retryAfterMs} ms`
        : `WeCom ${api} failed with errcode ${errcode}: ${errmsg}`,
    );
  }
}

/**
 * -1 (system busy) on every attempt. Transient: try again later.
 *
 * @publicApi
 */
export class WecomBusyError extends WecomApiError {
  /** The class's name, for logs and `instanceof`-free checks: `'WecomBusyError'`. */
  override readonly name = 'WecomBusyError';
}

/** What to fix, per refused credential (doc 90313). */
const CREDENTIAL_STEPS: Partial<Record<number, string>> = {
  40001: ' (check the app secret)',
  40013: ' (check the corp id)',
  40080: ' (check the suite secret)',
  40083: ' (check the suite id)',
  40084: " (the corp's permanent_code: a wrong one, or the corp cancelled its authorisation)",
  40085: ' (the suite_ticket: store the latest one WeCom pushes to the callback URL)',
};

/**
 * 40001 (invalid secret) or 40013 (invalid corpid) — or, for a third-party app, 40080/40083 (its
 * suite secret or id), 40085 (its suite ticket), 40084 (a corp's permanent code: wrong, or the
 * authorisation cancelled): a configuration error. Never retried, since repeated wrong-secret
 * calls get the server's IP banned for an hour: after WeCom refuses credentials, the module fails
 * fast with this error, without calling WeCom, until `retryAt` (a new ticket, code or secret is
 * tried at once). A refused permanent code fails only its corp.
 *
 * @publicApi
 */
export class WecomInvalidCredentialsError extends WecomApiError {
  /** The class's name, for logs and `instanceof`-free checks: `'WecomInvalidCredentialsError'`. */
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
      `WeCom ${api} refused the credentials with errcode ${errcode}: ${errmsg}${CREDENTIAL_STEPS[errcode] ?? ''}` +
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
