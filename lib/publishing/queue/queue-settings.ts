import type { Queue } from 'bullmq';
import type { OutOf } from '../../options/option-checks.js';
import type { WECOM_MEDIA_EXTRAS } from '../../options/extras-table.js';

/** The `queue` extra with its defaults. */
export type QueueSettings = Exclude<OutOf<(typeof WECOM_MEDIA_EXTRAS)['fields']['queue']>, false>;

/** Injection token of the `queue` extra's settings (internal). */
export const WECOM_QUEUE_SETTINGS = Symbol('WECOM_QUEUE_SETTINGS');

/** Injection token of the BullMQ queue and the bullmq classes, loaded when `queue` is set (internal). */
export const WECOM_BULL = Symbol('WECOM_BULL');

/** What the dynamically loaded queue module gives: the app's queue, and bullmq's classes. */
export interface BullHandle {
  queue: Queue;
  bullmq: typeof import('bullmq');
}

/** A job's attempts, at most: the first and four retries. */
export const JOB_ATTEMPTS = 5;

/** The custom backoff of the module's jobs (see PublishWorker). */
export const BACKOFF_TYPE = 'wecom';
