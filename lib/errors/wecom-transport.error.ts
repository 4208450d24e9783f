import { WecomError } from './wecom.error.js';

/** The request to WeCom failed before an answer came: connection refused or reset, DNS. */
export class WecomNetworkError extends WecomError {
  override readonly name: string = 'WecomNetworkError';

  constructor(
    /** The API path that failed. */
    readonly api: string,
    /** The system error code, e.g. `ECONNRESET`. */
    readonly code: string,
    readonly attempts = 1,
  ) {
    super(`WeCom ${api} could not be reached: ${code}`);
  }
}

/** No full answer within `timeoutMs`. */
export class WecomTimeoutError extends WecomNetworkError {
  override readonly name = 'WecomTimeoutError';

  constructor(
    api: string,
    readonly timeoutMs: number,
    attempts = 1,
  ) {
    super(api, 'ETIMEDOUT', attempts);
    this.message = `WeCom ${api} did not answer within ${timeoutMs} ms`;
  }
}

/** WeCom (or a proxy before it) answered with something that is not WeCom's JSON. */
export class WecomProtocolError extends WecomError {
  override readonly name = 'WecomProtocolError';

  constructor(
    readonly api: string,
    /** The HTTP status of the answer. */
    readonly status: number,
    /** What was wrong with it. */
    readonly reason: string,
  ) {
    super(`WeCom ${api} answered HTTP ${status} with ${reason}`);
  }
}
