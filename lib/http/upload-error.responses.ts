import {
  BadRequestException,
  HttpStatus,
  PayloadTooLargeException,
  RequestTimeoutException,
} from '@nestjs/common';
import type { UploadErrorResponse } from './upload-attachment-response.interface.js';
import type { Violation } from '../rules/violation.interface.js';

/** 400 with the violations listed. */
export function badUpload(message: string, violations: Violation[]): BadRequestException {
  const body: UploadErrorResponse = { statusCode: HttpStatus.BAD_REQUEST, message, violations };
  return new BadRequestException(body);
}

/** 413 for a body over the largest configured limit. */
export function tooLarge(message: string, violation: Violation): PayloadTooLargeException {
  const body: UploadErrorResponse = {
    statusCode: HttpStatus.PAYLOAD_TOO_LARGE,
    message,
    violations: [violation],
  };
  return new PayloadTooLargeException(body);
}

/** 408 for a client that did not send its upload in time. */
export function tooSlow(timeoutMs: number, message: string): RequestTimeoutException {
  const body: UploadErrorResponse = {
    statusCode: HttpStatus.REQUEST_TIMEOUT,
    message,
    violations: [{ rule: 'receive-timeout', message, limit: timeoutMs }],
  };
  return new RequestTimeoutException(body);
}
