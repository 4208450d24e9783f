import {
  Catch,
  HttpStatus,
  Inject,
  Optional,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Response } from 'express';
import { LOGGER_CONTEXT, WECOM_MESSAGES } from '../wecom-media.constants.js';
import { AttachmentRuleError } from '../errors/attachment-rule.error.js';
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
import { WecomError } from '../errors/wecom.error.js';
import { WecomTaskPendingError } from '../errors/wecom-task-pending.error.js';
import { EN_MESSAGES, type Messages } from '../messages/index.js';
import { WecomLogger } from '../operations/telemetry/wecom-logger.js';

/** How long to tell clients to wait after -1 persisted through every retry, or a shutdown. */
const TRANSIENT_RETRY_AFTER_SECONDS = 5;

interface Answer {
  status: HttpStatus;
  message: string;
  retryAfterSeconds?: number;
}

/**
 * Turns the module's errors into HTTP answers: rule violations 400 with the list; a moment WeCom
 * goes on creating (WecomTaskPendingError) 202 with its `jobId`; busy, rate
 * limits and uploads cut short by shutdown 503 with Retry-After; other WeCom failures 502 with the
 * errcode; timeouts 504. Messages are in the module's `locale` (`@UseFilters(WecomErrorFilter)`,
 * or `app.useGlobalFilters(app.get(WecomErrorFilter))`), and never hold a token or a secret.
 *
 * @publicApi
 */
@Catch(WecomError)
export class WecomErrorFilter implements ExceptionFilter {
  private readonly logger = new WecomLogger(LOGGER_CONTEXT);

  /** @internal Nest injects the module's messages; `new WecomErrorFilter()` speaks English. */
  constructor(
    @Optional() @Inject(WECOM_MESSAGES) private readonly messages: Messages = EN_MESSAGES,
  ) {}

  /** Answers `error` as the class comment says, unless the client is gone or answered. */
  catch(error: WecomError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent || res.writableEnded) return; // the client is gone, or was answered
    if (error instanceof AttachmentRuleError) {
      res.status(HttpStatus.BAD_REQUEST).json({
        statusCode: HttpStatus.BAD_REQUEST,
        message: this.messages.ruleError(error.violations.map((v) => v.message)),
        violations: error.violations,
      });
      return;
    }
    // WeCom has the moment and goes on creating it: accepted, with what to ask about it later.
    if (error instanceof WecomTaskPendingError) {
      res.status(HttpStatus.ACCEPTED).json({
        statusCode: HttpStatus.ACCEPTED,
        message: this.messages.taskPending(error.jobId),
        jobId: error.jobId,
      });
      return;
    }
    const answer = this.answerFor(error);
    if (answer.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(answer.retryAfterSeconds));
    }
    res.status(answer.status).json({
      statusCode: answer.status,
      message: answer.message,
      ...(error instanceof WecomApiError ? { errcode: error.errcode } : {}),
    });
  }

  private answerFor(error: WecomError): Answer {
    const m = this.messages;
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
      // The source's own words (a path, a host) stay in the server log.
      this.logger.warn(error.message);
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
      // The callback's own words stay in the server log: they may name tenants or vaults.
      this.logger.warn(error.message);
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
}
