import type { MediaType } from './media-type.enum.js';
import type { FittedAttachment } from './media/fit/fit-options.interface.js';
import type { RemovedMetadata } from './media/location-cut.js';

/**
 * The result of a successful upload.
 *
 * @publicApi
 */
export interface UploadedAttachment {
  /** The media type WeCom recorded. */
  type: MediaType;
  /** The media_id to use in add_moment_task or add_product_album. */
  mediaId: string;
  /** When WeCom stored the media. */
  createdAt: Date;
  /** When the media_id stops working: `createdAt` + 3 days. */
  expiresAt: Date;
  /** True when the media-id cache answered and nothing was sent. */
  reused: boolean;
  /** Set when the image was fitted (`fit`): what was given, and what was sent in its place. */
  fitted?: FittedAttachment;
  /**
   * What was removed from the photo before it was sent (`metadata: 'strip-location'`): `'gps'`,
   * `'serial'`, or `'exif'`/`'xmp'` for a block too damaged to walk, dropped whole. Unset when
   * nothing was.
   */
  cleaned?: RemovedMetadata[];
}
