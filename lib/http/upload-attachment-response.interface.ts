import type { RemovedMetadata } from '../media/location-cut.js';
import type { FittedAttachment } from '../media/fit/fit-options.interface.js';
import type { Violation } from '../rules/violation.interface.js';

/**
 * What the upload controller answers with 201: WeCom's own field names, times in unix seconds.
 *
 * @publicApi
 */
export interface UploadAttachmentResponse {
  /** The media type WeCom recorded: image, video or file. */
  type: string;
  /** The media_id for add_moment_task or add_product_album, valid for 3 days. */
  media_id: string;
  /** When WeCom stored the file. */
  created_at: number;
  /** `created_at` + 3 days: when the media_id stops working. */
  expires_at: number;
  /** Set when the image was fitted: what was given, and what was sent in its place. */
  fitted?: FittedAttachment;
  /** What was removed from the photo before it was sent (its location, a serial number). */
  cleaned?: RemovedMetadata[];
}

/**
 * The body of the upload controller's 4xx answers (400, 408, 413): every violation listed.
 *
 * @publicApi
 */
export interface UploadErrorResponse {
  /** The HTTP status, repeated in the body. */
  statusCode: number;
  /** Every violation's message, in the module's locale. */
  message: string;
  /** Every rule broken, each with its limit and the actual value. */
  violations: Violation[];
}
