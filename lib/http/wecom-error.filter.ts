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
import { WecomApiError } from '../errors/wecom-api.error.js';
import { WecomCredentialSourceError } from '../errors/wecom-credential-source.error.js';
import { WecomError } from '../errors/wecom.error.js';
import { WecomTaskPendingError } from '../errors/wecom-task-pending.error.js';
import { EN_MESSAGES, type Messages } from '../messages/index.js';
import { WecomLogger } from '../operations/telemetry/wecom-logger.js';
import { errorAnswer } from './error-answer.js';

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
    // The source's or the callback's own words (a path, a host, a vault) stay in the server log.
    if (error instanceof AttachmentSourceError || error instanceof WecomCredentialSourceError) {
      this.logger.warn(error.message);
    }
    const answer = errorAnswer(error, this.messages);
    if (answer.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(answer.retryAfterSeconds));
    }
    res.status(answer.status).json({
      statusCode: answer.status,
      message: answer.message,
      ...(error instanceof WecomApiError ? { errcode: error.errcode } : {}),
    });
  }
}
