import type { AttachmentInput } from '../attachment-input.interface.js';
import type { FitOptions } from '../options/wecom-media-options.js';
import type { UploadedAttachment } from '../uploaded-attachment.interface.js';

/**
 * One file of a moment or an album: anything `AttachmentInput.file` takes, or `{ file, filename? }`,
 * or `{ mediaId }` (a media_id the caller already holds, sent as it is, not uploaded).
 *
 * @publicApi
 */
export type PublishSource =
  | AttachmentInput['file']
  | { file: AttachmentInput['file']; filename?: string }
  | { mediaId: string };

/**
 * What every publishing call may take: the corp, and a signal.
 *
 * @publicApi
 */
export interface CorpOptions {
  /** The corp to act for. @default the module's `corpId` */
  corpId?: string;
  /** Aborts the uploads and the calls. */
  signal?: AbortSignal;
}

/**
 * How to list albums: a page size, and where to start.
 *
 * @publicApi
 */
export interface ProductAlbumListOptions extends CorpOptions {
  /** Albums per page, 1 to 100 (WeCom's bound). @default 50 */
  limit?: number;
  /** Where to start: a cursor of an earlier listing. */
  cursor?: string;
}

/**
 * What every publishing call that uploads may take besides its content.
 *
 * @publicApi
 */
export interface PublishOptions extends CorpOptions {
  /** Fit images that break a rule (needs `sharp`). @default the module's `fit` option */
  fit?: boolean | FitOptions;
}

/**
 * A moment for customers' moments feeds (朋友圈): text, and images, a video or a link — one kind.
 *
 * @publicApi
 */
export interface PublishMomentInput extends PublishOptions {
  /** At most 2,000 characters and 4,000 UTF-8 bytes. */
  text?: string;
  /** 1 to 9 images, uploaded for moments (attachment_type 1). */
  images?: readonly PublishSource[];
  /** One video (MP4, at most 30 s). */
  video?: PublishSource;
  /** A link: its title (1–64 UTF-8 bytes), an http(s) URL and its cover image. */
  link?: { title: string; url: string; cover?: PublishSource };
  /**
   * Who sends it (visible_range.sender_list). Without it, WeCom makes every member in the app's
   * visible range a sender: each is asked to post it to their customers.
   */
  senders?: { userIds?: readonly string[]; departmentIds?: readonly number[] };
  /** Only customers with these tags see it (visible_range.external_contact_list.tag_list). */
  customerTagIds?: readonly string[];
  /** How long to wait for WeCom to create the task, in milliseconds. @default 60000 */
  waitMs?: number;
}

/**
 * A published moment.
 *
 * @publicApi
 */
export interface PublishedMoment {
  /** The task's jobid (valid for 24 hours). */
  jobId: string;
  /** The moment's id: what `cancel` takes. */
  momentId: string;
  /** Senders WeCom did not take (not members, or out of the app's range). */
  invalidSenders: { userIds: string[]; departmentIds: number[] };
  /** Customer tags WeCom did not take. */
  invalidCustomerTagIds: string[];
  /** One per file uploaded (or reused from the media-id cache), in the order given. */
  attachments: UploadedAttachment[];
}

/**
 * Where a moment task stands: one poll of get_moment_task_result.
 *
 * @publicApi
 */
export interface MomentTaskResult {
  /** started (1), creating (2) or done (3). */
  status: 'started' | 'creating' | 'done';
  /** Set once done. */
  momentId?: string;
  /** Set once done. */
  invalidSenders?: { userIds: string[]; departmentIds: number[] };
  /** Set once done. */
  invalidCustomerTagIds?: string[];
}

/**
 * A product album (商品图册) to create.
 *
 * @publicApi
 */
export interface CreateProductAlbumInput extends PublishOptions {
  /** 1 to 300 characters. */
  description: string;
  /** The price in fen (分): a whole number from 1 to 5,000,000 (¥50,000). */
  priceFen: number;
  /** The product's code: at most 128 letters and digits. */
  productSn?: string;
  /** 1 to 9 images, uploaded for the product album (attachment_type 2). */
  images: readonly PublishSource[];
}

/**
 * A created product album.
 *
 * @publicApi
 */
export interface CreatedProductAlbum {
  /** The album's id. */
  productId: string;
  /** One per file uploaded (or reused from the media-id cache), in the order given. */
  attachments: UploadedAttachment[];
}

/**
 * A product album as WeCom keeps it.
 *
 * @publicApi
 */
export interface ProductAlbum {
  /** The album's id. */
  productId: string;
  /** Its description. */
  description: string;
  /** Its price, in fen. */
  priceFen: number;
  /** Its product code, when it has one. */
  productSn?: string;
  /** When it was created, where WeCom says. */
  createdAt?: Date;
  /**
   * Its images, as WeCom's download ids: not media_ids to publish again (those come from an
   * upload, and last three days).
   */
  mediaIds: string[];
}

/**
 * What an album update changes; images, when given, replace the whole list.
 *
 * @publicApi
 */
export interface ProductAlbumChanges {
  /** A new description. */
  description?: string;
  /** A new price, in fen. */
  priceFen?: number;
  /** A new product code. */
  productSn?: string;
  /** New images (1 to 9), replacing the album's. */
  images?: readonly PublishSource[];
}
