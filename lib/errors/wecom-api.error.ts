import { WecomError } from './wecom.error.js';

/** WeCom answered with a non-zero errcode. */
export class WecomApiError extends WecomError {
  override readonly name: string = 'WecomApiError';

  constructor(
    /** WeCom's errcode, e.g. 40004. Branch on this, never on `errmsg`. */
    readonly errcode: number,
    /** WeCom's errmsg, with any access_token masked. */
    readonly errmsg: string,
    /** The API path that failed, e.g. `/cgi-bin/media/upload_attachment`. */
    readonly api: string,
    /** How many times the call was sent. */
    readonly attempts = 1,
  ) {
    super(`WeCom ${api} failed with errcode ${errcode}: ${errmsg}`);
  }
}

/** 45009 (frequency limit) or 45033 (concurrency limit): wait before calling again. */
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

/** -1 (system busy) on every attempt. Transient: try again later. */
export class WecomBusyError extends WecomApiError {
  override readonly name = 'WecomBusyError';
}

/**
 * 40001 (invalid secret) or 40013 (invalid corpid): a configuration error. Never retried, since
 * repeated wrong-secret calls get the server's IP banned.
 */
export class WecomInvalidCredentialsError extends WecomApiError {
  override readonly name = 'WecomInvalidCredentialsError';
}
