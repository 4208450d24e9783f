import { BadRequestException, HttpStatus, PayloadTooLargeException } from '@nestjs/common';
import type { Violation } from '../interfaces/violation.interface.js';

/** The body of every 4xx answer of the upload endpoint. */
export interface UploadErrorBody {
  statusCode: number;
  message: string;
  violations: Violation[];
}

/** 400 with the violations listed. */
export function badUpload(message: string, violations: Violation[]): BadRequestException {
  const body: UploadErrorBody = { statusCode: HttpStatus.BAD_REQUEST, message, violations };
  return new BadRequestException(body);
}

/** 413 for a body over the largest configured limit. */
export function tooLarge(message: string, violation: Violation): PayloadTooLargeException {
  const body: UploadErrorBody = {
    statusCode: HttpStatus.PAYLOAD_TOO_LARGE,
    message,
    violations: [violation],
  };
  return new PayloadTooLargeException(body);
}
