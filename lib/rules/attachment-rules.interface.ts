import type { AttachmentType } from '../attachment-type.enum.js';
import type { MediaType } from '../media-type.enum.js';
import type { MediaFormat } from '../media/media-format.js';

/**
 * Size and format limits of one media type.
 *
 * @publicApi
 */
export interface MediaTypeRule {
  /** The largest file accepted, in bytes. */
  maxBytes: number;
  /** The formats the bytes may be; empty means any. */
  formats: readonly MediaFormat[];
}

/**
 * Every limit the upload doc sets, as data: the service, the controller, the DTO and the
 * FileValidator all judge by one such table.
 *
 * @publicApi
 */
export interface AttachmentRules {
  /** Files must be larger than this many bytes (the doc: "所有文件size必须大于5个字节"). */
  minBytesExclusive: number;
  /** Each media type's size limit and formats. */
  mediaTypes: Readonly<Record<MediaType, MediaTypeRule>>;
  /** The media types each attachment type accepts. */
  attachmentTypes: Readonly<Record<AttachmentType, readonly MediaType[]>>;
  /** Moments images: the longer and the shorter edge, in pixels. */
  momentImage: { maxLongEdge: number; maxShortEdge: number };
  /** Moments videos: the longest duration, in seconds. */
  momentVideo: { maxDurationSeconds: number };
  /** The longest filename, in UTF-8 bytes. WeCom documents none; 255 is the common file-system bound. */
  maxFilenameBytes: number;
}
