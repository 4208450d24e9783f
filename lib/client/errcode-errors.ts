import {
  CONCURRENCY_RETRY_AFTER_MS,
  CREDENTIAL_ERRCODES,
  Errcode,
  RATE_LIMIT_ERRCODES,
  RATE_LIMIT_RETRY_AFTER_MS,
} from '../errors/errcodes.js';
import {
  WecomApiError,
  WecomBusyError,
  WecomInvalidCredentialsError,
  WecomRateLimitError,
} from '../errors/wecom-api.error.js';
import type { Messages } from '../messages/index.js';

/**
 * The typed error of a WeCom refusal, as the caller must act on it: credentials refused (never
 * retried), a rate or concurrency limit (with when to try again), busy after every retry, or any
 * other errcode with what to do about it where the errcode says (60020: the trusted IPs, say).
 * `errmsg` is already redacted.
 */
export function errorFor(
  api: string,
  errcode: number,
  errmsg: string,
  attempts: number,
  messages: Messages,
): WecomApiError {
  if (CREDENTIAL_ERRCODES.has(errcode)) {
    // The token provider adds the cool-down's end, where it records one.
    return new WecomInvalidCredentialsError(errcode, errmsg, api, attempts);
  }
  if (RATE_LIMIT_ERRCODES.has(errcode)) {
    const retryAfter =
      errcode === Errcode.FrequencyLimit ? RATE_LIMIT_RETRY_AFTER_MS : CONCURRENCY_RETRY_AFTER_MS;
    return new WecomRateLimitError(errcode, errmsg, api, retryAfter, attempts);
  }
  if (errcode === Errcode.SystemBusy) return new WecomBusyError(errcode, errmsg, api, attempts);
  return new WecomApiError(
    errcode,
    errmsg,
    api,
    attempts,
    messages.wecomRefused(api, errcode, errmsg),
  );
}
