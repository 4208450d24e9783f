import { HttpStatus } from '@nestjs/common';
import { AttachmentSourceError } from '../errors/attachment-source.error.js';
import {
  WecomApiError,
  WecomBusyError,
  WecomInvalidCredentialsError,
  WecomRateLimitError,
} from '../errors/wecom-api.error.js';
import {
  WecomAbortedError,
  WecomNetworkError,
  WecomProtocolError,
  WecomTimeoutError,
} from '../errors/wecom-transport.error.js';
import { WecomCredentialSourceError } from '../errors/wecom-credential-source.error.js';
import type { WecomError } from '../errors/wecom.error.js';
import type { Messages } from '../messages/index.js';

/** How long to tell clients to wait after -1 persisted through every retry, or a shutdown. */
const TRANSIENT_RETRY_AFTER_SECONDS = 5;

/** What the module tells whoever asked (an HTTP client, a health probe) about one of its errors. */
export interface ErrorAnswer {
  status: HttpStatus;
  message: string;
  retryAfterSeconds?: number;
}

/**
 * The status and the module's own words for `error`, in the messages' locale: never WeCom's
 * errmsg (upstream text: it may carry the server's egress IP), a credential callback's words or a
 * source's path — the caller logs those where it must. Neither a rule error nor a pending task:
 * the filter answers those with more than a message.
 */
export function errorAnswer(error: WecomError, m: Messages): ErrorAnswer {
  if (error instanceof WecomRateLimitError) {
    const seconds = Math.ceil(error.retryAfterMs / 1000);
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      message: (error.local ? m.heldBack : m.wecomRateLimited)(error.api, error.errcode, seconds),
      retryAfterSeconds: seconds,
    };
  }
  if (error instanceof WecomBusyError) {
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      message: m.wecomBusy(error.api, error.errcode),
      retryAfterSeconds: TRANSIENT_RETRY_AFTER_SECONDS,
    };
  }
  if (error instanceof WecomAbortedError) {
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      message: m.aborted(error.reason),
      retryAfterSeconds: TRANSIENT_RETRY_AFTER_SECONDS,
    };
  }
  if (error instanceof WecomInvalidCredentialsError) {
    return {
      status: HttpStatus.BAD_GATEWAY,
      message: m.credentialsRefused(error.api, error.errcode, error.retryAt),
    };
  }
  if (error instanceof AttachmentSourceError) {
    // A URL that could not be fetched is an upstream's failure, a stream or upload that broke
    // the client's, a path that cannot be read the app's own.
    const status =
      error.kind === 'url'
        ? HttpStatus.BAD_GATEWAY
        : error.kind === 'path'
          ? HttpStatus.INTERNAL_SERVER_ERROR
          : HttpStatus.BAD_REQUEST;
    return { status, message: m.sourceFailed(error.kind) };
  }
  if (error instanceof WecomCredentialSourceError) {
    // Not the callback's own words: they may name tenants, vaults or a credential.
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      message: m.credentialSourceFailed(error.source),
    };
  }
  if (error instanceof WecomApiError) {
    return {
      status: HttpStatus.BAD_GATEWAY,
      // Never WeCom's errmsg: upstream text may echo anything; the errcode says what it is.
      message: m.wecomRefused(error.api, error.errcode),
    };
  }
  if (error instanceof WecomTimeoutError) {
    return {
      status: HttpStatus.GATEWAY_TIMEOUT,
      message: m.wecomTimeout(error.api, error.timeoutMs),
    };
  }
  if (error instanceof WecomNetworkError) {
    return {
      status: HttpStatus.BAD_GATEWAY,
      message: m.wecomUnreachable(error.api, error.code, error.proxy),
    };
  }
  if (error instanceof WecomProtocolError) {
    return {
      status: HttpStatus.BAD_GATEWAY,
      message: m.wecomGarbled(error.api, error.status, error.reason, error.proxy),
    };
  }
  return { status: HttpStatus.BAD_GATEWAY, message: error.message };
}
