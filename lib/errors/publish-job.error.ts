import type { PublishJobError, PublishKind } from '../publishing/queue/publish-queue.interfaces.js';
import { WecomError } from './wecom.error.js';

/**
 * A queued album or moment failed for good: a rule it breaks, a refusal retrying cannot fix, or
 * every attempt spent. `PublishQueue.wait` rejects with it.
 *
 * @publicApi
 */
export class PublishJobFailedError extends WecomError {
  /** The class's name, for logs and `instanceof`-free checks: `'PublishJobFailedError'`. */
  override readonly name = 'PublishJobFailedError';

  constructor(
    /** Album or moment. */
    readonly kind: PublishKind,
    /** The caller's key. */
    readonly key: string,
    /** Why its last attempt failed. */
    readonly error: PublishJobError,
    /** Attempts made. */
    readonly attempts: number,
  ) {
    super(
      `the queued ${kind} "${key}" failed after ${attempts} attempt(s): ${error.name}${error.errcode === undefined ? '' : ` (errcode ${error.errcode})`}: ${error.message}`,
    );
  }
}

/**
 * `PublishQueue.wait` gave up after its `timeoutMs`. The job goes on: ask `status` or `wait`
 * again later; enqueuing the key again changes nothing.
 *
 * @publicApi
 */
export class PublishJobPendingError extends WecomError {
  /** The class's name, for logs and `instanceof`-free checks: `'PublishJobPendingError'`. */
  override readonly name = 'PublishJobPendingError';

  constructor(
    /** Album or moment. */
    readonly kind: PublishKind,
    /** The caller's key. */
    readonly key: string,
    /** How long `wait` waited, in milliseconds. */
    readonly waitedMs: number,
  ) {
    super(
      `the queued ${kind} "${key}" did not finish within ${waitedMs} ms; it goes on: ask PublishQueue.status or wait again later`,
    );
  }
}
