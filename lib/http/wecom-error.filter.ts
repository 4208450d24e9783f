import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { AttachmentRuleError } from '../errors/attachment-rule.error.js';
import { WecomApiError, WecomBusyError, WecomRateLimitError } from '../errors/wecom-api.error.js';
import { WecomAbortedError, WecomTimeoutError } from '../errors/wecom-transport.error.js';
import { WecomError } from '../errors/wecom.error.js';

/** How long to tell clients to wait after -1 persisted through every retry, or a shutdown. */
const TRANSIENT_RETRY_AFTER_SECONDS = 5;

/**
 * Turns the module's errors into HTTP answers: rule violations 400 with the list; busy, rate
 * limits and uploads cut short by shutdown 503 with Retry-After; other WeCom failures 502 with the
 * errcode; timeouts 504. Messages are the errors' own, which never hold a token or a secret.
 *
 * @publicApi
 */
@Catch(WecomError)
export class WecomErrorFilter implements ExceptionFilter {
  catch(error: WecomError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent || res.writableEnded) return; // the client is gone, or was answered
    if (error instanceof AttachmentRuleError) {
      res.status(HttpStatus.BAD_REQUEST).json({
        statusCode: HttpStatus.BAD_REQUEST,
        message: error.message,
        violations: error.violations,
      });
      return;
    }
    if (
      error instanceof WecomRateLimitError ||
      error instanceof WecomBusyError ||
      error instanceof WecomAbortedError
    ) {
      const seconds =
        error instanceof WecomRateLimitError
          ? Math.ceil(error.retryAfterMs / 1000)
          : TRANSIENT_RETRY_AFTER_SECONDS;
      res.setHeader('Retry-After', String(seconds));
      res.status(HttpStatus.SERVICE_UNAVAILABLE).json({
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        message: error.message,
        ...(error instanceof WecomApiError ? { errcode: error.errcode } : {}),
      });
      return;
    }
    const status =
      error instanceof WecomTimeoutError ? HttpStatus.GATEWAY_TIMEOUT : HttpStatus.BAD_GATEWAY;
    res.status(status).json({
      statusCode: status,
      message: error.message,
      ...(error instanceof WecomApiError ? { errcode: error.errcode } : {}),
    });
  }
}
