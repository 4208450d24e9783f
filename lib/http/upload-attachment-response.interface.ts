import type { FittedAttachment } from '../media/fit/fit-options.interface.js';
import type { Violation } from '../rules/violation.interface.js';

/**
 * What the upload controller answers with 201: WeCom's own field names, times in unix seconds.
 *
 * @publicApi
 */
export interface UploadAttachmentResponse {
  type: string;
  media_id: string;
  created_at: number;
  /** `created_at` + 3 days: when the media_id stops working. */
  expires_at: number;
  /** Set when the image was fitted: what was given, and what was sent in its place. */
  fitted?: FittedAttachment;
}

/**
 * The body of the upload controller's 4xx answers (400, 408, 413): every violation listed.
 *
 * @publicApi
 */
export interface UploadErrorResponse {
  statusCode: number;
  message: string;
  violations: Violation[];
}
