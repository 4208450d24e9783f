import type { FilePathLike } from '../../source/attachment-source.js';
import type { CreateProductAlbumInput, PublishMomentInput } from '../publishing.interfaces.js';

/**
 * What a queue publishes: a product album or a moment. Keys are per corp and kind.
 *
 * @publicApi
 */
export type PublishKind = 'album' | 'moment';

/**
 * A file a worker can read, wherever it runs: a path (a relative one is resolved at enqueue, so
 * every worker must see the same files there), a `URL` (allowed by `urlSources`), a media_id, or
 * one of the first two with the name users see. A Buffer or a stream cannot wait in a queue.
 *
 * @publicApi
 */
export type QueuedSource =
  | string
  | FilePathLike
  | URL
  | { file: string | FilePathLike | URL; filename?: string }
  | { mediaId: string };

/**
 * An album to create through the queue: `ProductAlbumService.create`'s input with queueable
 * images, and the caller's idempotency key.
 *
 * @publicApi
 */
export interface QueuedAlbumInput extends Omit<CreateProductAlbumInput, 'images' | 'signal'> {
  /**
   * The caller's idempotency key (a product_sn, say): the same key for the same corp always means
   * the same album, created once.
   */
  key: string;
  /** 1 to 9 images, read by the worker. */
  images: readonly QueuedSource[];
}

/**
 * A moment to publish through the queue: `MomentService.publish`'s input with queueable files,
 * and the caller's idempotency key.
 *
 * @publicApi
 */
export interface QueuedMomentInput extends Omit<
  PublishMomentInput,
  'images' | 'video' | 'link' | 'signal'
> {
  /** The caller's idempotency key (a campaign id, say): one moment per key and corp. */
  key: string;
  /** 1 to 9 images. */
  images?: readonly QueuedSource[];
  /** One video. */
  video?: QueuedSource;
  /** A link and its cover image. */
  link?: { title: string; url: string; cover?: QueuedSource };
}

/**
 * An enqueued album or moment.
 *
 * @publicApi
 */
export interface EnqueuedPublish {
  /** The caller's key, as given. */
  key: string;
  /** The BullMQ job's id: the same for every enqueue of the key (per corp and kind). */
  jobId: string;
}

/**
 * What a queued album came to.
 *
 * @publicApi
 */
export interface QueuedAlbumResult {
  /** The album's id. */
  productId: string;
}

/**
 * What a queued moment came to.
 *
 * @publicApi
 */
export interface QueuedMomentResult {
  /** The moment task's jobid at WeCom. */
  jobId: string;
  /** The moment's id: what `MomentService.cancel` takes. */
  momentId: string;
  /** Senders WeCom did not take. */
  invalidSenders: { userIds: string[]; departmentIds: number[] };
  /** Customer tags WeCom did not take. */
  invalidCustomerTagIds: string[];
}

/**
 * The result of a queued album (`'album'`) or moment (`'moment'`).
 *
 * @publicApi
 */
export type QueuedResult<K extends PublishKind> = K extends 'album'
  ? QueuedAlbumResult
  : QueuedMomentResult;

/**
 * Where a key's job stands. `waiting` includes a job held back by the shared rate limit;
 * `delayed` is a job waiting for its retry; `unknown`, a key never enqueued (or forgotten after
 * `queue.keyTtlMs`).
 *
 * @publicApi
 */
export type PublishJobState = 'waiting' | 'active' | 'delayed' | 'completed' | 'failed' | 'unknown';

/**
 * An error of a queued job, as it was stored: never an access_token or a secret.
 *
 * @publicApi
 */
export interface PublishJobError {
  /** The error's class name (`AttachmentRuleError`, `WecomApiError`…). */
  name: string;
  /** Its message. */
  message: string;
  /** WeCom's errcode, when WeCom refused. */
  errcode?: number;
}

/**
 * A key's job, as `PublishQueue.status` reports it.
 *
 * @publicApi
 */
export interface PublishJobStatus<K extends PublishKind> {
  /** Where the job stands. */
  state: PublishJobState;
  /** Attempts that have ended (a wait for the rate limit is none). */
  attempts: number;
  /** Set once completed. */
  result?: QueuedResult<K>;
  /** Why the last attempt failed: set once failed, and while a retry waits. */
  error?: PublishJobError;
}

/**
 * Which key `status` and `wait` look up: keys are per kind and corp.
 *
 * @publicApi
 */
export interface PublishKeyOptions<K extends PublishKind> {
  /** Album or moment. */
  kind: K;
  /** The corp the key was enqueued for. @default the module's `corpId` */
  corpId?: string;
}

/**
 * Jobs of the queue per state, all kinds and corps together.
 *
 * @publicApi
 */
export interface PublishQueueProgress {
  /** Waiting to run (held back by the rate limit, or prioritised, too). */
  waiting: number;
  /** Running now. */
  active: number;
  /** Waiting for a retry. */
  delayed: number;
  /** Done, among the jobs BullMQ still keeps. */
  completed: number;
  /** Failed for good, among the jobs BullMQ still keeps. */
  failed: number;
}
