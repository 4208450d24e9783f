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
  /** Publishing a moment (add_moment_task, docs 95094/95095). */
  moment: MomentRules;
  /** Publishing a product album (add_product_album, doc 95096). */
  album: AlbumRules;
  /** The longest filename, in UTF-8 bytes. WeCom documents none; 255 is the common file-system bound. */
  maxFilenameBytes: number;
}

/**
 * The limits of a moment (add_moment_task): its text, its attachments (images, a video or a link,
 * never mixed) and the images it shows.
 *
 * @publicApi
 */
export interface MomentRules {
  /** The text's longest length in characters (the doc: 2000个字). */
  maxTextChars: number;
  /** The text's longest length in UTF-8 bytes (the doc: 4000个字节). */
  maxTextBytes: number;
  /** The most images of one moment. */
  maxImages: number;
  /** The most pixels of a moments image (the doc: 1440 × 1080); `fit` scales a larger one down. */
  maxImagePixels: number;
  /** The longest link title, in UTF-8 bytes. */
  maxLinkTitleBytes: number;
}

/**
 * The limits of a product album (add_product_album).
 *
 * @publicApi
 */
export interface AlbumRules {
  /** The description's longest length in characters. */
  maxDescriptionChars: number;
  /** The lowest price, in fen. */
  minPriceFen: number;
  /** The highest price, in fen (¥50,000). */
  maxPriceFen: number;
  /** The longest product_sn: letters and digits. */
  maxProductSnChars: number;
  /** The most images of one album. */
  maxImages: number;
}
